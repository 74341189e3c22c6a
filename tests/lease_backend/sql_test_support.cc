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

Lease4 TestLease(uint32_t host, uint32_t n) {
  Lease4 l;
  l.address = dhcp::Ipv4Address((10u << 24) + host);
  l.hwaddr = {0x00,
              0x0c,
              0x29,
              static_cast<uint8_t>(n >> 16),
              static_cast<uint8_t>(n >> 8),
              static_cast<uint8_t>(n)};
  l.client_id = {0x01,
                 0x00,
                 0x0c,
                 0x29,
                 static_cast<uint8_t>(n >> 16),
                 static_cast<uint8_t>(n >> 8),
                 static_cast<uint8_t>(n)};
  l.valid_lifetime = 3600;
  l.cltt = 1'700'000'000;
  l.subnet_id = 1;
  return l;
}

}  // namespace shoal::lease_backend::testing
