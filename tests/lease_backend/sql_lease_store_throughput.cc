// A throughput check, not a benchmark with a verdict: runs Adds and then
// conditional Updates through SqlLeaseStore from 1 and from 32 threads and
// prints operations per second and the group-commit batch sizes. It asserts
// only that every operation succeeded (tests never assert on time).
// SHOAL_SQL_THROUGHPUT_OPS sets the operations per run (default 2000).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "lease_backend/sql_lease_store.h"
#include "tests/lease_backend/sql_test_support.h"

namespace shoal::lease_backend::testing {
namespace {

uint32_t Operations() {
  const char* v = std::getenv("SHOAL_SQL_THROUGHPUT_OPS");
  uint32_t n = 0;
  if (v != nullptr && absl::SimpleAtoi(v, &n) && n > 0) return n;
  return 2000;
}

struct Rates {
  double adds_per_s = 0;
  double updates_per_s = 0;
};

// `threads` workers each add then renew their share of `ops` leases.
Rates Measure(SqlLeaseStore& store, uint32_t threads, uint32_t ops, uint32_t base) {
  Rates run;
  uint32_t per_thread = ops / threads;
  std::atomic<int> failures{0};
  auto timed = [&](auto body) {
    auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> workers;
    for (uint32_t t = 0; t < threads; ++t) workers.emplace_back(body, t);
    for (auto& w : workers) w.join();
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    return (per_thread * threads) / took.count();
  };
  run.adds_per_s = timed([&](uint32_t t) {
    for (uint32_t i = 0; i < per_thread; ++i) {
      uint32_t host = base + t * per_thread + i;
      if (!store.Add(TestLease(host, host)).ok()) ++failures;
    }
  });
  run.updates_per_s = timed([&](uint32_t t) {
    for (uint32_t i = 0; i < per_thread; ++i) {
      uint32_t host = base + t * per_thread + i;
      Lease4 l = TestLease(host, host);
      Lease4 renewed = l;
      renewed.cltt += 30;
      if (!store.Update(renewed, l.expire()).ok()) ++failures;
    }
  });
  EXPECT_EQ(failures.load(), 0);
  return run;
}

TEST(SqlLeaseStoreThroughput, AddsAndUpdates) {
  auto db = LeaseDatabase::Create();
  ASSERT_TRUE(db.ok()) << db.status();
  const char* name = TestDialect() == db::Dialect::kMySql ? "mysql" : "postgresql";
  uint32_t ops = Operations();
  for (size_t committers : {size_t{1}, size_t{2}}) {
    SqlLeaseStoreOptions options;
    options.group_commit.committers = committers;
    auto store = (*db)->OpenStore(options);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Wipe(0).ok());
    uint32_t base = 1;
    for (uint32_t threads : {1u, 8u, 32u, 64u}) {
      // One thread pays one commit per call: fewer operations keep it short.
      uint32_t n = threads == 1 ? std::max<uint32_t>(ops / 10, 1) : ops;
      GroupCommitStats before = (*store)->group_commit_stats();
      Rates r = Measure(**store, threads, n, base);
      GroupCommitStats after = (*store)->group_commit_stats();
      base += n;
      double per_txn =
          static_cast<double>(after.changes - before.changes) /
          static_cast<double>(std::max<uint64_t>(after.transactions - before.transactions, 1));
      std::printf(
          "%s committers=%zu threads=%2u ops=%u: %8.0f adds/s %8.0f updates/s  "
          "(%.1f changes per transaction)\n",
          name, committers, threads, n, r.adds_per_s, r.updates_per_s, per_txn);
    }
  }
}

}  // namespace
}  // namespace shoal::lease_backend::testing
