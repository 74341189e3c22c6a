#include "tests/db/test_database.h"

#include <cstdlib>

#include "absl/random/random.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace shoal::db::testing {

Dialect DialectFromName(const std::string& name) {
  auto d = ParseDialect(name);
  if (!d) std::abort();
  return *d;
}

absl::StatusOr<DatabaseParams> ServerParams(Dialect dialect) {
  std::string prefix = dialect == Dialect::kMySql ? "SHOAL_MYSQL_" : "SHOAL_PGSQL_";
  auto get = [&](const char* suffix) -> std::optional<std::string> {
    const char* v = std::getenv((prefix + suffix).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
  auto host = get("HOST");
  auto port = get("PORT");
  auto user = get("USER");
  auto password = get("PASSWORD");
  auto name = get("NAME");
  if (!host || !port || !user || !password || !name) {
    return absl::FailedPreconditionError(
        absl::StrCat(prefix,
                     "HOST/PORT/USER/PASSWORD/NAME are not set: start the test databases with "
                     "`scripts/db.sh start` and load their settings with "
                     "`source <(scripts/db.sh env)` before running ctest"));
  }
  DatabaseParams p;
  p.dialect = dialect;
  p.host = *host;
  uint32_t n = 0;
  if (!absl::SimpleAtoi(*port, &n) || n > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(prefix, "PORT is not a port: ", *port));
  }
  p.port = static_cast<uint16_t>(n);
  p.user = *user;
  p.password = *password;
  p.name = *name;
  p.connect_timeout_s = 5;
  return p;
}

absl::StatusOr<std::unique_ptr<ScratchDatabase>> ScratchDatabase::Create(Dialect dialect) {
  auto server = ServerParams(dialect);
  if (!server.ok()) return server.status();
  auto admin = db::Connect(*server);
  if (!admin.ok()) return admin.status();
  absl::BitGen gen;
  std::string name = absl::StrCat("shoal_t_", absl::Uniform<uint64_t>(gen));
  if (absl::Status s = (*admin)->ExecuteDirect(absl::StrCat("CREATE DATABASE ", name)); !s.ok()) {
    return s;
  }
  DatabaseParams params = *server;
  params.name = name;
  return std::unique_ptr<ScratchDatabase>(new ScratchDatabase(*server, params));
}

ScratchDatabase::~ScratchDatabase() {
  auto admin = db::Connect(server_);
  if (!admin.ok()) return;
  std::string drop = params_.dialect == Dialect::kMySql
                         ? absl::StrCat("DROP DATABASE IF EXISTS ", params_.name)
                         : absl::StrCat("DROP DATABASE IF EXISTS ", params_.name, " WITH (FORCE)");
  (void)(*admin)->ExecuteDirect(drop);
}

absl::StatusOr<std::unique_ptr<Connection>> ScratchDatabase::Connect() const {
  return db::Connect(params_);
}

}  // namespace shoal::db::testing
