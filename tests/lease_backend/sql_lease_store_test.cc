// SqlLeaseStore beyond the conformance suite: group commit under
// concurrency, two nodes (store instances) on one database, the schema
// version check, per-change failures inside one batch, the address block
// claims (SqlBlockClaims) and the batched lookups (GroupReader).
#include "lease_backend/sql_lease_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "db/schema.h"
#include "lease_backend/sql_lease_codec.h"
#include "tests/lease_backend/sql_test_support.h"

namespace shoal::lease_backend::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

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

// ---------------------------------------------------------------------------
// Batch of new leases with one taken address (TryOneInsert, then the
// transaction that sorts out which Add failed).

// One committer, used a moment before each burst, so the burst's batches of
// nothing but new leases go out as one autocommitted multi-row INSERT
// (GroupCommitter::TryOneInsert). One Add of each burst hits an address that
// is already leased: only that Add is AlreadyExists; every other Add of the
// burst is stored, and the old lease is untouched.
TEST(SqlLeaseStoreOneInsertTest, BatchOfNewLeasesWithOneTakenAddress) {
  auto db = LeaseDatabase::Create();
  ASSERT_TRUE(db.ok()) << db.status();
  SqlLeaseStoreOptions options;
  options.group_commit.committers = 1;
  auto opened = (*db)->OpenStore(options);
  ASSERT_TRUE(opened.ok()) << opened.status();
  SqlLeaseStore& store = **opened;

  constexpr uint32_t kThreads = 32;
  constexpr int kRounds = 8;
  for (int round = 0; round < kRounds; ++round) {
    const uint32_t base = 1000 + round * 100;
    // The taken address, leased before the burst by another client.
    const Lease4 taken = TestLease(base + 17, 900 + round);
    ASSERT_TRUE(store.Add(taken).ok());
    // Keeps the committer's connection "recently used".
    ASSERT_TRUE(store.Add(TestLease(base + 99, 800 + round)).ok());

    std::vector<absl::Status> results(kThreads);
    std::vector<Lease4> wanted(kThreads);
    for (uint32_t t = 0; t < kThreads; ++t) wanted[t] = TestLease(base + t, t);
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (uint32_t t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        start.arrive_and_wait();
        results[t] = store.Add(wanted[t]);
      });
    }
    for (auto& th : threads) th.join();
    for (uint32_t t = 0; t < kThreads; ++t) {
      if (wanted[t].address == taken.address) {
        EXPECT_TRUE(absl::IsAlreadyExists(results[t])) << "round " << round << ": " << results[t];
        EXPECT_EQ(**store.Get(taken.address), taken) << "round " << round;
      } else {
        EXPECT_TRUE(results[t].ok()) << "round " << round << ", thread " << t << ": " << results[t];
        auto stored = store.Get(wanted[t].address);
        ASSERT_TRUE(stored.ok()) << stored.status();
        ASSERT_TRUE(stored->has_value()) << "round " << round << ", thread " << t;
        EXPECT_EQ(**stored, wanted[t]);
      }
    }
  }
  auto all = store.GetAll();
  ASSERT_TRUE(all.ok()) << all.status();
  // Per round: the taken lease, the warm-up lease, and 31 new ones.
  EXPECT_EQ(all->size(), kRounds * (2 + kThreads - 1));
}

// ---------------------------------------------------------------------------
// SqlBlockClaims

AddressBlock Block(uint32_t first_host, uint32_t size = 16, uint32_t subnet_id = 1) {
  return AddressBlock{.first = dhcp::Ipv4Address((10u << 24) + first_host),
                      .last = dhcp::Ipv4Address((10u << 24) + first_host + size - 1),
                      .subnet_id = subnet_id};
}

struct ClaimRow {
  uint32_t last = 0;
  uint32_t subnet_id = 0;
  std::string owner;
};

// lease4_block_claim as the database holds it, by first address.
std::map<uint32_t, ClaimRow> ClaimRows(const LeaseDatabase& db) {
  std::map<uint32_t, ClaimRow> rows;
  auto c = db.scratch().Connect();
  if (!c.ok()) {
    ADD_FAILURE() << c.status();
    return rows;
  }
  auto r = (*c)->Query(db::Statement(
      "SELECT first_address, last_address, subnet_id, owner FROM lease4_block_claim"));
  if (!r.ok()) {
    ADD_FAILURE() << r.status();
    return rows;
  }
  for (const db::Row& row : r->rows) {
    rows[static_cast<uint32_t>(*row.Int64(0))] =
        ClaimRow{.last = static_cast<uint32_t>(*row.Int64(1)),
                 .subnet_id = static_cast<uint32_t>(*row.Int64(2)),
                 .owner = row.StringOr(3)};
  }
  return rows;
}

std::vector<uint32_t> Values(absl::StatusOr<std::vector<dhcp::Ipv4Address>> firsts) {
  std::vector<uint32_t> out;
  if (!firsts.ok()) {
    ADD_FAILURE() << firsts.status();
    return out;
  }
  for (dhcp::Ipv4Address a : *firsts) out.push_back(a.value());
  std::sort(out.begin(), out.end());
  return out;
}

TEST_F(SqlLeaseStoreTest, BlockClaimRefusesAnotherOwnerWhileItLasts) {
  AddressBlockClaims& claims = *store_->block_claims();
  const AddressBlock block = Block(16);
  auto a = claims.Claim(block, "node-a", 60);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_TRUE(*a);
  // Another owner is refused, and its claim changes nothing in the row.
  AddressBlock other_view = block;
  other_view.last = dhcp::Ipv4Address(block.last.value() + 16);
  other_view.subnet_id = 7;
  auto b = claims.Claim(other_view, "node-b", 60);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_FALSE(*b);
  // Another node (store instance) on the same database is refused too.
  auto node_b = db_->OpenStore();
  ASSERT_TRUE(node_b.ok()) << node_b.status();
  auto b2 = (*node_b)->block_claims()->Claim(block, "node-b", 60);
  ASSERT_TRUE(b2.ok()) << b2.status();
  EXPECT_FALSE(*b2);
  std::map<uint32_t, ClaimRow> rows = ClaimRows(*db_);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows.begin()->first, block.first.value());
  EXPECT_EQ(rows.begin()->second.last, block.last.value());
  EXPECT_EQ(rows.begin()->second.subnet_id, 1u);
  EXPECT_EQ(rows.begin()->second.owner, "node-a");
  // The owner claiming again renews its claim.
  auto again = claims.Claim(block, "node-a", 60);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(*again);
  EXPECT_FALSE(*claims.Claim(block, "node-b", 60));
  EXPECT_EQ(Values(claims.Renew("node-a", 60)), std::vector<uint32_t>{block.first.value()});
  EXPECT_THAT(Values(claims.Renew("node-b", 60)), ::testing::IsEmpty());
}

TEST_F(SqlLeaseStoreTest, BlockClaimRenewReturnsExactlyTheOwnersBlocks) {
  AddressBlockClaims& claims = *store_->block_claims();
  for (uint32_t first : {16u, 32u, 48u}) ASSERT_TRUE(*claims.Claim(Block(first), "node-a", 60));
  for (uint32_t first : {64u, 80u}) ASSERT_TRUE(*claims.Claim(Block(first), "node-b", 60));
  const uint32_t net = 10u << 24;
  EXPECT_EQ(Values(claims.Renew("node-a", 60)),
            (std::vector<uint32_t>{net + 16, net + 32, net + 48}));
  EXPECT_EQ(Values(claims.Renew("node-b", 60)), (std::vector<uint32_t>{net + 64, net + 80}));
  // An owner's name is matched whole, not as a prefix.
  EXPECT_THAT(Values(claims.Renew("node", 60)), ::testing::IsEmpty());
  EXPECT_THAT(Values(claims.Renew("node-c", 60)), ::testing::IsEmpty());
  // Renewing keeps the claims: the others are still refused.
  EXPECT_FALSE(*claims.Claim(Block(16), "node-b", 60));
  EXPECT_FALSE(*claims.Claim(Block(64), "node-a", 60));
  EXPECT_EQ(ClaimRows(*db_).size(), 5u);
}

TEST_F(SqlLeaseStoreTest, BlockClaimReleaseFreesBlocksForAnotherOwner) {
  AddressBlockClaims& claims = *store_->block_claims();
  for (uint32_t first : {16u, 32u, 48u}) ASSERT_TRUE(*claims.Claim(Block(first), "node-a", 60));
  ASSERT_TRUE(*claims.Claim(Block(64), "node-b", 60));
  // Releasing a block one does not hold changes nothing.
  ASSERT_TRUE(claims.Release(Block(32).first, "node-b").ok());
  ASSERT_TRUE(claims.Release(Block(64).first, "node-a").ok());
  EXPECT_FALSE(*claims.Claim(Block(32), "node-b", 60));
  EXPECT_FALSE(*claims.Claim(Block(64), "node-a", 60));
  // The owner's Release frees that block only.
  ASSERT_TRUE(claims.Release(Block(32).first, "node-a").ok());
  EXPECT_TRUE(*claims.Claim(Block(32), "node-b", 60));
  EXPECT_FALSE(*claims.Claim(Block(16), "node-b", 60));
  const uint32_t net = 10u << 24;
  EXPECT_EQ(Values(claims.Renew("node-a", 60)), (std::vector<uint32_t>{net + 16, net + 48}));
  // ReleaseAll frees every block of its owner and no other.
  ASSERT_TRUE(claims.ReleaseAll("node-a").ok());
  EXPECT_THAT(Values(claims.Renew("node-a", 60)), ::testing::IsEmpty());
  EXPECT_EQ(Values(claims.Renew("node-b", 60)), (std::vector<uint32_t>{net + 32, net + 64}));
  EXPECT_TRUE(*claims.Claim(Block(16), "node-c", 60));
  EXPECT_TRUE(*claims.Claim(Block(48), "node-c", 60));
  EXPECT_FALSE(*claims.Claim(Block(64), "node-c", 60));
  std::map<uint32_t, ClaimRow> rows = ClaimRows(*db_);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[net + 16].owner, "node-c");
  EXPECT_EQ(rows[net + 32].owner, "node-b");
  EXPECT_EQ(rows[net + 48].owner, "node-c");
  EXPECT_EQ(rows[net + 64].owner, "node-b");
  // Nothing to release: OK.
  EXPECT_TRUE(claims.ReleaseAll("node-a").ok());
}

// A claim that was not renewed lapses on the database's clock; another
// owner may then take the block over, and the old owner is refused and no
// longer renews it.
TEST_F(SqlLeaseStoreTest, BlockClaimLapsesAfterItsTtl) {
  AddressBlockClaims& claims = *store_->block_claims();
  const AddressBlock block = Block(16);
  ASSERT_TRUE(*claims.Claim(block, "node-a", 1));
  ASSERT_TRUE(*claims.Claim(Block(32), "node-a", 600));
  absl::SleepFor(absl::Milliseconds(2500));
  AddressBlock takeover = block;
  takeover.last = dhcp::Ipv4Address(block.last.value() - 8);
  takeover.subnet_id = 2;
  auto b = claims.Claim(takeover, "node-b", 60);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_TRUE(*b);
  EXPECT_FALSE(*claims.Claim(block, "node-a", 60));
  const uint32_t net = 10u << 24;
  EXPECT_EQ(Values(claims.Renew("node-a", 60)), std::vector<uint32_t>{net + 32});
  EXPECT_EQ(Values(claims.Renew("node-b", 60)), std::vector<uint32_t>{net + 16});
  // The row is the new owner's, with its view of the block.
  std::map<uint32_t, ClaimRow> rows = ClaimRows(*db_);
  EXPECT_EQ(rows[net + 16].owner, "node-b");
  EXPECT_EQ(rows[net + 16].last, takeover.last.value());
  EXPECT_EQ(rows[net + 16].subnet_id, 2u);
  // The old owner's Release does not free the new owner's claim.
  ASSERT_TRUE(claims.Release(block.first, "node-a").ok());
  EXPECT_FALSE(*claims.Claim(block, "node-c", 60));
}

// Owners racing for the same blocks from many threads and two store
// instances: exactly one wins each block, and the table names it.
TEST_F(SqlLeaseStoreTest, BlockClaimRaceHasOneWinnerPerBlock) {
  auto node_b = db_->OpenStore();
  ASSERT_TRUE(node_b.ok()) << node_b.status();
  constexpr int kOwners = 16;
  constexpr uint32_t kBlocks = 24;
  std::vector<std::vector<int>> winners(kBlocks);
  std::mutex mu;
  std::latch start(kOwners);
  std::vector<std::thread> threads;
  for (int o = 0; o < kOwners; ++o) {
    threads.emplace_back([&, o] {
      AddressBlockClaims& claims =
          o % 2 == 0 ? *store_->block_claims() : *(*node_b)->block_claims();
      const std::string owner = absl::StrCat("owner-", o);
      start.arrive_and_wait();
      for (uint32_t k = 0; k < kBlocks; ++k) {
        // Start at different blocks so that every pair of owners collides.
        const uint32_t b = (k + o) % kBlocks;
        auto got = claims.Claim(Block(16 * (b + 1)), owner, 60);
        if (!got.ok()) {
          ADD_FAILURE() << got.status();
          continue;
        }
        if (*got) {
          std::lock_guard lock(mu);
          winners[b].push_back(o);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  std::map<uint32_t, ClaimRow> rows = ClaimRows(*db_);
  ASSERT_EQ(rows.size(), kBlocks);
  for (uint32_t b = 0; b < kBlocks; ++b) {
    ASSERT_EQ(winners[b].size(), 1u) << "block " << b;
    EXPECT_EQ(rows[Block(16 * (b + 1)).first.value()].owner, absl::StrCat("owner-", winners[b][0]))
        << "block " << b;
  }
}

TEST_F(SqlLeaseStoreTest, BlockClaimOwnerMustBe1To128Characters) {
  AddressBlockClaims& claims = *store_->block_claims();
  const std::string too_long(129, 'n');
  for (const std::string& bad : {std::string(), too_long}) {
    EXPECT_TRUE(absl::IsInvalidArgument(claims.Claim(Block(16), bad, 60).status())) << bad.size();
    EXPECT_TRUE(absl::IsInvalidArgument(claims.Renew(bad, 60).status())) << bad.size();
    EXPECT_TRUE(absl::IsInvalidArgument(claims.Release(Block(16).first, bad))) << bad.size();
    EXPECT_TRUE(absl::IsInvalidArgument(claims.ReleaseAll(bad))) << bad.size();
  }
  EXPECT_THAT(ClaimRows(*db_), ::testing::IsEmpty());
  // 128 characters is the most the table holds, and works.
  const std::string longest(128, 'n');
  auto claimed = claims.Claim(Block(16), longest, 60);
  ASSERT_TRUE(claimed.ok()) << claimed.status();
  EXPECT_TRUE(*claimed);
  EXPECT_EQ(Values(claims.Renew(longest, 60)), std::vector<uint32_t>{Block(16).first.value()});
  EXPECT_EQ(ClaimRows(*db_)[Block(16).first.value()].owner, longest);
}

// ---------------------------------------------------------------------------
// Lookups by hardware address and client id, batched across callers
// (GroupReader).

// Leases whose keys have 0, 1, 2 or 3 leases, spread over subnets 1 to 3 and
// stored out of address order, and the keys to look up: the last kUnknown
// of each kind belong to no lease; a few are a prefix of another key or
// another key plus a trailing space, so only an exact match may count.
struct LookupData {
  static constexpr size_t kUnknown = 8;
  std::vector<Lease4> leases;
  std::vector<std::vector<uint8_t>> hw_keys;
  std::vector<std::vector<uint8_t>> client_keys;

  static LookupData Make() {
    LookupData d;
    for (uint32_t k = 0; k < 100; ++k) {
      d.hw_keys.push_back({0x02, 0, 0, 0, uint8_t(k >> 8), uint8_t(k)});
      d.client_keys.push_back({0x01, 0xcc, uint8_t(k >> 8), uint8_t(k)});
    }
    d.hw_keys.push_back({0x02, 0, 0, 0, 0});               // a prefix of keys 0..99
    d.hw_keys.push_back({0x02, 0, 0, 0, 0, 0x05, 0x20});   // key 5 and a space
    d.client_keys.push_back({0x01, 0xcc, 0});              // a prefix of keys 0..99
    d.client_keys.push_back({0x01, 0xcc, 0, 0x05, 0x20});  // key 5 and a space
    const size_t known = d.hw_keys.size();
    for (uint32_t k = 0; k < kUnknown; ++k) {
      d.hw_keys.push_back({0x03, 0, 0, 0, 0, uint8_t(k)});
      d.client_keys.push_back({0x01, 0xdd, uint8_t(k)});
    }
    for (size_t k = 0; k < known; ++k) {
      for (size_t i = 0; i < (k + 1) % 4; ++i) {
        const size_t n = d.leases.size();
        Lease4 l;
        // Distinct addresses, far from insertion (and key) order.
        l.address = dhcp::Ipv4Address((10u << 24) + (1u << 16) + 1 + (n * 97) % 1000);
        l.hwaddr = d.hw_keys[k];
        if (n % 10 != 9) l.client_id = d.client_keys[(n * 37) % known];
        l.valid_lifetime = 3600;
        l.cltt = 1'700'000'000 + static_cast<int64_t>(n);
        l.subnet_id = 1 + static_cast<uint32_t>((n + i) % 3);
        l.hostname = absl::StrCat("host-", n);
        d.leases.push_back(std::move(l));
      }
    }
    return d;
  }

  // What a lookup must return: the leases with that key in `subnet_id`
  // (0 = any), in address order.
  std::vector<Lease4> Expected(bool by_hw, const std::vector<uint8_t>& key,
                               uint32_t subnet_id) const {
    std::vector<Lease4> out;
    for (const Lease4& l : leases) {
      if ((by_hw ? l.hwaddr : l.client_id) != key) continue;
      if (subnet_id != 0 && l.subnet_id != subnet_id) continue;
      out.push_back(l);
    }
    std::sort(out.begin(), out.end(),
              [](const Lease4& a, const Lease4& b) { return a.address < b.address; });
    return out;
  }
};

std::string Addresses(const std::vector<Lease4>& leases) {
  std::string out;
  for (const Lease4& l : leases)
    absl::StrAppend(&out, out.empty() ? "" : " ", l.address.ToString());
  return absl::StrCat("[", out, "]");
}

// How the lookups were batched (for the log; not asserted).
void PrintReadStats(const GroupReadStats& stats) {
  std::printf("group read: %llu lookups in %llu statements (largest %llu keys)\n",
              static_cast<unsigned long long>(stats.lookups),
              static_cast<unsigned long long>(stats.statements),
              static_cast<unsigned long long>(stats.largest_batch));
}

// Compares a lookup's result with what it must be; counts and reports (the
// first few) mismatches.
void Check(const absl::StatusOr<std::vector<Lease4>>& got, const std::vector<Lease4>& want,
           const std::string& what, std::atomic<int>& wrong) {
  if (got.ok() && *got == want) return;
  if (++wrong > 5) return;
  if (!got.ok()) {
    ADD_FAILURE() << what << ": " << got.status();
  } else {
    ADD_FAILURE() << what << ": got " << Addresses(*got) << ", want " << Addresses(want)
                  << (Addresses(*got) == Addresses(want) ? " (same addresses, other fields differ)"
                                                         : "");
  }
}

// Runs body(0) .. body(count - 1) on `count` threads released at once.
void OnThreadsAtOnce(int count, const std::function<void(int)>& body) {
  std::latch start(count);
  std::vector<std::thread> threads;
  for (int t = 0; t < count; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      body(t);
    });
  }
  for (auto& th : threads) th.join();
}

void AddAll(SqlLeaseStore& store, const std::vector<Lease4>& leases) {
  for (const Lease4& l : leases) {
    absl::Status s = store.Add(l);
    ASSERT_TRUE(s.ok()) << l.address.ToString() << ": " << s;
  }
}

// 32 threads look leases up at once, by both keys, for keys with 0 to 3
// leases and subnet filters 0 (any), 1 to 3 and 4 (no lease): each gets
// exactly its leases in address order, whatever lookups shared its statement.
TEST_F(SqlLeaseStoreTest, ConcurrentLookupsGetExactlyTheirLeases) {
  const LookupData data = LookupData::Make();
  AddAll(*store_, data.leases);
  constexpr int kThreads = 32;
  constexpr int kPerThread = 150;
  std::atomic<uint64_t> made{0};
  std::atomic<int> wrong{0};
  OnThreadsAtOnce(kThreads, [&](int t) {
    for (int i = 0; i < kPerThread; ++i) {
      const bool by_hw = (i + t) % 2 == 0;
      const size_t k = static_cast<size_t>(i * 7 + t * 13) % data.hw_keys.size();
      const uint32_t subnet = static_cast<uint32_t>(i / 2 + t) % 5;
      const std::vector<uint8_t>& key = by_hw ? data.hw_keys[k] : data.client_keys[k];
      auto got = by_hw ? store_->GetByHwAddress(key, subnet) : store_->GetByClientId(key, subnet);
      ++made;
      Check(got, data.Expected(by_hw, key, subnet),
            absl::StrCat(by_hw ? "hw-address" : "client-id", " key ", k, " subnet ", subnet),
            wrong);
    }
  });
  EXPECT_EQ(wrong.load(), 0);
  const GroupReadStats stats = store_->group_read_stats();
  EXPECT_EQ(stats.lookups, made.load());
  EXPECT_GE(stats.statements, 1u);
  EXPECT_LE(stats.statements, stats.lookups);
  PrintReadStats(stats);
}

// 32 threads read single addresses at once (the reads of DHCPRELEASE and
// DHCPDECLINE), half of them with a lease and half without: each gets
// exactly its lease or none, and the reads go through the batching reader.
TEST_F(SqlLeaseStoreTest, ConcurrentAddressReadsGetExactlyTheirLease) {
  const LookupData data = LookupData::Make();
  AddAll(*store_, data.leases);
  const GroupReadStats before = store_->group_read_stats();
  constexpr int kThreads = 32;
  constexpr int kPerThread = 100;
  std::atomic<int> wrong{0};
  OnThreadsAtOnce(kThreads, [&](int t) {
    for (int i = 0; i < kPerThread; ++i) {
      const Lease4& leased = data.leases[static_cast<size_t>(i * 11 + t) % data.leases.size()];
      // Every other read asks for an address past every lease.
      const dhcp::Ipv4Address address =
          i % 2 == 0 ? leased.address : dhcp::Ipv4Address(0xc6336400u + i * kThreads + t);
      auto got = store_->Get(address);
      const bool right =
          got.ok() && (i % 2 == 0 ? *got == std::optional<Lease4>(leased) : !got->has_value());
      if (!right && ++wrong <= 5) {
        ADD_FAILURE() << address.ToString() << ": "
                      << (got.ok() ? (got->has_value() ? "another lease" : "no lease")
                                   : got.status().ToString());
      }
    }
  });
  EXPECT_EQ(wrong.load(), 0);
  const GroupReadStats stats = store_->group_read_stats();
  EXPECT_EQ(stats.lookups - before.lookups, uint64_t{kThreads} * kPerThread);
  PrintReadStats(stats);
}

// The batched lookups use their index even when the planner's statistics
// say lease4 is empty (right after it was emptied, before the statistics are
// recomputed): MariaDB, estimating IN lists from statistics in these
// sessions, planned a table scan per lookup there until the lookups named
// their index, which took a node from 10000 to 6500 exchanges/s.
TEST_F(SqlLeaseStoreTest, LookupsUseTheirIndexOnAnEmptyTable) {
  const bool pg = db_->params().dialect == db::Dialect::kPostgreSql;
  db::DatabaseParams params = db_->params();
  params.index_scans_only = true;  // as the store's sessions
  auto connection = db::Connect(params);
  ASSERT_TRUE(connection.ok()) << connection.status();
  ASSERT_TRUE((*connection)->ExecuteDirect(pg ? "ANALYZE lease4" : "ANALYZE TABLE lease4").ok());
  const std::pair<const char*, const db::Statement*> lookups[] = {
      {"hwaddr", &sql::GetByHwAddressIn(64)},
      {"client_id", &sql::GetByClientIdIn(64)},
      {"address", &sql::GetByAddressIn(64)}};
  for (const auto& [what, statement] : lookups) {
    const std::string text(statement->text(params.dialect));
    std::vector<db::Param> keys;
    for (int i = 0; i < 64; ++i) {
      if (std::string_view(what) == "address") {
        keys.emplace_back(int64_t{i + 1});
      } else {
        keys.emplace_back(db::Bytes{1, 2, static_cast<uint8_t>(i)});
      }
    }
    auto plan = (*connection)->Query(db::Statement(absl::StrCat("EXPLAIN ", text)), keys);
    ASSERT_TRUE(plan.ok()) << what << ": " << plan.status();
    ASSERT_FALSE(plan->rows.empty()) << what;
    std::string described;
    for (const db::Row& row : plan->rows) {
      for (size_t c = 0; c < row.size(); ++c) absl::StrAppend(&described, row.StringOr(c), " | ");
    }
    if (pg) {
      EXPECT_THAT(described, Not(HasSubstr("Seq Scan"))) << what << ": " << described;
    } else {
      // EXPLAIN's columns: id, select_type, table, type, ...
      const std::string type = plan->rows[0].StringOr(3);
      EXPECT_TRUE(type == "range" || type == "ref" || type == "eq_ref" || type == "const")
          << what << ": " << described;
    }
  }
}

// Every key of both kinds at once (236 lookups, some keys twice) with one
// statement at a time (lookup_readers 1): while one runs the others queue,
// so a batch usually holds more than 64 distinct keys and goes out in
// chunks.
TEST(SqlLeaseStoreLookupTest, MoreThan64DistinctKeysAtOnce) {
  auto db = LeaseDatabase::Create();
  ASSERT_TRUE(db.ok()) << db.status();
  SqlLeaseStoreOptions options;
  options.lookup_readers = 1;
  auto opened = (*db)->OpenStore(options);
  ASSERT_TRUE(opened.ok()) << opened.status();
  SqlLeaseStore& store = **opened;
  const LookupData data = LookupData::Make();
  AddAll(store, data.leases);

  const size_t keys = data.hw_keys.size();
  const size_t threads_per_round = 2 * keys + 16;  // 16 keys asked twice
  constexpr int kRounds = 3;
  std::atomic<int> wrong{0};
  for (int round = 0; round < kRounds; ++round) {
    std::latch start(static_cast<ptrdiff_t>(threads_per_round));
    std::vector<std::thread> threads;
    for (size_t t = 0; t < threads_per_round; ++t) {
      threads.emplace_back([&, t] {
        const bool by_hw = t < keys || (t >= 2 * keys && t % 2 == 0);
        const size_t k = t < 2 * keys ? t % keys : (t * 5) % keys;
        const uint32_t subnet = static_cast<uint32_t>(t + round) % 4;
        const std::vector<uint8_t>& key = by_hw ? data.hw_keys[k] : data.client_keys[k];
        start.arrive_and_wait();
        auto got = by_hw ? store.GetByHwAddress(key, subnet) : store.GetByClientId(key, subnet);
        Check(got, data.Expected(by_hw, key, subnet),
              absl::StrCat("round ", round, ", ", by_hw ? "hw-address" : "client-id", " key ", k,
                           " subnet ", subnet),
              wrong);
      });
    }
    for (auto& th : threads) th.join();
  }
  EXPECT_EQ(wrong.load(), 0);
  const GroupReadStats stats = store.group_read_stats();
  EXPECT_EQ(stats.lookups, kRounds * threads_per_round);
  EXPECT_LE(stats.statements, stats.lookups);
  PrintReadStats(stats);
}

// GroupReader itself on a real connection, with one statement at a time
// and the first statement held up until the other lookups have queued, so
// the next batch holds them all (up to the threads reaching the queue in
// time, which only the printed statistics show): over 64 distinct keys of
// each kind answered in chunks of at most 64, duplicates sharing an answer.
TEST(GroupReaderTest, QueuedBatchOfMoreThan64KeysIsAnsweredInChunks) {
  auto db = LeaseDatabase::Create();
  ASSERT_TRUE(db.ok()) << db.status();
  const LookupData data = LookupData::Make();
  {
    auto store = (*db)->OpenStore();
    ASSERT_TRUE(store.ok()) << store.status();
    AddAll(**store, data.leases);
  }
  auto connection = (*db)->scratch().Connect();
  ASSERT_TRUE(connection.ok()) << connection.status();

  absl::Notification first_read, release;
  std::atomic<int> reads{0};
  std::mutex mu;
  std::vector<size_t> keys_per_statement;
  GroupReader reader(
      [&](const db::Statement& statement, const std::vector<db::Param>& params) {
        if (reads++ == 0) {
          first_read.Notify();
          release.WaitForNotification();
        }
        {
          std::lock_guard lock(mu);
          keys_per_statement.push_back(params.size());
        }
        return (*connection)->Query(statement, params);
      },
      1);
  std::atomic<int> wrong{0};
  std::thread first([&] {
    Check(reader.Find(GroupReader::Key::kHwAddress, data.hw_keys[3]),
          data.Expected(true, data.hw_keys[3], 0), "first hw-address lookup", wrong);
  });
  first_read.WaitForNotification();

  const size_t keys = data.hw_keys.size();
  const size_t queued = 2 * keys + 16;
  std::atomic<size_t> asking{0};
  std::vector<std::thread> threads;
  for (size_t t = 0; t < queued; ++t) {
    threads.emplace_back([&, t] {
      const bool by_hw = t < keys || (t >= 2 * keys && t % 2 == 0);
      const size_t k = t < 2 * keys ? t % keys : (t * 5) % keys;
      const std::vector<uint8_t>& key = by_hw ? data.hw_keys[k] : data.client_keys[k];
      ++asking;
      auto got =
          reader.Find(by_hw ? GroupReader::Key::kHwAddress : GroupReader::Key::kClientId, key);
      Check(got, data.Expected(by_hw, key, 0),
            absl::StrCat(by_hw ? "hw-address" : "client-id", " key ", k), wrong);
    });
  }
  while (asking.load() < queued) absl::SleepFor(absl::Milliseconds(5));
  absl::SleepFor(absl::Milliseconds(300));  // let them reach the queue
  release.Notify();
  first.join();
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  const GroupReadStats stats = reader.stats();
  EXPECT_EQ(stats.lookups, queued + 1);
  EXPECT_LE(stats.statements, stats.lookups);
  std::lock_guard lock(mu);
  for (size_t n : keys_per_statement) {
    EXPECT_LE(n, 64u);  // never more keys than the largest IN statement
  }
  PrintReadStats(stats);
}

// A batch of more new leases than one INSERT takes (kMaxBulkInsertRows)
// goes as a transaction of multi-row INSERTs, not one statement per lease
// (which it did when the batch was too large for the one-statement path).
TEST(SqlLeaseStoreBulkTest, LargeBatchOfNewLeasesGoesInMultiRowInserts) {
  auto db = LeaseDatabase::Create();
  ASSERT_TRUE(db.ok()) << db.status();
  constexpr int kLeases = 3 * static_cast<int>(sql::kMaxBulkInsertRows) + 8;
  SqlLeaseStoreOptions options;
  options.group_commit.committers = 1;
  // Right after a batch, the committer waits for kLeases changes (or a
  // minute) before taking the next: the burst below is one batch.
  options.group_commit.batching.fill = kLeases;
  options.group_commit.batching.linger = absl::Minutes(1);
  auto opened = (*db)->OpenStore(options);
  ASSERT_TRUE(opened.ok()) << opened.status();
  SqlLeaseStore& store = **opened;
  ASSERT_TRUE(store.Add(TestLease(5000, 5000)).ok());
  const GroupCommitStats before = store.group_commit_stats();

  std::vector<absl::Status> results(kLeases);
  OnThreadsAtOnce(kLeases, [&](int t) { results[t] = store.Add(TestLease(6000 + t, t)); });
  for (int t = 0; t < kLeases; ++t) EXPECT_TRUE(results[t].ok()) << t << ": " << results[t];

  const GroupCommitStats after = store.group_commit_stats();
  EXPECT_EQ(after.changes - before.changes, static_cast<uint64_t>(kLeases));
  EXPECT_EQ(after.transactions - before.transactions, 1u);
  EXPECT_EQ(after.statements - before.statements, 4u);  // 64 + 64 + 64 + 8 rows
  auto all = store.GetAll();
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->size(), static_cast<size_t>(kLeases) + 1);
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
