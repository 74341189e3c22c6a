// The one place where driver errors become absl::Status (DESIGN.md §4).
// Both drivers call these with what their client library reports; nothing
// else in shoal looks at MySQL error numbers or PostgreSQL SQLSTATEs.
//
//   connection lost / refused / server shutting down -> Unavailable
//   duplicate key                                    -> AlreadyExists
//   deadlock, lock wait timeout, serialization fail  -> Aborted
//   bad credentials, missing privilege               -> PermissionDenied
//   unknown database / table                         -> NotFound
//   anything else (syntax errors, constraint errors) -> Internal
// The message keeps the server's text and names `context` (what was being
// done, e.g. the database description and statement).
#pragma once

#include <string_view>

#include "absl/status/status.h"

namespace shoal::db {

absl::Status MapMySqlError(int error_number, std::string_view sqlstate, std::string_view message,
                           std::string_view context);

// `connection_bad`: libpq reports the connection as broken (PQstatus).
absl::Status MapPgSqlError(std::string_view sqlstate, std::string_view message, bool connection_bad,
                           std::string_view context);

}  // namespace shoal::db
