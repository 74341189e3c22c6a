// PostgreSQL driver (libpq). Internal to db/: use db::Connect().
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "db/connection.h"

namespace shoal::db::internal {

absl::StatusOr<std::unique_ptr<Connection>> ConnectPgSql(const DatabaseParams& params);

// Rewrites '?' placeholders to $1, $2, ... outside quoted strings,
// identifiers and comments. Exposed for tests.
std::string NumberPlaceholders(std::string_view sql);

}  // namespace shoal::db::internal
