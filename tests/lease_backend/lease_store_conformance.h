// The LeaseStore conformance suite: behaviour every backend (memfile, MySQL,
// PostgreSQL) must show. The test bodies live in lease_store_conformance.cc
// (target shoal_lease_store_conformance, an object library); a backend's
// test binary links it and instantiates the suite with its own factory:
//
//   INSTANTIATE_TEST_SUITE_P(Mysql, LeaseStoreConformanceTest,
//       ::testing::Values(LeaseStoreFactory{"mysql", [] { ... }, [] { ... }}),
//       LeaseStoreFactoryName);
//
// Each test gets a fresh, empty store from `create` and calls `teardown`
// (if set) after the store is destroyed.
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "lease_backend/lease_store.h"

namespace shoal::lease_backend {

// Readable test failures: the lease as its lease-file row.
inline void PrintTo(const Lease4& lease, std::ostream* os) {
  *os << "{" << lease.address.ToString() << " hw=" << lease.hwaddr.size()
      << "B cid=" << lease.client_id.size() << "B valid=" << lease.valid_lifetime
      << " cltt=" << lease.cltt << " subnet=" << lease.subnet_id << " fqdn=" << lease.fqdn_fwd
      << lease.fqdn_rev << " host='" << lease.hostname
      << "' state=" << static_cast<int>(lease.state) << " hwtype=" << static_cast<int>(lease.hwtype)
      << " ctx='" << lease.user_context << "'}";
}

}  // namespace shoal::lease_backend

namespace shoal::lease_backend::testing {

struct LeaseStoreFactory {
  std::string name;  // test-name suffix: letters, digits and '_' only
  std::function<absl::StatusOr<std::unique_ptr<LeaseStore>>()> create;
  std::function<void()> teardown;
};

std::string LeaseStoreFactoryName(const ::testing::TestParamInfo<LeaseStoreFactory>& info);

class LeaseStoreConformanceTest : public ::testing::TestWithParam<LeaseStoreFactory> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // A complete lease at 10.0.<a/256>.<a%256> (plus 10.0.0.0), hwaddr and
  // client id derived from `n`, cltt 1'700'000'000, valid 3600, subnet 1.
  static Lease4 MakeLease(uint32_t host, uint32_t n = 0);

  std::unique_ptr<LeaseStore> store_;
};

}  // namespace shoal::lease_backend::testing
