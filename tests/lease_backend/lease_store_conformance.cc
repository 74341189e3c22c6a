#include "tests/lease_backend/lease_store_conformance.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "tests/lease_backend/test_lease.h"

namespace shoal::lease_backend::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;

dhcp::Ipv4Address Addr(uint32_t host) { return dhcp::Ipv4Address((10u << 24) + host); }

std::vector<uint32_t> Hosts(const std::vector<Lease4>& leases) {
  std::vector<uint32_t> out;
  for (const Lease4& l : leases) out.push_back(l.address.value() - (10u << 24));
  return out;
}

std::vector<uint32_t> SortedHosts(const std::vector<Lease4>& leases) {
  auto out = Hosts(leases);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::string LeaseStoreFactoryName(const ::testing::TestParamInfo<LeaseStoreFactory>& info) {
  return info.param.name;
}

void LeaseStoreConformanceTest::SetUp() {
  auto store = GetParam().create();
  ASSERT_TRUE(store.ok()) << store.status();
  store_ = *std::move(store);
}

void LeaseStoreConformanceTest::TearDown() {
  store_.reset();
  if (GetParam().teardown) GetParam().teardown();
}

Lease4 LeaseStoreConformanceTest::MakeLease(uint32_t host, uint32_t n) {
  return TestLease(host, n);
}

TEST_P(LeaseStoreConformanceTest, AddThenGetReturnsEveryField) {
  Lease4 l = MakeLease(5, 5);
  l.fqdn_fwd = true;
  l.fqdn_rev = true;
  l.hostname = "host,with&commas.example.org";
  l.user_context = R"({"ISC":{"client-classes":["a","b"]},"note":"x,y&z"})";
  l.subnet_id = 42;
  ASSERT_TRUE(store_->Add(l).ok());
  auto got = store_->Get(l.address);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, l);
}

// Hardware addresses and client ids are bytes, not text: values that are not
// valid UTF-8 (0xff, a lone 0xc3, NUL) are stored and found exactly.
TEST_P(LeaseStoreConformanceTest, BinaryIdentifiersRoundTrip) {
  Lease4 l = MakeLease(6, 6);
  l.hwaddr = {0xff, 0x00, 0xc3, 0x28, 0x80, 0xfe};
  l.client_id = {0x00, 0xff, 0xc3, 0x00, 0xed, 0xa0, 0x80};
  ASSERT_TRUE(store_->Add(l).ok());
  EXPECT_EQ(**store_->Get(l.address), l);
  auto by_hw = store_->GetByHwAddress(l.hwaddr, 0);
  ASSERT_TRUE(by_hw.ok()) << by_hw.status();
  EXPECT_THAT(*by_hw, ElementsAre(l));
  auto by_id = store_->GetByClientId(l.client_id, 0);
  ASSERT_TRUE(by_id.ok()) << by_id.status();
  EXPECT_THAT(*by_id, ElementsAre(l));
}

TEST_P(LeaseStoreConformanceTest, GetMissingIsNullopt) {
  auto got = store_->Get(Addr(1));
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_FALSE(got->has_value());
}

TEST_P(LeaseStoreConformanceTest, AddTakenAddressIsAlreadyExists) {
  ASSERT_TRUE(store_->Add(MakeLease(1, 1)).ok());
  Lease4 other = MakeLease(1, 2);
  EXPECT_EQ(store_->Add(other).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(**store_->Get(Addr(1)), MakeLease(1, 1));
}

TEST_P(LeaseStoreConformanceTest, StatesAndInfiniteLifetimeRoundTrip) {
  Lease4 declined = MakeLease(1, 1);
  declined.state = LeaseState::kDeclined;
  declined.hwaddr.clear();
  declined.client_id.clear();
  Lease4 reclaimed = MakeLease(2, 2);
  reclaimed.state = LeaseState::kExpiredReclaimed;
  Lease4 infinite = MakeLease(3, 3);
  infinite.valid_lifetime = Lease4::kInfinite;
  for (const Lease4& l : {declined, reclaimed, infinite}) ASSERT_TRUE(store_->Add(l).ok());
  EXPECT_EQ(**store_->Get(declined.address), declined);
  EXPECT_EQ(**store_->Get(reclaimed.address), reclaimed);
  EXPECT_EQ(**store_->Get(infinite.address), infinite);
  EXPECT_EQ((*store_->Get(infinite.address))->expire(), infinite.cltt);
}

TEST_P(LeaseStoreConformanceTest, UpdateIsConditionalOnExpire) {
  Lease4 l = MakeLease(1, 1);
  ASSERT_TRUE(store_->Add(l).ok());
  Lease4 renewed = l;
  renewed.cltt += 100;
  renewed.hostname = "renewed";
  EXPECT_EQ(store_->Update(renewed, l.expire() + 1).code(), absl::StatusCode::kAborted);
  EXPECT_EQ(**store_->Get(l.address), l);
  ASSERT_TRUE(store_->Update(renewed, l.expire()).ok());
  EXPECT_EQ(**store_->Get(l.address), renewed);
  // The old expire no longer matches.
  EXPECT_EQ(store_->Update(l, l.expire()).code(), absl::StatusCode::kAborted);
  EXPECT_EQ(store_->Update(MakeLease(2, 2), 0).code(), absl::StatusCode::kNotFound);
}

TEST_P(LeaseStoreConformanceTest, DeleteIsConditionalOnExpire) {
  Lease4 l = MakeLease(1, 1);
  ASSERT_TRUE(store_->Add(l).ok());
  EXPECT_EQ(store_->Delete(l.address, l.expire() - 1).code(), absl::StatusCode::kAborted);
  EXPECT_TRUE(store_->Get(l.address)->has_value());
  ASSERT_TRUE(store_->Delete(l.address, l.expire()).ok());
  EXPECT_FALSE(store_->Get(l.address)->has_value());
  EXPECT_EQ(store_->Delete(l.address, l.expire()).code(), absl::StatusCode::kNotFound);
  // The address can be leased again.
  EXPECT_TRUE(store_->Add(MakeLease(1, 9)).ok());
}

TEST_P(LeaseStoreConformanceTest, GetByHwAddressFiltersBySubnet) {
  Lease4 a = MakeLease(1, 7);
  Lease4 b = MakeLease(2, 7);
  b.subnet_id = 2;
  Lease4 c = MakeLease(3, 8);
  for (const Lease4& l : {a, b, c}) ASSERT_TRUE(store_->Add(l).ok());
  EXPECT_THAT(SortedHosts(*store_->GetByHwAddress(a.hwaddr, 0)), ElementsAre(1, 2));
  EXPECT_THAT(Hosts(*store_->GetByHwAddress(a.hwaddr, 2)), ElementsAre(2));
  EXPECT_THAT(*store_->GetByHwAddress(a.hwaddr, 3), IsEmpty());
  std::vector<uint8_t> unknown = {1, 2, 3, 4, 5, 6};
  EXPECT_THAT(*store_->GetByHwAddress(unknown, 0), IsEmpty());
  // An update that changes the hardware address moves the lease.
  Lease4 moved = a;
  moved.hwaddr = c.hwaddr;
  ASSERT_TRUE(store_->Update(moved, a.expire()).ok());
  EXPECT_THAT(Hosts(*store_->GetByHwAddress(a.hwaddr, 0)), ElementsAre(2));
  EXPECT_THAT(SortedHosts(*store_->GetByHwAddress(c.hwaddr, 0)), ElementsAre(1, 3));
  ASSERT_TRUE(store_->Delete(c.address, c.expire()).ok());
  EXPECT_THAT(Hosts(*store_->GetByHwAddress(c.hwaddr, 0)), ElementsAre(1));
}

TEST_P(LeaseStoreConformanceTest, GetByClientIdFiltersBySubnet) {
  Lease4 a = MakeLease(1, 7);
  Lease4 b = MakeLease(2, 7);
  b.subnet_id = 2;
  Lease4 c = MakeLease(3, 8);
  c.client_id.clear();
  for (const Lease4& l : {a, b, c}) ASSERT_TRUE(store_->Add(l).ok());
  EXPECT_THAT(SortedHosts(*store_->GetByClientId(a.client_id, 0)), ElementsAre(1, 2));
  EXPECT_THAT(Hosts(*store_->GetByClientId(a.client_id, 1)), ElementsAre(1));
  Lease4 changed = b;
  changed.client_id = {0x01, 0xaa, 0xbb};
  ASSERT_TRUE(store_->Update(changed, b.expire()).ok());
  EXPECT_THAT(Hosts(*store_->GetByClientId(a.client_id, 0)), ElementsAre(1));
  EXPECT_THAT(Hosts(*store_->GetByClientId(changed.client_id, 0)), ElementsAre(2));
}

TEST_P(LeaseStoreConformanceTest, GetByHostname) {
  Lease4 a = MakeLease(1, 1);
  a.hostname = "printer.example.org";
  Lease4 b = MakeLease(2, 2);
  b.hostname = "printer.example.org";
  b.subnet_id = 3;
  Lease4 c = MakeLease(3, 3);
  c.hostname = "laptop.example.org";
  for (const Lease4& l : {a, b, c}) ASSERT_TRUE(store_->Add(l).ok());
  EXPECT_THAT(SortedHosts(*store_->GetByHostname("printer.example.org")), ElementsAre(1, 2));
  EXPECT_THAT(Hosts(*store_->GetByHostname("laptop.example.org")), ElementsAre(3));
  EXPECT_THAT(*store_->GetByHostname("nothing.example.org"), IsEmpty());
  Lease4 renamed = c;
  renamed.hostname = "printer.example.org";
  ASSERT_TRUE(store_->Update(renamed, c.expire()).ok());
  EXPECT_THAT(SortedHosts(*store_->GetByHostname("printer.example.org")), ElementsAre(1, 2, 3));
  EXPECT_THAT(*store_->GetByHostname("laptop.example.org"), IsEmpty());
}

TEST_P(LeaseStoreConformanceTest, GetBySubnetAndGetAll) {
  std::vector<uint32_t> all;
  for (uint32_t i = 1; i <= 9; ++i) {
    Lease4 l = MakeLease(i, i);
    l.subnet_id = i % 3 + 1;
    ASSERT_TRUE(store_->Add(l).ok());
    all.push_back(i);
  }
  EXPECT_THAT(SortedHosts(*store_->GetBySubnet(1)), ElementsAre(3, 6, 9));
  EXPECT_THAT(SortedHosts(*store_->GetBySubnet(2)), ElementsAre(1, 4, 7));
  EXPECT_THAT(*store_->GetBySubnet(77), IsEmpty());
  EXPECT_THAT(SortedHosts(*store_->GetAll()), UnorderedElementsAreArray(all));
  // Moving a lease to another subnet.
  Lease4 moved = **store_->Get(Addr(3));
  Lease4 updated = moved;
  updated.subnet_id = 77;
  ASSERT_TRUE(store_->Update(updated, moved.expire()).ok());
  EXPECT_THAT(SortedHosts(*store_->GetBySubnet(1)), ElementsAre(6, 9));
  EXPECT_THAT(Hosts(*store_->GetBySubnet(77)), ElementsAre(3));
}

TEST_P(LeaseStoreConformanceTest, GetPageWalksInAddressOrder) {
  // Added out of order, across a byte boundary.
  std::vector<uint32_t> hosts = {300, 7, 255, 256, 1, 1000, 42, 9, 65536, 2};
  for (uint32_t h : hosts) ASSERT_TRUE(store_->Add(MakeLease(h, h)).ok());
  std::vector<uint32_t> seen;
  dhcp::Ipv4Address after(0);
  int pages = 0;
  while (true) {
    auto page = store_->GetPage(after, 3);
    ASSERT_TRUE(page.ok()) << page.status();
    ASSERT_LE(page->size(), 3u);
    if (page->empty()) break;
    for (const Lease4& l : *page) seen.push_back(l.address.value() - (10u << 24));
    after = page->back().address;
    ASSERT_LT(++pages, 10);
  }
  std::sort(hosts.begin(), hosts.end());
  EXPECT_EQ(seen, hosts);
  EXPECT_EQ(pages, 4);
  EXPECT_THAT(Hosts(*store_->GetPage(Addr(256), 2)), ElementsAre(300, 1000));
  EXPECT_THAT(*store_->GetPage(Addr(65536), 5), IsEmpty());
}

TEST_P(LeaseStoreConformanceTest, GetRangeReturnsOnlyTheRangeInAddressOrder) {
  for (uint32_t h : {300u, 7u, 255u, 256u, 1u, 511u, 512u, 9u}) {
    ASSERT_TRUE(store_->Add(MakeLease(h, h)).ok());
  }
  EXPECT_THAT(Hosts(*store_->GetRange(Addr(256), Addr(511))), ElementsAre(256, 300, 511));
  EXPECT_THAT(Hosts(*store_->GetRange(Addr(0), Addr(255))), ElementsAre(1, 7, 9, 255));
  EXPECT_THAT(Hosts(*store_->GetRange(Addr(9), Addr(9))), ElementsAre(9));
  EXPECT_THAT(*store_->GetRange(Addr(10), Addr(254)), IsEmpty());
  EXPECT_THAT(*store_->GetRange(Addr(513), Addr(1000)), IsEmpty());
}

TEST_P(LeaseStoreConformanceTest, GetExpiredOldestFirstSkipsReclaimedAndInfinite) {
  auto at = [](uint32_t host, int64_t expire, LeaseState state) {
    Lease4 l = MakeLease(host, host);
    l.cltt = expire - l.valid_lifetime;
    l.state = state;
    return l;
  };
  ASSERT_TRUE(store_->Add(at(1, 1000, LeaseState::kDefault)).ok());
  ASSERT_TRUE(store_->Add(at(2, 500, LeaseState::kDefault)).ok());
  ASSERT_TRUE(store_->Add(at(3, 700, LeaseState::kDeclined)).ok());
  ASSERT_TRUE(store_->Add(at(4, 100, LeaseState::kExpiredReclaimed)).ok());
  ASSERT_TRUE(store_->Add(at(5, 5000, LeaseState::kDefault)).ok());
  Lease4 infinite = MakeLease(6, 6);
  infinite.valid_lifetime = Lease4::kInfinite;
  infinite.cltt = 10;
  ASSERT_TRUE(store_->Add(infinite).ok());

  EXPECT_THAT(Hosts(*store_->GetExpired(1000, 100)), ElementsAre(2, 3, 1));  // expire <= now
  EXPECT_THAT(Hosts(*store_->GetExpired(999, 100)), ElementsAre(2, 3));
  EXPECT_THAT(Hosts(*store_->GetExpired(1000, 2)), ElementsAre(2, 3));
  EXPECT_THAT(*store_->GetExpired(499, 100), IsEmpty());

  // Reclaiming (state 2) takes a lease out; renewing moves it later.
  Lease4 reclaimed = at(2, 500, LeaseState::kExpiredReclaimed);
  ASSERT_TRUE(store_->Update(reclaimed, 500).ok());
  Lease4 renewed = at(3, 9000, LeaseState::kDefault);
  ASSERT_TRUE(store_->Update(renewed, 700).ok());
  EXPECT_THAT(Hosts(*store_->GetExpired(6000, 100)), ElementsAre(1, 5));
}

TEST_P(LeaseStoreConformanceTest, DeleteReclaimedBeforeDeletesOnlyOldReclaimed) {
  auto at = [](uint32_t host, int64_t expire, LeaseState state) {
    Lease4 l = MakeLease(host, host);
    l.cltt = expire - l.valid_lifetime;
    l.state = state;
    return l;
  };
  ASSERT_TRUE(store_->Add(at(1, 100, LeaseState::kExpiredReclaimed)).ok());
  ASSERT_TRUE(store_->Add(at(2, 200, LeaseState::kExpiredReclaimed)).ok());
  ASSERT_TRUE(store_->Add(at(3, 300, LeaseState::kExpiredReclaimed)).ok());
  ASSERT_TRUE(store_->Add(at(4, 100, LeaseState::kDefault)).ok());
  ASSERT_TRUE(store_->Add(at(5, 100, LeaseState::kDeclined)).ok());
  auto n = store_->DeleteReclaimedBefore(300);  // strictly before
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 2u);
  EXPECT_THAT(SortedHosts(*store_->GetAll()), ElementsAre(3, 4, 5));
  EXPECT_EQ(*store_->DeleteReclaimedBefore(300), 0u);
}

TEST_P(LeaseStoreConformanceTest, WipeBySubnetAndAll) {
  for (uint32_t i = 1; i <= 6; ++i) {
    Lease4 l = MakeLease(i, i);
    l.subnet_id = i <= 4 ? 1 : 2;
    ASSERT_TRUE(store_->Add(l).ok());
  }
  EXPECT_EQ(*store_->Wipe(1), 4u);
  EXPECT_THAT(SortedHosts(*store_->GetAll()), ElementsAre(5, 6));
  EXPECT_THAT(*store_->GetByHwAddress(MakeLease(1, 1).hwaddr, 0), IsEmpty());
  EXPECT_EQ(*store_->Wipe(9), 0u);
  EXPECT_EQ(*store_->Wipe(0), 2u);
  EXPECT_THAT(*store_->GetAll(), IsEmpty());
  EXPECT_THAT(*store_->CountBySubnet(), IsEmpty());
  EXPECT_TRUE(store_->Add(MakeLease(1, 1)).ok());
}

TEST_P(LeaseStoreConformanceTest, CountBySubnetCountsAssignedAndDeclined) {
  auto add = [&](uint32_t host, uint32_t subnet, LeaseState state) {
    Lease4 l = MakeLease(host, host);
    l.subnet_id = subnet;
    l.state = state;
    ASSERT_TRUE(store_->Add(l).ok());
  };
  add(1, 1, LeaseState::kDefault);
  add(2, 1, LeaseState::kDefault);
  add(3, 1, LeaseState::kDeclined);
  add(4, 1, LeaseState::kExpiredReclaimed);
  add(5, 2, LeaseState::kDeclined);
  add(6, 3, LeaseState::kExpiredReclaimed);
  auto counts = store_->CountBySubnet();
  ASSERT_TRUE(counts.ok()) << counts.status();
  std::vector<std::tuple<uint32_t, uint64_t, uint64_t>> got;
  for (const auto& c : *counts) {
    if (c.assigned != 0 || c.declined != 0) got.emplace_back(c.subnet_id, c.assigned, c.declined);
  }
  std::sort(got.begin(), got.end());
  EXPECT_THAT(got, ElementsAre(std::make_tuple(1u, 2u, 1u), std::make_tuple(2u, 0u, 1u)));

  // Declining an assigned lease and reclaiming another.
  Lease4 l1 = **store_->Get(Addr(1));
  Lease4 declined = l1;
  declined.state = LeaseState::kDeclined;
  ASSERT_TRUE(store_->Update(declined, l1.expire()).ok());
  Lease4 l2 = **store_->Get(Addr(2));
  Lease4 reclaimed = l2;
  reclaimed.state = LeaseState::kExpiredReclaimed;
  ASSERT_TRUE(store_->Update(reclaimed, l2.expire()).ok());
  got.clear();
  auto counts_after = store_->CountBySubnet();
  ASSERT_TRUE(counts_after.ok()) << counts_after.status();
  for (const auto& c : *counts_after) {
    if (c.assigned != 0 || c.declined != 0) got.emplace_back(c.subnet_id, c.assigned, c.declined);
  }
  std::sort(got.begin(), got.end());
  EXPECT_THAT(got, ElementsAre(std::make_tuple(1u, 0u, 2u), std::make_tuple(2u, 0u, 1u)));
}

TEST_P(LeaseStoreConformanceTest, ConcurrentConditionalUpdatesExactlyOneWinsPerRound) {
  ASSERT_TRUE(store_->Add(MakeLease(1, 1)).ok());
  constexpr int kThreads = 4;
  constexpr int kRounds = 50;
  for (int round = 0; round < kRounds; ++round) {
    Lease4 current = **store_->Get(Addr(1));
    std::atomic<int> ok{0}, aborted{0}, other{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        Lease4 next = current;
        next.cltt += 1 + t;
        next.hostname = "t" + std::to_string(t);
        absl::Status s = store_->Update(next, current.expire());
        if (s.ok()) {
          ++ok;
        } else if (s.code() == absl::StatusCode::kAborted) {
          ++aborted;
        } else {
          ++other;
        }
      });
    }
    for (auto& th : threads) th.join();
    ASSERT_EQ(ok.load(), 1) << "round " << round;
    ASSERT_EQ(aborted.load(), kThreads - 1);
    ASSERT_EQ(other.load(), 0);
    Lease4 after = **store_->Get(Addr(1));
    int winner = after.hostname[1] - '0';
    EXPECT_EQ(after.cltt, current.cltt + 1 + winner);
  }
}

TEST_P(LeaseStoreConformanceTest, ConcurrentConditionalDeleteAndUpdate) {
  for (int round = 0; round < 50; ++round) {
    Lease4 l = MakeLease(1, round);
    ASSERT_TRUE(store_->Add(l).ok());
    absl::Status del, upd;
    Lease4 next = l;
    next.cltt += 10;
    std::thread a([&] { del = store_->Delete(l.address, l.expire()); });
    std::thread b([&] { upd = store_->Update(next, l.expire()); });
    a.join();
    b.join();
    // Exactly one wins; the loser sees Aborted (updated first) or NotFound (deleted first).
    ASSERT_NE(del.ok(), upd.ok()) << del << " / " << upd;
    auto got = *store_->Get(l.address);
    if (del.ok()) {
      EXPECT_EQ(upd.code(), absl::StatusCode::kNotFound);
      EXPECT_FALSE(got.has_value());
    } else {
      EXPECT_EQ(del.code(), absl::StatusCode::kAborted);
      ASSERT_TRUE(got.has_value());
      EXPECT_EQ(*got, next);
      ASSERT_TRUE(store_->Delete(l.address, next.expire()).ok());
    }
  }
}

TEST_P(LeaseStoreConformanceTest, ConcurrentAddOfOneAddressHasOneWinner) {
  for (int round = 0; round < 50; ++round) {
    std::atomic<int> ok{0}, exists{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        absl::Status s = store_->Add(MakeLease(100 + round, t));
        if (s.ok()) ++ok;
        if (s.code() == absl::StatusCode::kAlreadyExists) ++exists;
      });
    }
    for (auto& th : threads) th.join();
    ASSERT_EQ(ok.load(), 1);
    ASSERT_EQ(exists.load(), 3);
  }
  EXPECT_EQ(store_->GetAll()->size(), 50u);
}

TEST_P(LeaseStoreConformanceTest, ConcurrentWritersAndReaders) {
  constexpr uint32_t kThreads = 4;
  constexpr uint32_t kPerThread = 150;
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (uint32_t i = 0; i < kPerThread; ++i) {
        uint32_t host = 1 + t * 1000 + i;
        Lease4 l = MakeLease(host, host);
        l.subnet_id = t + 1;
        if (!store_->Add(l).ok()) failed = true;
        Lease4 renewed = l;
        renewed.cltt += 60;
        if (!store_->Update(renewed, l.expire()).ok()) failed = true;
        if (i % 3 == 0 && !store_->Delete(renewed.address, renewed.expire()).ok()) failed = true;
        auto got = store_->Get(l.address);
        if (!got.ok()) failed = true;
        if (!store_->GetByHwAddress(l.hwaddr, 0).ok()) failed = true;
      }
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; i < 50; ++i) {
      if (!store_->GetPage(dhcp::Ipv4Address(0), 50).ok()) failed = true;
      if (!store_->CountBySubnet().ok()) failed = true;
      if (!store_->GetExpired(2'000'000'000, 10).ok()) failed = true;
    }
  });
  for (auto& th : threads) th.join();
  ASSERT_FALSE(failed.load());
  auto all = store_->GetAll();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), kThreads * (kPerThread - kPerThread / 3));
  for (const Lease4& l : *all) EXPECT_EQ(l.cltt, 1'700'000'060);
  uint64_t assigned = 0;
  auto counts = store_->CountBySubnet();
  ASSERT_TRUE(counts.ok()) << counts.status();
  for (const auto& c : *counts) assigned += c.assigned;
  EXPECT_EQ(assigned, all->size());
  for (uint32_t t = 0; t < kThreads; ++t) {
    EXPECT_EQ(store_->GetBySubnet(t + 1)->size(), kPerThread - kPerThread / 3);
  }
}

TEST_P(LeaseStoreConformanceTest, FlushSucceeds) {
  ASSERT_TRUE(store_->Add(MakeLease(1, 1)).ok());
  EXPECT_TRUE(store_->Flush().ok());
}

}  // namespace shoal::lease_backend::testing
