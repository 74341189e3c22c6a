#include "tests/lease_backend/sql_test_support.h"

#include "db/schema.h"

namespace shoal::lease_backend::testing {

db::Dialect TestDialect() { return db::testing::DialectFromName(SHOAL_TEST_DIALECT); }

absl::StatusOr<std::unique_ptr<LeaseDatabase>> LeaseDatabase::Create() {
  auto scratch = db::testing::ScratchDatabase::Create(TestDialect());
  if (!scratch.ok()) return scratch.status();
  auto connection = (*scratch)->Connect();
  if (!connection.ok()) return connection.status();
  auto version = db::InitSchema(**connection);
  if (!version.ok()) return version.status();
  return std::unique_ptr<LeaseDatabase>(new LeaseDatabase(*std::move(scratch)));
}

absl::StatusOr<std::unique_ptr<SqlLeaseStore>> LeaseDatabase::OpenStore(
    SqlLeaseStoreOptions options) const {
  return SqlLeaseStore::Create(params(), std::move(options));
}

}  // namespace shoal::lease_backend::testing
