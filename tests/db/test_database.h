// Test support: the database servers `scripts/db.sh start` runs, and scratch
// databases on them (one per test, dropped at the end, so tests can run in
// parallel).
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "db/connection.h"
#include "db/database_params.h"

namespace shoal::db::testing {

// "mysql" or "pgsql" -> dialect (aborts the test binary on anything else).
Dialect DialectFromName(const std::string& name);

// Parameters of the test server from SHOAL_MYSQL_* / SHOAL_PGSQL_* (HOST,
// PORT, USER, PASSWORD, NAME). FailedPrecondition telling to run
// `scripts/db.sh start` when they are not set.
absl::StatusOr<DatabaseParams> ServerParams(Dialect dialect);

// A fresh empty database shoal_t_<random> on the test server, dropped when
// this object is destroyed.
class ScratchDatabase {
 public:
  static absl::StatusOr<std::unique_ptr<ScratchDatabase>> Create(Dialect dialect);
  ~ScratchDatabase();

  const DatabaseParams& params() const { return params_; }
  // A new connection to the scratch database.
  absl::StatusOr<std::unique_ptr<Connection>> Connect() const;

 private:
  ScratchDatabase(DatabaseParams server, DatabaseParams params)
      : server_(std::move(server)), params_(std::move(params)) {}
  DatabaseParams server_;
  DatabaseParams params_;
};

}  // namespace shoal::db::testing
