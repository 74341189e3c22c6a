// The SQL databases shoal supports. Code above db/ is written once for both;
// where the SQL differs, a Statement carries one text per dialect.
#pragma once

#include <optional>
#include <string_view>

namespace shoal::db {

enum class Dialect { kMySql, kPostgreSql };

// "mysql" or "postgresql" (Kea's `type` values).
std::string_view DialectName(Dialect dialect);
// kea-admin's backend name: "mysql" or "pgsql".
std::string_view AdminBackendName(Dialect dialect);
// Accepts "mysql", "postgresql" and kea-admin's "pgsql"; nullopt otherwise.
std::optional<Dialect> ParseDialect(std::string_view name);

}  // namespace shoal::db
