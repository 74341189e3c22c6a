// SqlLeaseStore beyond the conformance suite: group commit under
// concurrency, two nodes (store instances) on one database, the schema
// version check, and per-change failures inside one batch.
#include "lease_backend/sql_lease_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "db/schema.h"
#include "lease_backend/sql_lease_codec.h"
#include "tests/lease_backend/sql_test_support.h"

namespace shoal::lease_backend::testing {
namespace {

using ::testing::HasSubstr;

class SqlLeaseStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = LeaseDatabase::Create();
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    auto store = db_->OpenStore();
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  void TearDown() override {
    store_.reset();
    db_.reset();
  }

  std::unique_ptr<LeaseDatabase> db_;
  std::unique_ptr<SqlLeaseStore> store_;
};

// 32 threads add 40 addresses of their own each and race for 40 shared ones:
// every own Add succeeds; per shared address exactly one Add wins and the
// others get AlreadyExists, although they ride in the same transactions.
TEST_F(SqlLeaseStoreTest, GroupCommitAddsDistinctAndIdenticalAddresses) {
  constexpr uint32_t kThreads = 32;
  constexpr uint32_t kOwn = 40;
  constexpr uint32_t kShared = 40;
  std::atomic<int> own_failed{0}, other{0};
  std::vector<std::atomic<int>> winners(kShared);
  std::vector<std::atomic<int>> losers(kShared);
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (uint32_t i = 0; i < kOwn + kShared; ++i) {
        if (i % 2 == 0) {
          uint32_t own = i / 2;
          if (!store_->Add(TestLease(10000 + t * 100 + own, t)).ok()) ++own_failed;
        } else {
          uint32_t shared = i / 2;
          absl::Status s = store_->Add(TestLease(1 + shared, t));
          if (s.ok()) {
            ++winners[shared];
          } else if (absl::IsAlreadyExists(s)) {
            ++losers[shared];
          } else {
            ++other;
            ADD_FAILURE() << s;
          }
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(own_failed.load(), 0);
  EXPECT_EQ(other.load(), 0);
  for (uint32_t s = 0; s < kShared; ++s) {
    EXPECT_EQ(winners[s].load(), 1) << "shared address " << s;
    EXPECT_EQ(losers[s].load(), static_cast<int>(kThreads - 1)) << "shared address " << s;
  }
  auto all = store_->GetAll();
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->size(), kThreads * kOwn + kShared);
  GroupCommitStats stats = store_->group_commit_stats();
  EXPECT_EQ(stats.changes, kThreads * (kOwn + kShared));
  EXPECT_LE(stats.transactions, stats.changes);
  std::printf("group commit: %llu changes in %llu transactions (largest %llu)\n",
              static_cast<unsigned long long>(stats.changes),
              static_cast<unsigned long long>(stats.transactions),
              static_cast<unsigned long long>(stats.largest_batch));
}

// 16 threads renew one lease from the same read: exactly one wins per round,
// the rest are Aborted, and the stored lease is the winner's.
TEST_F(SqlLeaseStoreTest, RacingConditionalUpdatesHaveOneWinner) {
  ASSERT_TRUE(store_->Add(TestLease(1, 1)).ok());
  constexpr int kThreads = 16;
  for (int round = 0; round < 20; ++round) {
    Lease4 current = **store_->Get(TestLease(1).address);
    std::atomic<int> ok{0}, aborted{0};
    std::atomic<int> winner{-1};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        Lease4 next = current;
        next.cltt += 1 + t;
        next.hostname = absl::StrCat("t", t);
        absl::Status s = store_->Update(next, current.expire());
        if (s.ok()) {
          ++ok;
          winner = t;
        } else if (absl::IsAborted(s)) {
          ++aborted;
        } else {
          ADD_FAILURE() << s;
        }
      });
    }
    for (auto& th : threads) th.join();
    ASSERT_EQ(ok.load(), 1) << "round " << round;
    ASSERT_EQ(aborted.load(), kThreads - 1) << "round " << round;
    Lease4 after = **store_->Get(current.address);
    EXPECT_EQ(after.hostname, absl::StrCat("t", winner.load()));
    EXPECT_EQ(after.cltt, current.cltt + 1 + winner.load());
  }
}

// A change the database rejects (a hostname that is not UTF-8) fails alone;
// the changes committed with it are not affected.
TEST_F(SqlLeaseStoreTest, RejectedChangeDoesNotFailItsBatch) {
  constexpr uint32_t kThreads = 16;
  for (int round = 0; round < 5; ++round) {
    std::vector<absl::Status> results(kThreads);
    std::vector<std::thread> threads;
    for (uint32_t t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        Lease4 l = TestLease(1 + round * 100 + t, t);
        if (t == 7) l.hostname = std::string("bad\xff\xfe", 5);
        results[t] = store_->Add(l);
      });
    }
    for (auto& th : threads) th.join();
    for (uint32_t t = 0; t < kThreads; ++t) {
      if (t == 7) {
        EXPECT_FALSE(results[t].ok());
        EXPECT_FALSE(absl::IsUnavailable(results[t])) << results[t];
      } else {
        EXPECT_TRUE(results[t].ok()) << "thread " << t << ": " << results[t];
      }
    }
  }
  EXPECT_EQ(store_->GetAll()->size(), 5u * (kThreads - 1));
}

TEST_F(SqlLeaseStoreTest, LeaseTooLargeForTheTableIsInvalidArgument) {
  Lease4 l = TestLease(1, 1);
  l.hwaddr.assign(21, 0xaa);
  absl::Status s = store_->Add(l);
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_THAT(s.message(), HasSubstr("hw-address"));
  l = TestLease(1, 1);
  l.hostname.assign(256, 'h');
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Add(l)));
  if (store_->dialect() == db::Dialect::kMySql) {
    l = TestLease(1, 1);
    l.cltt = 2'200'000'000;  // past 2038: a MySQL TIMESTAMP cannot hold it
    s = store_->Add(l);
    EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
    EXPECT_THAT(s.message(), HasSubstr("TIMESTAMP"));
  }
  EXPECT_THAT(*store_->GetAll(), ::testing::IsEmpty());
}

TEST_F(SqlLeaseStoreTest, HostnameLookupIsExact) {
  Lease4 a = TestLease(1, 1);
  a.hostname = "printer.example.org";
  Lease4 b = TestLease(2, 2);
  b.hostname = "Printer.example.org";
  ASSERT_TRUE(store_->Add(a).ok());
  ASSERT_TRUE(store_->Add(b).ok());
  auto got = store_->GetByHostname("printer.example.org");
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ(got->front().address, a.address);
}

// Two nodes (store instances) on one database: what A writes B reads, and a
// stale update from B after A renewed is Aborted and changes nothing.
TEST_F(SqlLeaseStoreTest, TwoNodesShareLeasesAndNeverOverwriteNewer) {
  auto node_b = db_->OpenStore();
  ASSERT_TRUE(node_b.ok()) << node_b.status();
  SqlLeaseStore& a = *store_;
  SqlLeaseStore& b = **node_b;

  Lease4 lease = TestLease(5, 5);
  ASSERT_TRUE(a.Add(lease).ok());
  auto seen_by_b = b.Get(lease.address);
  ASSERT_TRUE(seen_by_b.ok()) << seen_by_b.status();
  ASSERT_TRUE(seen_by_b->has_value());
  EXPECT_EQ(**seen_by_b, lease);
  // B cannot take the address.
  EXPECT_TRUE(absl::IsAlreadyExists(b.Add(TestLease(5, 6))));

  // A renews; B, still holding its old read, tries to renew too.
  Lease4 renewed_by_a = lease;
  renewed_by_a.cltt += 600;
  renewed_by_a.hostname = "a";
  ASSERT_TRUE(a.Update(renewed_by_a, lease.expire()).ok());
  Lease4 stale_from_b = **seen_by_b;
  stale_from_b.cltt += 300;
  stale_from_b.hostname = "b";
  absl::Status s = b.Update(stale_from_b, seen_by_b->value().expire());
  EXPECT_TRUE(absl::IsAborted(s)) << s;
  EXPECT_EQ(**b.Get(lease.address), renewed_by_a);
  EXPECT_TRUE(absl::IsAborted(b.Delete(lease.address, lease.expire())));

  // After reading again B can renew, and A's stale view is rejected in turn.
  Lease4 fresh = **b.Get(lease.address);
  Lease4 renewed_by_b = fresh;
  renewed_by_b.cltt += 60;
  ASSERT_TRUE(b.Update(renewed_by_b, fresh.expire()).ok());
  EXPECT_TRUE(absl::IsAborted(a.Update(renewed_by_a, renewed_by_a.expire())));
  EXPECT_EQ(**a.Get(lease.address), renewed_by_b);

  // Concurrent adds of the same addresses from both nodes: one winner each.
  std::atomic<int> ok{0}, exists{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      SqlLeaseStore& node = t % 2 == 0 ? a : b;
      for (uint32_t h = 100; h < 140; ++h) {
        absl::Status r = node.Add(TestLease(h, t));
        if (r.ok()) ++ok;
        if (absl::IsAlreadyExists(r)) ++exists;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 40);
  EXPECT_EQ(exists.load(), 7 * 40);
}

TEST_F(SqlLeaseStoreTest, ExpireKeepsSecondsAndUtc) {
  Lease4 l = TestLease(1, 1);
  l.cltt = 1'700'000'123;
  l.valid_lifetime = 7;
  ASSERT_TRUE(store_->Add(l).ok());
  // Read the raw column as the operators' SQL would.
  auto c = db_->scratch().Connect();
  ASSERT_TRUE(c.ok());
  auto r =
      (*c)->Query(db::Statement("SELECT UNIX_TIMESTAMP(expire) FROM lease4",
                                "SELECT CAST(EXTRACT(EPOCH FROM expire) AS BIGINT) FROM lease4"));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r->rows.at(0).Int64(0), 1'700'000'130);
  auto text = (*c)->Query(db::Statement("SELECT CAST(expire AS CHAR) FROM lease4",
                                        "SELECT to_char(expire AT TIME ZONE 'UTC', "
                                        "'YYYY-MM-DD HH24:MI:SS') FROM lease4"));
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->rows.at(0).StringOr(0), "2023-11-14 22:15:30");
}

TEST(SqlLeaseStoreSchemaTest, RefusesAnOlderSchemaNamingTheUpgradeCommand) {
  auto scratch = db::testing::ScratchDatabase::Create(TestDialect());
  ASSERT_TRUE(scratch.ok()) << scratch.status();
  auto c = (*scratch)->Connect();
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(db::InitSchema(**c, db::SchemaVersion{1, 0}).ok());
  auto store = SqlLeaseStore::Create((*scratch)->params());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(store.status().message(), HasSubstr("1.0"));
  EXPECT_THAT(store.status().message(),
              HasSubstr(db::RequiredSchemaVersion(TestDialect()).ToString()));
  EXPECT_THAT(store.status().message(), HasSubstr("shoal-admin db-upgrade"));
  // After the upgrade the store opens.
  ASSERT_TRUE(db::UpgradeSchema(**c).ok());
  auto upgraded = SqlLeaseStore::Create((*scratch)->params());
  EXPECT_TRUE(upgraded.ok()) << upgraded.status();
}

TEST(SqlLeaseStoreSchemaTest, RefusesAnEmptyDatabase) {
  auto scratch = db::testing::ScratchDatabase::Create(TestDialect());
  ASSERT_TRUE(scratch.ok()) << scratch.status();
  auto store = SqlLeaseStore::Create((*scratch)->params());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition) << store.status();
}

}  // namespace
}  // namespace shoal::lease_backend::testing
