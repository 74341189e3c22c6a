#include "db/schema.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "db/embedded_migrations.h"

namespace shoal::db {
namespace {

absl::string_view AV(std::string_view s) { return absl::string_view(s.data(), s.size()); }

std::optional<SchemaVersion> ParseVersion(absl::string_view text) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, '.');
  SchemaVersion v;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &v.major) ||
      !absl::SimpleAtoi(parts[1], &v.minor) || v.major < 0 || v.minor < 0) {
    return std::nullopt;
  }
  return v;
}

absl::StatusOr<Migration> ParseMigration(const internal::EmbeddedFile& file) {
  Migration m;
  m.file_name = std::string(file.name);
  std::string where = absl::StrCat("sql/", std::string(file.dialect), "/", m.file_name);
  if (!absl::EndsWith(AV(file.name), ".sql") || file.name.size() < 10 || file.name[4] != '_' ||
      !absl::SimpleAtoi(AV(file.name.substr(0, 4)), &m.number)) {
    return absl::InternalError(absl::StrCat(where, ": file name must be NNNN_name.sql"));
  }
  for (absl::string_view line : absl::StrSplit(AV(file.text), '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (absl::ConsumePrefix(&line, "-- version:")) {
      auto v = ParseVersion(absl::StripAsciiWhitespace(line));
      if (!v) return absl::InternalError(absl::StrCat(where, ": bad \"-- version: X.Y\" line"));
      m.version = *v;
      break;
    }
  }
  if (m.version == SchemaVersion{}) {
    return absl::InternalError(absl::StrCat(where, ": no \"-- version: X.Y\" header line"));
  }
  m.statements = SplitSqlStatements(file.text);
  if (m.statements.empty()) return absl::InternalError(absl::StrCat(where, ": no statements"));
  return m;
}

// Per-dialect statements used here.
const Statement kReadVersion("SELECT version, minor FROM schema_version");
const Statement kListTables(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
    "ORDER BY table_name",
    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
    "ORDER BY table_name");
const Statement kLock("SELECT GET_LOCK('shoal_schema_upgrade', 600)",
                      "SELECT pg_advisory_lock(7424023151)");
const Statement kUnlock("SELECT RELEASE_LOCK('shoal_schema_upgrade')",
                        "SELECT pg_advisory_unlock(7424023151)");

// Applies the migrations after `from` (nullopt = none applied yet).
absl::StatusOr<UpgradeResult> Apply(Connection& c, std::optional<SchemaVersion> from,
                                    std::optional<SchemaVersion> target,
                                    const std::vector<Migration>& migrations) {
  UpgradeResult result;
  result.from = from.value_or(SchemaVersion{});
  result.to = result.from;
  for (const Migration& m : migrations) {
    if (from && m.version <= *from) continue;
    if (target && m.version > *target) break;
    bool transactional = c.dialect() == Dialect::kPostgreSql;
    if (transactional) {
      if (absl::Status s = c.Begin(); !s.ok()) return s;
    }
    for (size_t i = 0; i < m.statements.size(); ++i) {
      absl::Status s = c.ExecuteDirect(m.statements[i]);
      if (!s.ok()) {
        if (transactional) (void)c.Rollback();
        std::string state =
            transactional
                ? absl::StrCat("the migration was rolled back; the schema is still ",
                               result.to.ToString())
                : absl::StrCat(
                      "MySQL commits schema changes statement by statement, so the statements "
                      "before this one took effect; schema_version still says ",
                      result.to.ToString());
        return absl::Status(s.code(), absl::StrCat("migration ", m.file_name, " (to ",
                                                   m.version.ToString(), ") failed at statement ",
                                                   i + 1, ": ", s.message(), "; ", state));
      }
    }
    if (transactional) {
      if (absl::Status s = c.Commit(); !s.ok()) return s;
    }
    auto now = ReadSchemaVersion(c);
    if (!now.ok()) return now.status();
    if (!*now || **now != m.version) {
      return absl::InternalError(absl::StrCat(
          "migration ", m.file_name, " should leave schema version ", m.version.ToString(),
          " but the database reports ", *now ? (*now)->ToString() : "none"));
    }
    result.to = m.version;
    result.applied.push_back(m.file_name);
  }
  return result;
}

// Holds the database-wide upgrade lock while alive.
class UpgradeLock {
 public:
  explicit UpgradeLock(Connection& c) : c_(c) {
    auto r = c_.Query(kLock);
    if (!r.ok()) {
      status_ = r.status();
    } else if (c_.dialect() == Dialect::kMySql &&
               (r->rows.empty() || r->rows[0].StringOr(0) != "1")) {
      status_ = absl::DeadlineExceededError(absl::StrCat(
          c_.params().Describe(), ": another schema upgrade holds the lock; try again later"));
    }
  }
  ~UpgradeLock() {
    if (status_.ok()) (void)c_.Query(kUnlock);
  }
  const absl::Status& status() const { return status_; }

 private:
  Connection& c_;
  absl::Status status_;
};

}  // namespace

std::string SchemaVersion::ToString() const { return absl::StrCat(major, ".", minor); }

// Stored programs and triggers contain ';' at line ends: such a statement
// runs from this line to the next kCompoundEnd line.
constexpr absl::string_view kCompoundBegin = "-- compound statement begin";
constexpr absl::string_view kCompoundEnd = "-- compound statement end";

std::vector<std::string> SplitSqlStatements(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  bool compound = false;  // inside "-- compound statement begin/end"
  for (absl::string_view line : absl::StrSplit(AV(text), '\n')) {
    absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    if (trimmed == kCompoundBegin) {
      compound = true;
      continue;
    }
    if (compound && trimmed == kCompoundEnd) {
      compound = false;
      absl::string_view stmt = absl::StripAsciiWhitespace(current);
      if (absl::EndsWith(stmt, ";")) stmt.remove_suffix(1);
      if (!stmt.empty()) out.emplace_back(absl::StripAsciiWhitespace(stmt));
      current.clear();
      continue;
    }
    if (current.empty() && (trimmed.empty() || absl::StartsWith(trimmed, "--"))) continue;
    absl::StrAppend(&current, line, "\n");
    if (!compound && absl::EndsWith(trimmed, ";")) {
      absl::string_view stmt = absl::StripAsciiWhitespace(current);
      stmt.remove_suffix(1);  // the ';'
      out.emplace_back(absl::StripAsciiWhitespace(stmt));
      current.clear();
    }
  }
  absl::string_view rest = absl::StripAsciiWhitespace(current);
  if (!rest.empty()) out.emplace_back(rest);
  return out;
}

absl::StatusOr<std::vector<Migration>> Migrations(Dialect dialect) {
  std::vector<Migration> out;
  for (const internal::EmbeddedFile& f : internal::EmbeddedMigrationFiles()) {
    if (f.dialect != DialectName(dialect)) continue;
    auto m = ParseMigration(f);
    if (!m.ok()) return m.status();
    out.push_back(*std::move(m));
  }
  std::sort(out.begin(), out.end(),
            [](const Migration& a, const Migration& b) { return a.number < b.number; });
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i].number != static_cast<int>(i + 1)) {
      return absl::InternalError(absl::StrCat("sql/", std::string(DialectName(dialect)),
                                              ": migrations must be numbered 0001, 0002, ... "
                                              "without gaps; found ",
                                              out[i].file_name, " at position ", i + 1));
    }
    if (i > 0 && !(out[i - 1].version < out[i].version)) {
      return absl::InternalError(absl::StrCat("sql/", std::string(DialectName(dialect)), "/",
                                              out[i].file_name,
                                              ": its version must be above the previous one"));
    }
  }
  if (out.empty()) {
    return absl::InternalError(
        absl::StrCat("no migrations for ", std::string(DialectName(dialect)), " compiled in"));
  }
  return out;
}

SchemaVersion RequiredSchemaVersion(Dialect dialect) {
  auto m = Migrations(dialect);
  if (!m.ok() || m->empty()) return SchemaVersion{};
  return m->back().version;
}

absl::StatusOr<std::optional<SchemaVersion>> ReadSchemaVersion(Connection& connection) {
  auto r = connection.Query(kReadVersion);
  if (absl::IsNotFound(r.status())) return std::optional<SchemaVersion>();
  if (!r.ok()) return r.status();
  if (r->rows.size() != 1) {
    return absl::FailedPreconditionError(
        absl::StrCat(connection.params().Describe(), ": schema_version has ", r->rows.size(),
                     " rows, expected exactly 1; the schema is damaged"));
  }
  auto major = r->rows[0].Int64(0);
  auto minor = r->rows[0].Int64Or(1, 0);
  if (!major.ok() || !minor.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        connection.params().Describe(), ": schema_version row is not (integer, integer)"));
  }
  return std::optional<SchemaVersion>(
      SchemaVersion{static_cast<int>(*major), static_cast<int>(*minor)});
}

absl::StatusOr<std::vector<std::string>> ListTables(Connection& connection) {
  auto r = connection.Query(kListTables);
  if (!r.ok()) return r.status();
  std::vector<std::string> out;
  for (const Row& row : r->rows) out.push_back(row.StringOr(0));
  return out;
}

std::string AdminCommand(const DatabaseParams& p, std::string_view verb) {
  std::string s = absl::StrCat("shoal-admin ", std::string(verb), " ",
                               std::string(AdminBackendName(p.dialect)));
  if (!p.user.empty()) absl::StrAppend(&s, " -u ", p.user);
  absl::StrAppend(&s, " -n ", p.name, " -h ", p.host, " -P ", p.effective_port());
  return s;
}

absl::Status CheckSchemaVersion(Connection& connection, std::string_view program,
                                std::optional<SchemaVersion> required) {
  SchemaVersion need = required.value_or(RequiredSchemaVersion(connection.dialect()));
  const DatabaseParams& p = connection.params();
  auto found = ReadSchemaVersion(connection);
  if (!found.ok()) return found.status();
  if (!*found) {
    return absl::FailedPreconditionError(absl::StrCat(
        p.Describe(), " has no shoal schema (no schema_version table), this ", std::string(program),
        " needs ", need.ToString(), ": run `", AdminCommand(p, "db-init"), "`"));
  }
  SchemaVersion have = **found;
  if (have.major == need.major && have.minor >= need.minor) return absl::OkStatus();
  if (have < need) {
    return absl::FailedPreconditionError(absl::StrCat(
        p.Describe(), " has schema version ", have.ToString(), ", this ", std::string(program),
        " needs ", need.ToString(), ": run `", AdminCommand(p, "db-upgrade"), "`"));
  }
  return absl::FailedPreconditionError(absl::StrCat(
      p.Describe(), " has schema version ", have.ToString(), ", newer than this ",
      std::string(program), " supports (", need.ToString(), "): upgrade ", std::string(program),
      " to a release that supports ", have.ToString(), " (schemas are never downgraded)"));
}

static absl::Status CheckTarget(const std::vector<Migration>& migrations,
                                std::optional<SchemaVersion> target) {
  if (!target) return absl::OkStatus();
  for (const Migration& m : migrations) {
    if (m.version == *target) return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("no migration produces schema version ", target->ToString()));
}

absl::StatusOr<SchemaVersion> InitSchema(Connection& connection,
                                         std::optional<SchemaVersion> target) {
  auto migrations = Migrations(connection.dialect());
  if (!migrations.ok()) return migrations.status();
  auto tables = ListTables(connection);
  if (!tables.ok()) return tables.status();
  if (!tables->empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "expected an empty database, but ", connection.params().Describe(), " has ", tables->size(),
        " table(s): ", absl::StrJoin(*tables, ", "),
        ". db-init never touches a database that has tables; for an existing shoal schema "
        "run `",
        AdminCommand(connection.params(), "db-upgrade"), "`"));
  }
  UpgradeLock lock(connection);
  if (!lock.status().ok()) return lock.status();
  if (absl::Status s = CheckTarget(*migrations, target); !s.ok()) return s;
  auto result = Apply(connection, std::nullopt, target, *migrations);
  if (!result.ok()) return result.status();
  return result->to;
}

absl::StatusOr<UpgradeResult> UpgradeSchema(Connection& connection,
                                            std::optional<SchemaVersion> target) {
  auto migrations = Migrations(connection.dialect());
  if (!migrations.ok()) return migrations.status();
  if (absl::Status s = CheckTarget(*migrations, target); !s.ok()) return s;
  const DatabaseParams& p = connection.params();
  UpgradeLock lock(connection);
  if (!lock.status().ok()) return lock.status();
  auto found = ReadSchemaVersion(connection);
  if (!found.ok()) return found.status();
  if (!*found) {
    return absl::FailedPreconditionError(
        absl::StrCat(p.Describe(), " has no shoal schema (no schema_version table): run `",
                     AdminCommand(p, "db-init"), "` to create one"));
  }
  SchemaVersion have = **found;
  SchemaVersion latest = migrations->back().version;
  if (have > latest) {
    return absl::FailedPreconditionError(
        absl::StrCat(p.Describe(), " has schema version ", have.ToString(),
                     ", newer than the newest this shoal-admin knows (", latest.ToString(),
                     "): use the shoal-admin of the release that created it"));
  }
  bool known = false;
  for (const Migration& m : *migrations) known = known || m.version == have;
  if (!known) {
    return absl::FailedPreconditionError(absl::StrCat(
        p.Describe(), " has schema version ", have.ToString(),
        ", which no shoal migration produces (is this a Kea database?); expected one of the "
        "versions up to ",
        latest.ToString()));
  }
  return Apply(connection, have, target, *migrations);
}

}  // namespace shoal::db
