#include "db/mysql_connection.h"

#include <cppconn/connection.h>
#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>

#include <mutex>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "db/error_map.h"

namespace shoal::db::internal {
namespace {

absl::string_view AV(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// Connector/C++'s driver object is created by the library on first use; the
// first call is not thread-safe, so it is made once.
sql::Driver* Driver() {
  static std::once_flag once;
  static sql::Driver* driver = nullptr;
  std::call_once(once, [] { driver = get_driver_instance(); });
  return driver;
}

class MySqlConnection final : public Connection {
 public:
  explicit MySqlConnection(DatabaseParams params) : params_(std::move(params)) {}
  ~MySqlConnection() override { Close(); }

  absl::Status Open() {
    Close();
    sql::ConnectOptionsMap options;
    options["hostName"] = sql::SQLString(absl::StrCat("tcp://", params_.host));
    options["port"] = static_cast<int>(params_.effective_port());
    options["userName"] = sql::SQLString(params_.user);
    options["password"] = sql::SQLString(params_.password);
    options["schema"] = sql::SQLString(params_.name);
    options["OPT_CONNECT_TIMEOUT"] = static_cast<int>(params_.connect_timeout_s);
    if (params_.read_timeout_s && *params_.read_timeout_s > 0) {
      options["OPT_READ_TIMEOUT"] = static_cast<int>(*params_.read_timeout_s);
    }
    if (params_.write_timeout_s && *params_.write_timeout_s > 0) {
      options["OPT_WRITE_TIMEOUT"] = static_cast<int>(*params_.write_timeout_s);
    }
    // Affected-row counts must mean "rows matched" (conditional updates).
    options["CLIENT_FOUND_ROWS"] = true;
    // Automatic reconnects would silently drop prepared statements and
    // transactions; shoal reconnects explicitly.
    options["OPT_RECONNECT"] = false;
    options["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
    if (!params_.trust_anchor.empty()) options["sslCA"] = sql::SQLString(params_.trust_anchor);
    if (!params_.cert_file.empty()) options["sslCert"] = sql::SQLString(params_.cert_file);
    if (!params_.key_file.empty()) options["sslKey"] = sql::SQLString(params_.key_file);
    if (!params_.cipher_list.empty()) options["sslCipher"] = sql::SQLString(params_.cipher_list);
    if (params_.tls()) options["sslEnforce"] = true;
    try {
      conn_.reset(Driver()->connect(options));
      std::unique_ptr<sql::Statement> st(conn_->createStatement());
      st->execute("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'");
      st->execute("SET SESSION time_zone = '+00:00'");
      st->execute("SET SESSION wait_timeout = 2592000");
      if (params_.readonly) st->execute("SET SESSION TRANSACTION READ ONLY");
      // Plan an IN list from index statistics (see DatabaseParams).
      if (params_.index_scans_only) st->execute("SET SESSION eq_range_index_dive_limit = 1");
    } catch (const sql::SQLException& e) {
      conn_.reset();
      return Map(e, "connecting");
    } catch (const std::exception& e) {
      conn_.reset();
      return absl::UnavailableError(absl::StrCat(params_.Describe(), ": connecting: ", e.what()));
    }
    healthy_ = true;
    in_transaction_ = false;
    return absl::OkStatus();
  }

  Dialect dialect() const override { return Dialect::kMySql; }
  const DatabaseParams& params() const override { return params_; }
  bool healthy() const override { return healthy_ && conn_ != nullptr; }
  bool in_transaction() const override { return in_transaction_; }

  absl::Status Reconnect() override { return Open(); }

  absl::StatusOr<uint64_t> Execute(const Statement& statement,
                                   const std::vector<Param>& params) override {
    std::string_view text = statement.text(Dialect::kMySql);
    if (absl::Status s = CheckOpen(text); !s.ok()) return s;
    try {
      sql::PreparedStatement* ps = Prepare(text);
      Bind(ps, params);
      int n = ps->executeUpdate();
      return static_cast<uint64_t>(n < 0 ? 0 : n);
    } catch (const sql::SQLException& e) {
      return Map(e, text);
    } catch (const std::exception& e) {
      return absl::InternalError(absl::StrCat(params_.Describe(), ": ", AV(text), ": ", e.what()));
    }
  }

  absl::StatusOr<ResultSet> Query(const Statement& statement,
                                  const std::vector<Param>& params) override {
    std::string_view text = statement.text(Dialect::kMySql);
    if (absl::Status s = CheckOpen(text); !s.ok()) return s;
    try {
      sql::PreparedStatement* ps = Prepare(text);
      Bind(ps, params);
      std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
      ResultSet out;
      sql::ResultSetMetaData* meta = rs->getMetaData();
      unsigned int columns = meta->getColumnCount();
      for (unsigned int c = 1; c <= columns; ++c) {
        out.columns.push_back(std::string(meta->getColumnLabel(c)));
      }
      while (rs->next()) {
        std::vector<std::optional<std::string>> fields;
        fields.reserve(columns);
        for (unsigned int c = 1; c <= columns; ++c) {
          if (rs->isNull(c)) {
            fields.emplace_back(std::nullopt);
          } else {
            sql::SQLString v = rs->getString(c);
            fields.emplace_back(std::string(v.c_str(), v.length()));
          }
        }
        out.rows.emplace_back(std::move(fields));
      }
      return out;
    } catch (const sql::SQLException& e) {
      return Map(e, text);
    } catch (const std::exception& e) {
      return absl::InternalError(absl::StrCat(params_.Describe(), ": ", AV(text), ": ", e.what()));
    }
  }

  absl::Status ExecuteDirect(std::string_view sql) override {
    if (absl::Status s = CheckOpen(sql); !s.ok()) return s;
    try {
      std::unique_ptr<sql::Statement> st(conn_->createStatement());
      st->execute(sql::SQLString(std::string(sql)));
      // Drain any result sets so the session stays usable.
      do {
        std::unique_ptr<sql::ResultSet> rs(st->getResultSet());
      } while (st->getMoreResults());
      return absl::OkStatus();
    } catch (const sql::SQLException& e) {
      return Map(e, sql);
    } catch (const std::exception& e) {
      return absl::InternalError(absl::StrCat(params_.Describe(), ": ", AV(sql), ": ", e.what()));
    }
  }

  absl::Status Begin() override {
    absl::Status s = ExecuteDirect("START TRANSACTION");
    if (s.ok()) in_transaction_ = true;
    return s;
  }
  absl::Status Commit() override {
    absl::Status s = ExecuteDirect("COMMIT");
    in_transaction_ = false;
    return s;
  }
  absl::Status Rollback() override {
    absl::Status s = ExecuteDirect("ROLLBACK");
    in_transaction_ = false;
    return s;
  }

 private:
  absl::Status CheckOpen(std::string_view what) {
    if (conn_ != nullptr && healthy_) return absl::OkStatus();
    return absl::UnavailableError(
        absl::StrCat(params_.Describe(), ": connection lost; reconnect before: ", AV(what)));
  }

  sql::PreparedStatement* Prepare(std::string_view text) {
    auto it = statements_.find(absl::string_view(text.data(), text.size()));
    if (it != statements_.end()) return it->second.get();
    std::unique_ptr<sql::PreparedStatement> ps(
        conn_->prepareStatement(sql::SQLString(std::string(text))));
    sql::PreparedStatement* raw = ps.get();
    statements_.emplace(std::string(text), std::move(ps));
    return raw;
  }

  // Bytes are bound as strings: Connector/C++ sends a blob parameter as a
  // separate "long data" packet before the statement (2-3 extra packets per
  // lease write), while a string travels inside the execute packet. The
  // columns are VARBINARY, so the server stores the bytes unconverted.
  static void Bind(sql::PreparedStatement* ps, const std::vector<Param>& params) {
    ps->clearParameters();
    for (size_t i = 0; i < params.size(); ++i) {
      unsigned int index = static_cast<unsigned int>(i + 1);
      const Param::Value& v = params[i].value();
      if (std::holds_alternative<Param::Null>(v)) {
        ps->setNull(index, 0);
      } else if (const int64_t* n = std::get_if<int64_t>(&v)) {
        ps->setInt64(index, *n);
      } else if (const std::string* s = std::get_if<std::string>(&v)) {
        ps->setString(index, sql::SQLString(*s));
      } else {
        const Bytes& b = std::get<Bytes>(v);
        ps->setString(
            index, sql::SQLString(std::string(reinterpret_cast<const char*>(b.data()), b.size())));
      }
    }
  }

  absl::Status Map(const sql::SQLException& e, std::string_view what) {
    absl::Status s = MapMySqlError(e.getErrorCode(), e.getSQLState(), e.what(),
                                   absl::StrCat(params_.Describe(), ": ", AV(what)));
    if (absl::IsUnavailable(s)) {
      healthy_ = false;
      in_transaction_ = false;
      statements_.clear();
    }
    return s;
  }

  void Close() {
    statements_.clear();
    if (conn_) {
      try {
        conn_->close();
      } catch (const std::exception&) {
        // Closing a dead connection may throw; nothing to do.
      }
      conn_.reset();
    }
    healthy_ = false;
    in_transaction_ = false;
  }

  DatabaseParams params_;
  std::unique_ptr<sql::Connection> conn_;
  absl::flat_hash_map<std::string, std::unique_ptr<sql::PreparedStatement>> statements_;
  bool healthy_ = false;
  bool in_transaction_ = false;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Connection>> ConnectMySql(const DatabaseParams& params) {
  auto conn = std::make_unique<MySqlConnection>(params);
  if (absl::Status s = conn->Open(); !s.ok()) return s;
  return conn;
}

}  // namespace shoal::db::internal
