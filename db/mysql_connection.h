// MySQL / MariaDB driver (MySQL Connector/C++ 1.1). Internal to db/: use
// db::Connect(). Connector/C++ exceptions are caught here and never leave.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "db/connection.h"

namespace shoal::db::internal {

absl::StatusOr<std::unique_ptr<Connection>> ConnectMySql(const DatabaseParams& params);

}  // namespace shoal::db::internal
