#include "db/dialect.h"

namespace shoal::db {

std::string_view DialectName(Dialect dialect) {
  return dialect == Dialect::kMySql ? "mysql" : "postgresql";
}

std::string_view AdminBackendName(Dialect dialect) {
  return dialect == Dialect::kMySql ? "mysql" : "pgsql";
}

std::optional<Dialect> ParseDialect(std::string_view name) {
  if (name == "mysql") return Dialect::kMySql;
  if (name == "postgresql" || name == "pgsql") return Dialect::kPostgreSql;
  return std::nullopt;
}

}  // namespace shoal::db
