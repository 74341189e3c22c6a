// Test support for SqlLeaseStore: a scratch database with the current schema
// on the test server of SHOAL_TEST_DIALECT ("mysql" or "pgsql"), built on
// tests/db's ScratchDatabase (shoal_db_testing).
#pragma once

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "db/database_params.h"
#include "lease_backend/lease.h"
#include "lease_backend/sql_lease_store.h"
#include "tests/db/test_database.h"
#include "tests/lease_backend/test_lease.h"

namespace shoal::lease_backend::testing {

db::Dialect TestDialect();

// A fresh database (dropped on destruction) with every migration applied.
class LeaseDatabase {
 public:
  static absl::StatusOr<std::unique_ptr<LeaseDatabase>> Create();

  const db::DatabaseParams& params() const { return db_->params(); }
  absl::StatusOr<std::unique_ptr<SqlLeaseStore>> OpenStore(SqlLeaseStoreOptions options = {}) const;
  // The scratch database itself (for raw SQL in tests).
  const db::testing::ScratchDatabase& scratch() const { return *db_; }

 private:
  explicit LeaseDatabase(std::unique_ptr<db::testing::ScratchDatabase> db) : db_(std::move(db)) {}
  std::unique_ptr<db::testing::ScratchDatabase> db_;
};

}  // namespace shoal::lease_backend::testing
