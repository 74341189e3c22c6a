#include "db/pgsql_connection.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "db/error_map.h"

namespace shoal::db::internal {
namespace {

absl::string_view AV(std::string_view s) { return absl::string_view(s.data(), s.size()); }

constexpr Oid kByteaOid = 17;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

class PgSqlConnection final : public Connection {
 public:
  explicit PgSqlConnection(DatabaseParams params) : params_(std::move(params)) {}
  ~PgSqlConnection() override { Close(); }

  absl::Status Open() {
    Close();
    std::string port = absl::StrCat(params_.effective_port());
    std::string timeout = absl::StrCat(params_.connect_timeout_s);
    std::vector<std::pair<const char*, std::string>> kv = {
        {"host", params_.host},
        {"port", port},
        {"dbname", params_.name},
        {"connect_timeout", timeout},
        {"application_name", "shoal"},
        {"client_encoding", "UTF8"},
        // UTC session; read-only and index-only planning when asked.
        {"options", absl::StrCat("-c TimeZone=UTC",
                                 params_.readonly ? " -c default_transaction_read_only=on" : "",
                                 params_.index_scans_only ? " -c enable_seqscan=off" : "")},
    };
    if (!params_.user.empty()) kv.push_back({"user", params_.user});
    kv.push_back({"password", params_.password});
    if (params_.tls()) {
      kv.push_back({"sslmode", params_.trust_anchor.empty() ? "require" : "verify-ca"});
      if (!params_.trust_anchor.empty()) kv.push_back({"sslrootcert", params_.trust_anchor});
      if (!params_.cert_file.empty()) kv.push_back({"sslcert", params_.cert_file});
      if (!params_.key_file.empty()) kv.push_back({"sslkey", params_.key_file});
    } else {
      kv.push_back({"sslmode", "prefer"});
    }
    std::vector<const char*> keys, values;
    for (const auto& [k, v] : kv) {
      keys.push_back(k);
      values.push_back(v.c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    conn_ = PQconnectdbParams(keys.data(), values.data(), 0);
    if (conn_ == nullptr) {
      return absl::ResourceExhaustedError(
          absl::StrCat(params_.Describe(), ": connecting: libpq could not allocate a connection"));
    }
    if (PQstatus(conn_) != CONNECTION_OK) {
      std::string message = PQerrorMessage(conn_);
      Close();
      // libpq gives no SQLSTATE for a failed connection; recognise the
      // server's messages for the cases callers treat differently.
      std::string sqlstate = "08006";
      if (absl::StrContains(message, "password authentication failed") ||
          absl::StrContains(message, "no password supplied") ||
          absl::StrContains(message, "no pg_hba.conf entry")) {
        sqlstate = "28P01";
      } else if (absl::StrContains(message, "does not exist") &&
                 absl::StrContains(message, "database")) {
        sqlstate = "3D000";
      }
      return MapPgSqlError(sqlstate, message, sqlstate == "08006",
                           absl::StrCat(params_.Describe(), ": connecting"));
    }
    healthy_ = true;
    return absl::OkStatus();
  }

  Dialect dialect() const override { return Dialect::kPostgreSql; }
  const DatabaseParams& params() const override { return params_; }
  bool healthy() const override { return healthy_ && conn_ != nullptr; }
  bool in_transaction() const override {
    return conn_ != nullptr && PQtransactionStatus(conn_) != PQTRANS_IDLE &&
           PQtransactionStatus(conn_) != PQTRANS_UNKNOWN;
  }
  absl::Status Reconnect() override { return Open(); }

  absl::StatusOr<bool> WaitForNotification(absl::Duration timeout) override {
    if (!healthy()) {
      return absl::UnavailableError(absl::StrCat(params_.Describe(), ": connection lost"));
    }
    if (TakeNotifications()) return true;
    pollfd ready{.fd = PQsocket(conn_), .events = POLLIN, .revents = 0};
    int64_t ms = std::max<int64_t>(0, absl::ToInt64Milliseconds(timeout));
    int n = poll(&ready, 1, static_cast<int>(std::min<int64_t>(ms, 60'000)));
    if (n < 0 && errno != EINTR) {
      return absl::InternalError(absl::StrCat("waiting for a notification: ", strerror(errno)));
    }
    if (n > 0 && PQconsumeInput(conn_) == 0) {
      healthy_ = false;
      return absl::UnavailableError(
          absl::StrCat(params_.Describe(), ": connection lost: ", PQerrorMessage(conn_)));
    }
    return TakeNotifications();
  }

  absl::StatusOr<uint64_t> Execute(const Statement& statement,
                                   const std::vector<Param>& params) override {
    auto result = Run(statement, params);
    if (!result.ok()) return result.status();
    const char* tuples = PQcmdTuples(result->get());
    uint64_t n = 0;
    if (tuples != nullptr && *tuples != '\0' && !absl::SimpleAtoi(tuples, &n)) n = 0;
    return n;
  }

  absl::StatusOr<ResultSet> Query(const Statement& statement,
                                  const std::vector<Param>& params) override {
    auto result = Run(statement, params);
    if (!result.ok()) return result.status();
    PGresult* r = result->get();
    ResultSet out;
    int columns = PQnfields(r);
    int rows = PQntuples(r);
    std::vector<bool> bytea(columns);
    for (int c = 0; c < columns; ++c) {
      out.columns.push_back(PQfname(r, c));
      bytea[c] = PQftype(r, c) == kByteaOid;
    }
    out.rows.reserve(rows);
    for (int i = 0; i < rows; ++i) {
      std::vector<std::optional<std::string>> fields;
      fields.reserve(columns);
      for (int c = 0; c < columns; ++c) {
        if (PQgetisnull(r, i, c)) {
          fields.emplace_back(std::nullopt);
          continue;
        }
        const char* v = PQgetvalue(r, i, c);
        if (bytea[c]) {
          size_t length = 0;
          unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(v), &length);
          if (raw == nullptr) {
            return absl::InternalError(absl::StrCat(params_.Describe(), ": column ", out.columns[c],
                                                    ": cannot decode bytea value"));
          }
          fields.emplace_back(std::string(reinterpret_cast<const char*>(raw), length));
          PQfreemem(raw);
        } else {
          fields.emplace_back(std::string(v, PQgetlength(r, i, c)));
        }
      }
      out.rows.emplace_back(std::move(fields));
    }
    return out;
  }

  absl::Status ExecuteDirect(std::string_view sql) override {
    if (absl::Status s = CheckOpen(sql); !s.ok()) return s;
    Result r(PQexec(conn_, std::string(sql).c_str()));
    return Check(r, sql).status();
  }

  absl::Status Begin() override { return ExecuteDirect("BEGIN"); }
  absl::Status Commit() override { return ExecuteDirect("COMMIT"); }
  absl::Status Rollback() override { return ExecuteDirect("ROLLBACK"); }

 private:
  // Drains the notifications libpq has read; true if there was any.
  bool TakeNotifications() {
    bool any = false;
    while (PGnotify* notify = PQnotifies(conn_)) {
      any = true;
      PQfreemem(notify);
    }
    return any;
  }

  absl::Status CheckOpen(std::string_view what) {
    if (conn_ != nullptr && healthy_) return absl::OkStatus();
    return absl::UnavailableError(
        absl::StrCat(params_.Describe(), ": connection lost; reconnect before: ", AV(what)));
  }

  // Checks a result: OK for command/tuples results, else the mapped error.
  absl::StatusOr<Result> Check(Result& r, std::string_view what) {
    ExecStatusType status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return std::move(r);
    bool bad = PQstatus(conn_) == CONNECTION_BAD;
    const char* state = r ? PQresultErrorField(r.get(), PG_DIAG_SQLSTATE) : nullptr;
    std::string message = r ? PQresultErrorMessage(r.get()) : "";
    if (message.empty()) message = PQerrorMessage(conn_);
    absl::Status s = MapPgSqlError(state ? state : "", message, bad,
                                   absl::StrCat(params_.Describe(), ": ", AV(what)));
    if (absl::IsUnavailable(s)) {
      healthy_ = false;
      statements_.clear();
    }
    return s;
  }

  absl::StatusOr<Result> Run(const Statement& statement, const std::vector<Param>& params) {
    std::string_view text = statement.text(Dialect::kPostgreSql);
    if (absl::Status s = CheckOpen(text); !s.ok()) return s;
    const std::string* name;
    auto it = statements_.find(absl::string_view(text.data(), text.size()));
    if (it != statements_.end()) {
      name = &it->second;
    } else {
      std::string new_name = absl::StrCat("s", ++statement_counter_);
      std::string numbered = NumberPlaceholders(text);
      Result r(PQprepare(conn_, new_name.c_str(), numbered.c_str(), 0, nullptr));
      auto checked = Check(r, text);
      if (!checked.ok()) return checked.status();
      name = &statements_.emplace(std::string(text), std::move(new_name)).first->second;
    }
    std::vector<std::string> text_values(params.size());
    std::vector<const char*> values(params.size());
    std::vector<int> lengths(params.size()), formats(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
      const Param::Value& v = params[i].value();
      if (std::holds_alternative<Param::Null>(v)) {
        values[i] = nullptr;
      } else if (const int64_t* n = std::get_if<int64_t>(&v)) {
        text_values[i] = absl::StrCat(*n);
        values[i] = text_values[i].c_str();
      } else if (const std::string* s = std::get_if<std::string>(&v)) {
        values[i] = s->c_str();
        lengths[i] = static_cast<int>(s->size());
      } else {
        const Bytes& b = std::get<Bytes>(v);
        values[i] = reinterpret_cast<const char*>(b.data());
        lengths[i] = static_cast<int>(b.size());
        formats[i] = 1;  // binary: raw bytes for a bytea parameter
        if (b.empty()) values[i] = "";
      }
    }
    Result r(PQexecPrepared(conn_, name->c_str(), static_cast<int>(params.size()), values.data(),
                            lengths.data(), formats.data(), 0));
    return Check(r, text);
  }

  void Close() {
    statements_.clear();
    statement_counter_ = 0;
    if (conn_ != nullptr) {
      PQfinish(conn_);
      conn_ = nullptr;
    }
    healthy_ = false;
  }

  DatabaseParams params_;
  PGconn* conn_ = nullptr;
  absl::flat_hash_map<std::string, std::string> statements_;  // SQL text -> prepared name
  uint64_t statement_counter_ = 0;
  bool healthy_ = false;
};

}  // namespace

std::string NumberPlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;  // ' or " while inside a literal / identifier
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (quote != 0) {
      out.push_back(c);
      if (c == quote) quote = 0;  // a doubled quote re-enters on the next char
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      out.push_back(c);
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      size_t end = sql.find('\n', i);
      if (end == std::string_view::npos) end = sql.size();
      out.append(sql.substr(i, end - i));
      i = end - 1;
    } else if (c == '?') {
      absl::StrAppend(&out, "$", ++n);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

absl::StatusOr<std::unique_ptr<Connection>> ConnectPgSql(const DatabaseParams& params) {
  auto conn = std::make_unique<PgSqlConnection>(params);
  if (absl::Status s = conn->Open(); !s.ok()) return s;
  return conn;
}

}  // namespace shoal::db::internal
