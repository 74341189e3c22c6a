// SqlLeaseStore while the database server goes away and comes back. Stops
// and starts the shared test server with `scripts/db.sh stop-X|start-X|
// restart-X`, so ctest runs it alone (RUN_SERIAL).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lease_backend/sql_lease_store.h"
#include "tests/lease_backend/sql_test_support.h"

namespace shoal::lease_backend::testing {
namespace {

std::string Script() {
  const char* s = std::getenv("SHOAL_DB_SCRIPT");
  if (s != nullptr) return s;
  const char* src = std::getenv("SHOAL_SOURCE_DIR");
  return std::string(src ? src : ".") + "/scripts/db.sh";
}

int RunScript(const std::string& verb) {
  std::string which = TestDialect() == db::Dialect::kMySql ? "mysql" : "pgsql";
  return std::system(absl::StrCat(Script(), " ", verb, "-", which, " >/dev/null").c_str());
}

class SqlLeaseStoreReconnectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = LeaseDatabase::Create();
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
  }
  void TearDown() override {
    // Whatever happened, leave the server running for the tests after us.
    RunScript("start");
    db_.reset();
  }
  absl::StatusOr<std::unique_ptr<SqlLeaseStore>> Open(uint32_t tries, uint32_t wait_ms) {
    db::DatabaseParams p = db_->params();
    p.max_reconnect_tries = tries;
    p.reconnect_wait_time_ms = wait_ms;
    return SqlLeaseStore::Create(p);
  }
  std::unique_ptr<LeaseDatabase> db_;
};

// Server down: writes and reads fail with Unavailable, nothing is reported
// stored; server back: the next calls reconnect and succeed, and only the
// committed leases are there.
TEST_F(SqlLeaseStoreReconnectTest, UnavailableWhileDownThenRecovers) {
  auto store = Open(0, 0);
  ASSERT_TRUE(store.ok()) << store.status();
  SqlLeaseStore& s = **store;
  ASSERT_TRUE(s.Add(TestLease(1, 1)).ok());
  ASSERT_TRUE(s.Get(TestLease(1).address).ok());

  ASSERT_EQ(RunScript("stop"), 0);
  absl::Status add = s.Add(TestLease(2, 2));
  EXPECT_TRUE(absl::IsUnavailable(add)) << add;
  Lease4 renewed = TestLease(1, 1);
  renewed.cltt += 10;
  absl::Status update = s.Update(renewed, TestLease(1, 1).expire());
  EXPECT_TRUE(absl::IsUnavailable(update)) << update;
  auto get = s.Get(TestLease(1).address);
  EXPECT_TRUE(absl::IsUnavailable(get.status())) << get.status();
  EXPECT_TRUE(absl::IsUnavailable(s.CountBySubnet().status()));
  EXPECT_TRUE(absl::IsUnavailable(s.Wipe(7).status()));
  // Concurrent writers all fail, none hangs.
  std::vector<std::thread> threads;
  std::atomic<int> unavailable{0};
  for (uint32_t t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      if (absl::IsUnavailable(s.Add(TestLease(100 + t, t)))) ++unavailable;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(unavailable.load(), 8);

  ASSERT_EQ(RunScript("start"), 0);
  absl::Status again = s.Add(TestLease(3, 3));
  EXPECT_TRUE(again.ok()) << again;
  auto all = s.GetAll();
  ASSERT_TRUE(all.ok()) << all.status();
  std::vector<uint32_t> hosts;
  for (const Lease4& l : *all) hosts.push_back(l.address.value() - (10u << 24));
  EXPECT_THAT(hosts, ::testing::ElementsAre(1, 3));
  EXPECT_EQ(**s.Get(TestLease(1).address), TestLease(1, 1));  // the failed update left it
  EXPECT_TRUE(s.Update(renewed, TestLease(1, 1).expire()).ok());
}

// A restart between calls: every pooled and committer session is stale; the
// calls after it reconnect and succeed without reporting an error.
TEST_F(SqlLeaseStoreReconnectTest, RestartBetweenCallsIsTransparent) {
  auto store = Open(40, 250);
  ASSERT_TRUE(store.ok()) << store.status();
  SqlLeaseStore& s = **store;
  // Use several pooled connections so more than one is stale.
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] { (void)s.GetAll(); });
  }
  for (auto& th : readers) th.join();
  ASSERT_TRUE(s.Add(TestLease(1, 1)).ok());
  ASSERT_EQ(RunScript("restart"), 0);
  absl::Status add = s.Add(TestLease(2, 2));
  EXPECT_TRUE(add.ok()) << add;
  for (int i = 0; i < 4; ++i) {
    auto all = s.GetAll();
    ASSERT_TRUE(all.ok()) << all.status();
    EXPECT_EQ(all->size(), 2u);
  }
  EXPECT_GE(s.group_commit_stats().retries, 1u);
}

// With a retry policy, a write made while the server is down waits for it
// (max-reconnect-tries x reconnect-wait-time) and then succeeds.
TEST_F(SqlLeaseStoreReconnectTest, WriteWaitsForTheServerWithinThePolicy) {
  auto store = Open(240, 250);
  ASSERT_TRUE(store.ok()) << store.status();
  SqlLeaseStore& s = **store;
  ASSERT_TRUE(s.Add(TestLease(1, 1)).ok());
  ASSERT_EQ(RunScript("stop"), 0);
  std::thread starter([] { RunScript("start"); });
  absl::Status add = s.Add(TestLease(2, 2));
  starter.join();
  EXPECT_TRUE(add.ok()) << add;
  auto got = s.Get(TestLease(2).address);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(got->has_value());
}

}  // namespace
}  // namespace shoal::lease_backend::testing
