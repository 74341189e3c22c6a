// The LeaseStore conformance suite for SqlLeaseStore on the test server of
// SHOAL_TEST_DIALECT; every test gets its own scratch database.
#include <memory>

#include "tests/lease_backend/lease_store_conformance.h"
#include "tests/lease_backend/sql_test_support.h"

namespace shoal::lease_backend::testing {
namespace {

LeaseStoreFactory Sql() {
  auto db = std::make_shared<std::unique_ptr<LeaseDatabase>>();
  return {TestDialect() == db::Dialect::kMySql ? "mysql" : "postgresql",
          [db]() -> absl::StatusOr<std::unique_ptr<LeaseStore>> {
            auto created = LeaseDatabase::Create();
            if (!created.ok()) return created.status();
            *db = *std::move(created);
            auto store = (*db)->OpenStore();
            if (!store.ok()) return store.status();
            return std::unique_ptr<LeaseStore>(std::move(*store));
          },
          [db] { db->reset(); }};
}

INSTANTIATE_TEST_SUITE_P(Sql, LeaseStoreConformanceTest, ::testing::Values(Sql()),
                         LeaseStoreFactoryName);

}  // namespace
}  // namespace shoal::lease_backend::testing
