// BlockClaimer against the real lease databases (SHOAL_TEST_DIALECT): nodes
// each with their own SqlLeaseStore, ServingContext (free-address maps) and
// BlockClaimer share one scratch database, as the nodes of a cluster do.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "server/block_claimer.h"
#include "server/serving_context.h"
#include "tests/lease_backend/sql_test_support.h"

namespace shoal::server {
namespace {

using dhcp::Ipv4Address;
using lease_backend::AddressBlock;
using lease_backend::Lease4;
using lease_backend::LeaseState;
using lease_backend::testing::LeaseDatabase;

// The `now` the tests allocate at (the leases' clock; claims use the
// database's).
constexpr int64_t kNow = 1'700'000'000;

Ipv4Address A(const char* text) { return *Ipv4Address::Parse(text); }

config::Pool MakePool(const char* first, const char* last) {
  config::Pool pool;
  pool.first = A(first);
  pool.last = A(last);
  return pool;
}

config::Subnet4 MakeSubnet(uint32_t id, const char* prefix, std::vector<config::Pool> pools) {
  config::Subnet4 s;
  s.id = id;
  s.prefix = *dhcp::Ipv4Prefix::Parse(prefix);
  s.pools = std::move(pools);
  return s;
}

// A lease of `address` in subnet 1 that expires at `expire`.
Lease4 LeaseAt(Ipv4Address address, int64_t expire, LeaseState state = LeaseState::kDefault) {
  Lease4 l;
  l.address = address;
  l.hwaddr = {0x02,
              0x00,
              uint8_t(address.value() >> 16),
              uint8_t(address.value() >> 8),
              uint8_t(address.value()),
              0x01};
  l.valid_lifetime = 3600;
  l.cltt = expire - 3600;
  l.subnet_id = 1;
  l.state = state;
  return l;
}

std::set<uint32_t> Range(Ipv4Address first, Ipv4Address last) {
  std::set<uint32_t> out;
  for (uint64_t a = first.value(); a <= last.value(); ++a) out.insert(static_cast<uint32_t>(a));
  return out;
}

TEST(BlockClaimerBlockOfTest, BlocksAreAlignedAndAboutASixteenthOfThePool) {
  // 241 addresses: blocks of 16, aligned to 16, clipped to the pool.
  const config::Pool small = MakePool("192.0.2.10", "192.0.2.250");
  AddressBlock b = BlockClaimer::BlockOf(small, 7, A("192.0.2.10"));
  EXPECT_EQ(b.first, A("192.0.2.10"));
  EXPECT_EQ(b.last, A("192.0.2.15"));
  EXPECT_EQ(b.subnet_id, 7u);
  b = BlockClaimer::BlockOf(small, 7, A("192.0.2.100"));
  EXPECT_EQ(b.first, A("192.0.2.96"));
  EXPECT_EQ(b.last, A("192.0.2.111"));
  b = BlockClaimer::BlockOf(small, 7, A("192.0.2.250"));
  EXPECT_EQ(b.first, A("192.0.2.240"));
  EXPECT_EQ(b.last, A("192.0.2.250"));
  std::set<uint32_t> firsts;
  for (uint32_t a = small.first.value(); a <= small.last.value(); ++a) {
    b = BlockClaimer::BlockOf(small, 7, Ipv4Address(a));
    ASSERT_LE(b.first.value(), a);
    ASSERT_GE(b.last.value(), a);
    ASSERT_EQ(b.first.value(), std::max(a & ~15u, small.first.value()))
        << Ipv4Address(a).ToString();
    ASSERT_EQ(b.last.value(), std::min(a | 15u, small.last.value())) << Ipv4Address(a).ToString();
    firsts.insert(b.first.value());
  }
  EXPECT_EQ(firsts.size(), 16u);

  // 2^24 addresses: blocks of 1024 (the largest), aligned to 1024.
  const config::Pool huge = MakePool("10.0.0.0", "10.255.255.255");
  b = BlockClaimer::BlockOf(huge, 1, A("10.1.2.3"));
  EXPECT_EQ(b.first, A("10.1.0.0"));
  EXPECT_EQ(b.last, A("10.1.3.255"));
  b = BlockClaimer::BlockOf(huge, 1, A("10.255.255.255"));
  EXPECT_EQ(b.first, A("10.255.252.0"));
  EXPECT_EQ(b.last, A("10.255.255.255"));
  // 16M addresses not aligned to the block size: clipped at both ends.
  const config::Pool odd = MakePool("10.0.0.5", "10.255.255.250");
  b = BlockClaimer::BlockOf(odd, 1, A("10.0.0.6"));
  EXPECT_EQ(b.first, A("10.0.0.5"));
  EXPECT_EQ(b.last, A("10.0.3.255"));
  b = BlockClaimer::BlockOf(odd, 1, A("10.128.7.1"));
  EXPECT_EQ(b.first, A("10.128.4.0"));
  EXPECT_EQ(b.last, A("10.128.7.255"));

  // Between: 4096 addresses make blocks of 256; 8 addresses one block of them all.
  b = BlockClaimer::BlockOf(MakePool("10.0.0.0", "10.0.15.255"), 1, A("10.0.9.9"));
  EXPECT_EQ(b.first, A("10.0.9.0"));
  EXPECT_EQ(b.last, A("10.0.9.255"));
  b = BlockClaimer::BlockOf(MakePool("10.0.0.20", "10.0.0.27"), 1, A("10.0.0.22"));
  EXPECT_EQ(b.first, A("10.0.0.20"));
  EXPECT_EQ(b.last, A("10.0.0.27"));
}

// A lease store that runs a hook before GetRange (the read ClaimMore makes
// of a block it just claimed) and otherwise is the SQL store.
class HookedStore final : public lease_backend::LeaseStore {
 public:
  explicit HookedStore(std::shared_ptr<lease_backend::LeaseStore> inner)
      : inner_(std::move(inner)) {}
  std::function<void()> before_get_range;

  absl::Status Add(const Lease4& l) override { return inner_->Add(l); }
  absl::Status Update(const Lease4& l, int64_t e) override { return inner_->Update(l, e); }
  absl::Status Delete(Ipv4Address a, int64_t e) override { return inner_->Delete(a, e); }
  absl::StatusOr<std::optional<Lease4>> Get(Ipv4Address a) override { return inner_->Get(a); }
  absl::StatusOr<std::vector<Lease4>> GetByHwAddress(std::span<const uint8_t> k,
                                                     uint32_t s) override {
    return inner_->GetByHwAddress(k, s);
  }
  absl::StatusOr<std::vector<Lease4>> GetByClientId(std::span<const uint8_t> k,
                                                    uint32_t s) override {
    return inner_->GetByClientId(k, s);
  }
  absl::StatusOr<std::vector<Lease4>> GetByHostname(std::string_view h) override {
    return inner_->GetByHostname(h);
  }
  absl::StatusOr<std::vector<Lease4>> GetBySubnet(uint32_t s) override {
    return inner_->GetBySubnet(s);
  }
  absl::StatusOr<std::vector<Lease4>> GetAll() override { return inner_->GetAll(); }
  absl::StatusOr<std::vector<Lease4>> GetPage(Ipv4Address after, size_t limit) override {
    return inner_->GetPage(after, limit);
  }
  absl::StatusOr<std::vector<Lease4>> GetRange(Ipv4Address first, Ipv4Address last) override {
    if (before_get_range) before_get_range();
    return inner_->GetRange(first, last);
  }
  absl::StatusOr<std::vector<Lease4>> GetExpired(int64_t now, size_t limit) override {
    return inner_->GetExpired(now, limit);
  }
  absl::StatusOr<uint64_t> DeleteReclaimedBefore(int64_t b) override {
    return inner_->DeleteReclaimedBefore(b);
  }
  absl::StatusOr<uint64_t> Wipe(uint32_t s) override { return inner_->Wipe(s); }
  absl::StatusOr<std::vector<lease_backend::SubnetLeaseCount>> CountBySubnet() override {
    return inner_->CountBySubnet();
  }
  absl::Status Flush() override { return inner_->Flush(); }
  absl::Status CheckHealth() override { return inner_->CheckHealth(); }
  lease_backend::AddressBlockClaims* block_claims() override { return inner_->block_claims(); }

 private:
  std::shared_ptr<lease_backend::LeaseStore> inner_;
};

// One node of the cluster.
struct Node {
  std::shared_ptr<lease_backend::LeaseStore> store;
  std::shared_ptr<BlockClaimer> claimer;
  std::shared_ptr<ServingContext> context;

  const config::Subnet4& subnet() const { return context->config().subnets.front(); }
  FreeAddressMap& map() const { return *context->free_map(subnet().id); }
  std::optional<BlockClaimer::Pick> Take() const {
    return claimer->Take(subnet(), map(), [](const std::string&) { return false; });
  }
  // Takes addresses until its held blocks have none left.
  std::vector<BlockClaimer::Pick> TakeAll() const {
    std::vector<BlockClaimer::Pick> picks;
    while (auto pick = Take()) picks.push_back(*pick);
    return picks;
  }
  absl::StatusOr<bool> ClaimMore() const { return claimer->ClaimMore(subnet(), *context, kNow); }
};

std::vector<uint32_t> AddressesOf(const std::vector<BlockClaimer::Pick>& picks) {
  std::vector<uint32_t> out;
  for (const BlockClaimer::Pick& p : picks) out.push_back(p.address.value());
  return out;
}

class BlockClaimerSqlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = LeaseDatabase::Create();
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
  }

  // Claims that last a minute; Maintain renews on every call.
  static BlockClaimerOptions Options() {
    return BlockClaimerOptions{.claim_seconds = 60, .renew_seconds = 0, .margin_seconds = 10};
  }

  // A node serving `subnet` on the test database, under `owner`. The
  // context reads the leases the database holds now.
  Node MakeNode(const std::string& owner, const config::Subnet4& subnet,
                BlockClaimerOptions options = Options(),
                std::shared_ptr<HookedStore>* hooked = nullptr,
                BlockClaimer::Background background = [](std::function<void()> task) {
                  task();  // top-ups at once, in the caller
                }) {
    Node node;
    auto opened = db_->OpenStore();
    EXPECT_TRUE(opened.ok()) << opened.status();
    if (!opened.ok()) return node;
    node.store = std::shared_ptr<lease_backend::LeaseStore>(*std::move(opened));
    if (hooked != nullptr) {
      *hooked = std::make_shared<HookedStore>(node.store);
      node.store = *hooked;
    }
    node.claimer = std::make_shared<BlockClaimer>(node.store, owner, options, background);
    config::Config config;
    config.subnets.push_back(subnet);
    auto context =
        ServingContext::Create(std::make_shared<const config::Config>(config), node.store,
                               /*allocation_seed=*/owner.size(), nullptr, node.claimer);
    EXPECT_TRUE(context.ok()) << context.status();
    if (context.ok()) node.context = *context;
    return node;
  }

  // lease4_block_claim: first address -> owner.
  std::map<uint32_t, std::string> Claims() const {
    std::map<uint32_t, std::string> out;
    auto c = db_->scratch().Connect();
    if (!c.ok()) {
      ADD_FAILURE() << c.status();
      return out;
    }
    auto r = (*c)->Query(db::Statement("SELECT first_address, owner FROM lease4_block_claim"));
    if (!r.ok()) {
      ADD_FAILURE() << r.status();
      return out;
    }
    for (const db::Row& row : r->rows) out[static_cast<uint32_t>(*row.Int64(0))] = row.StringOr(1);
    return out;
  }

  // lease4_block_claim: first address -> last address.
  std::map<uint32_t, uint32_t> ClaimedRanges() const {
    std::map<uint32_t, uint32_t> out;
    auto c = db_->scratch().Connect();
    if (!c.ok()) {
      ADD_FAILURE() << c.status();
      return out;
    }
    auto r =
        (*c)->Query(db::Statement("SELECT first_address, last_address FROM lease4_block_claim"));
    if (!r.ok()) {
      ADD_FAILURE() << r.status();
      return out;
    }
    for (const db::Row& row : r->rows) {
      out[static_cast<uint32_t>(*row.Int64(0))] = static_cast<uint32_t>(*row.Int64(1));
    }
    return out;
  }

  void AddLease(const Lease4& lease) {
    auto store = db_->OpenStore();
    ASSERT_TRUE(store.ok()) << store.status();
    absl::Status s = (*store)->Add(lease);
    ASSERT_TRUE(s.ok()) << s;
  }

  std::unique_ptr<LeaseDatabase> db_;
};

// Two nodes take turns: use up their blocks, claim another. They claim
// different blocks, hand out only addresses of blocks they hold, and
// between them hand out every address of the pool exactly once, although
// neither writes a lease (their maps know nothing of each other).
TEST_F(BlockClaimerSqlTest, TwoNodesClaimDisjointBlocksAndHandOutEachAddressOnce) {
  const config::Subnet4 subnet =
      MakeSubnet(1, "192.0.2.0/24", {MakePool("192.0.2.10", "192.0.2.250")});
  Node a = MakeNode("node-a", subnet);
  Node b = MakeNode("node-b", subnet);
  ASSERT_TRUE(a.context && b.context);

  // Nothing claimed: nothing to take.
  EXPECT_FALSE(a.Take().has_value());
  auto first_a = a.ClaimMore();
  ASSERT_TRUE(first_a.ok()) << first_a.status();
  EXPECT_TRUE(*first_a);
  auto first_b = b.ClaimMore();
  ASSERT_TRUE(first_b.ok()) << first_b.status();
  EXPECT_TRUE(*first_b);
  EXPECT_EQ(a.claimer->held_blocks(), 1u);
  EXPECT_EQ(b.claimer->held_blocks(), 1u);
  std::map<uint32_t, std::string> claims = Claims();
  ASSERT_EQ(claims.size(), 2u);
  std::set<std::string> owners;
  for (const auto& [first, owner] : claims) owners.insert(owner);
  EXPECT_EQ(owners, (std::set<std::string>{"node-a", "node-b"}));

  std::map<uint32_t, std::string> taken_by;  // address -> owner
  for (int round = 0; round < 40; ++round) {
    for (Node* node : {&a, &b}) {
      for (const BlockClaimer::Pick& pick : node->TakeAll()) {
        EXPECT_FALSE(pick.row_expire.has_value()) << pick.address.ToString();
        auto [it, fresh] = taken_by.emplace(pick.address.value(), node->claimer->owner());
        EXPECT_TRUE(fresh) << pick.address.ToString() << " handed out by " << it->second << " and "
                           << node->claimer->owner();
      }
      auto more = node->ClaimMore();
      ASSERT_TRUE(more.ok()) << more.status();
    }
  }
  // Every block of the pool is claimed now, each by one node, and every
  // address was handed out once, by the node holding its block.
  claims = Claims();
  EXPECT_EQ(claims.size(), 16u);
  EXPECT_EQ(a.claimer->held_blocks() + b.claimer->held_blocks(), 16u);
  EXPECT_GE(a.claimer->held_blocks(), 1u);
  EXPECT_GE(b.claimer->held_blocks(), 1u);
  std::set<uint32_t> handed_out;
  for (const auto& [address, owner] : taken_by) {
    handed_out.insert(address);
    const AddressBlock block =
        BlockClaimer::BlockOf(subnet.pools.front(), subnet.id, Ipv4Address(address));
    auto claim = claims.find(block.first.value());
    ASSERT_NE(claim, claims.end()) << Ipv4Address(address).ToString() << " is in no claimed block";
    EXPECT_EQ(claim->second, owner) << Ipv4Address(address).ToString();
  }
  EXPECT_EQ(handed_out, Range(A("192.0.2.10"), A("192.0.2.250")));
  // Nothing is left to claim.
  EXPECT_FALSE(*a.ClaimMore());
  EXPECT_FALSE(*b.ClaimMore());
}

// A huge pool is claimed in blocks of 1024.
TEST_F(BlockClaimerSqlTest, HugePoolIsClaimedIn1024AddressBlocks) {
  const config::Subnet4 subnet =
      MakeSubnet(1, "10.0.0.0/8", {MakePool("10.0.0.1", "10.255.255.254")});
  Node a = MakeNode("node-a", subnet);
  Node b = MakeNode("node-b", subnet);
  ASSERT_TRUE(a.context && b.context);
  ASSERT_TRUE(*a.ClaimMore());
  ASSERT_TRUE(*b.ClaimMore());
  std::map<uint32_t, std::string> claims = Claims();
  ASSERT_EQ(claims.size(), 2u);
  const config::Pool& pool = subnet.pools.front();
  for (const auto& [first, last] : ClaimedRanges()) {
    // 1024 addresses aligned to 1024, clipped to the pool.
    const uint32_t aligned = first & ~1023u;
    EXPECT_EQ(first, std::max(aligned, pool.first.value()));
    EXPECT_EQ(last, std::min(aligned + 1023, pool.last.value()));
    const AddressBlock block = BlockClaimer::BlockOf(pool, subnet.id, Ipv4Address(first));
    EXPECT_EQ(block.first.value(), first);
    EXPECT_EQ(block.last.value(), last);
  }
  const std::optional<BlockClaimer::Pick> pa = a.Take();
  const std::optional<BlockClaimer::Pick> pb = b.Take();
  ASSERT_TRUE(pa && pb);
  EXPECT_NE(BlockClaimer::BlockOf(subnet.pools.front(), 1, pa->address).first,
            BlockClaimer::BlockOf(subnet.pools.front(), 1, pb->address).first);
  EXPECT_EQ(claims[BlockClaimer::BlockOf(subnet.pools.front(), 1, pa->address).first.value()],
            "node-a");
  EXPECT_EQ(claims[BlockClaimer::BlockOf(subnet.pools.front(), 1, pb->address).first.value()],
            "node-b");
}

// The leases a block already has when it is claimed: active ones (written
// by another node after this node read its leases) are never handed out;
// expired and reclaimed rows are, with the expire the row has, so taking
// them can update the row without reading it; a reserved address is not.
TEST_F(BlockClaimerSqlTest, ClaimedBlockKnowsItsLeases) {
  config::Subnet4 subnet = MakeSubnet(1, "192.0.2.0/24", {MakePool("192.0.2.16", "192.0.2.31")});
  config::Reservation reserved;
  reserved.identifier = {0x02, 0xee, 0xee, 0xee, 0xee, 0xee};
  reserved.address = A("192.0.2.23");
  subnet.reservations.push_back(reserved);
  // Before the node starts: an expired lease (its context marks it used,
  // as for any lease not reclaimed) and a reclaimed one.
  const Lease4 expired_early = LeaseAt(A("192.0.2.18"), kNow - 100);
  const Lease4 reclaimed = LeaseAt(A("192.0.2.19"), kNow - 50, LeaseState::kExpiredReclaimed);
  AddLease(expired_early);
  AddLease(reclaimed);
  Node a = MakeNode("node-a", subnet);
  ASSERT_TRUE(a.context);
  // After it started, other nodes leased two addresses (one declined) and
  // one lease there expired.
  const Lease4 active = LeaseAt(A("192.0.2.20"), kNow + 1000);
  const Lease4 declined = LeaseAt(A("192.0.2.21"), kNow + 1000, LeaseState::kDeclined);
  const Lease4 expired_late = LeaseAt(A("192.0.2.22"), kNow - 1);
  AddLease(active);
  AddLease(declined);
  AddLease(expired_late);

  auto claimed = a.ClaimMore();
  ASSERT_TRUE(claimed.ok()) << claimed.status();
  ASSERT_TRUE(*claimed);
  std::map<uint32_t, std::optional<int64_t>> picks;
  for (const BlockClaimer::Pick& p : a.TakeAll()) {
    EXPECT_TRUE(picks.emplace(p.address.value(), p.row_expire).second) << p.address.ToString();
  }
  std::set<uint32_t> want = Range(A("192.0.2.16"), A("192.0.2.31"));
  for (const char* used : {"192.0.2.20", "192.0.2.21", "192.0.2.23"}) want.erase(A(used).value());
  std::set<uint32_t> got;
  for (const auto& [address, row_expire] : picks) got.insert(address);
  EXPECT_EQ(got, want);
  for (const auto& [address, row_expire] : picks) {
    std::optional<int64_t> expected;
    if (address == expired_early.address.value()) expected = expired_early.expire();
    if (address == reclaimed.address.value()) expected = reclaimed.expire();
    if (address == expired_late.address.value()) expected = expired_late.expire();
    EXPECT_EQ(row_expire, expected) << Ipv4Address(address).ToString();
  }
  EXPECT_EQ(a.map().FreeInRange(A("192.0.2.16"), A("192.0.2.31")), 0u);
}

// A node gives its blocks up when it stops: another node can claim them.
TEST_F(BlockClaimerSqlTest, ReleaseAllLetsAnotherNodeClaim) {
  const config::Subnet4 subnet =
      MakeSubnet(1, "192.0.2.0/24", {MakePool("192.0.2.16", "192.0.2.31")});
  Node a = MakeNode("node-a", subnet);
  Node b = MakeNode("node-b", subnet);
  Node c = MakeNode("node-c", subnet);
  ASSERT_TRUE(a.context && b.context && c.context);
  ASSERT_TRUE(*a.ClaimMore());
  // The only block is A's: C gets none.
  auto refused = c.ClaimMore();
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_FALSE(*refused);
  EXPECT_FALSE(c.Take().has_value());
  EXPECT_EQ(Claims(), (std::map<uint32_t, std::string>{{A("192.0.2.16").value(), "node-a"}}));

  ASSERT_TRUE(a.claimer->ReleaseAll().ok());
  EXPECT_EQ(a.claimer->held_blocks(), 0u);
  EXPECT_FALSE(a.Take().has_value());
  EXPECT_THAT(Claims(), ::testing::IsEmpty());
  auto claimed = b.ClaimMore();
  ASSERT_TRUE(claimed.ok()) << claimed.status();
  EXPECT_TRUE(*claimed);
  EXPECT_EQ(Claims(), (std::map<uint32_t, std::string>{{A("192.0.2.16").value(), "node-b"}}));
  std::vector<uint32_t> taken = AddressesOf(b.TakeAll());
  EXPECT_EQ(std::set<uint32_t>(taken.begin(), taken.end()),
            Range(A("192.0.2.16"), A("192.0.2.31")));
  EXPECT_EQ(taken.size(), 16u);
}

// Maintain gives up a block with no free address left and renews the
// others; another node can then claim the full block and hand out what
// became free there since.
TEST_F(BlockClaimerSqlTest, MaintainGivesUpFullBlocks) {
  const config::Subnet4 subnet =
      MakeSubnet(1, "192.0.2.0/24", {MakePool("192.0.2.16", "192.0.2.47")});
  Node a = MakeNode("node-a", subnet);
  Node b = MakeNode("node-b", subnet);
  ASSERT_TRUE(a.context && b.context);

  // A uses up its first block, leasing every address, and claims the other.
  ASSERT_TRUE(*a.ClaimMore());
  std::vector<BlockClaimer::Pick> full = a.TakeAll();
  ASSERT_EQ(full.size(), 16u);
  const AddressBlock full_block =
      BlockClaimer::BlockOf(subnet.pools.front(), subnet.id, full.front().address);
  std::vector<Lease4> leases;
  for (const BlockClaimer::Pick& p : full) {
    leases.push_back(LeaseAt(p.address, kNow + 3600));
    ASSERT_TRUE(a.store->Add(leases.back()).ok());
  }
  ASSERT_TRUE(*a.ClaimMore());
  EXPECT_EQ(a.claimer->held_blocks(), 2u);
  const std::optional<BlockClaimer::Pick> in_other = a.Take();
  ASSERT_TRUE(in_other.has_value());
  const AddressBlock other_block =
      BlockClaimer::BlockOf(subnet.pools.front(), subnet.id, in_other->address);
  ASSERT_NE(other_block.first, full_block.first);
  EXPECT_EQ(Claims().size(), 2u);

  ASSERT_TRUE(a.claimer->Maintain(*a.context).ok());
  EXPECT_EQ(a.claimer->held_blocks(), 1u);
  EXPECT_EQ(Claims(), (std::map<uint32_t, std::string>{{other_block.first.value(), "node-a"}}));
  // A keeps handing out addresses of the block it still holds.
  const std::optional<BlockClaimer::Pick> next = a.Take();
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(BlockClaimer::BlockOf(subnet.pools.front(), subnet.id, next->address).first,
            other_block.first);

  // Two of the full block's clients are gone: one lease deleted, one reclaimed.
  const Lease4& deleted = leases[3];
  Lease4 reclaimed = leases[9];
  ASSERT_TRUE(a.store->Delete(deleted.address, deleted.expire()).ok());
  reclaimed.state = LeaseState::kExpiredReclaimed;
  reclaimed.cltt = kNow - 3700;
  ASSERT_TRUE(a.store->Update(reclaimed, leases[9].expire()).ok());

  // B claims the block A gave up (its other block is A's) and hands out
  // exactly those two addresses.
  auto claimed = b.ClaimMore();
  ASSERT_TRUE(claimed.ok()) << claimed.status();
  EXPECT_TRUE(*claimed);
  EXPECT_EQ(Claims(), (std::map<uint32_t, std::string>{{other_block.first.value(), "node-a"},
                                                       {full_block.first.value(), "node-b"}}));
  std::map<uint32_t, std::optional<int64_t>> picks;
  for (const BlockClaimer::Pick& p : b.TakeAll()) picks[p.address.value()] = p.row_expire;
  EXPECT_EQ(picks, (std::map<uint32_t, std::optional<int64_t>>{
                       {deleted.address.value(), std::nullopt},
                       {reclaimed.address.value(), reclaimed.expire()}}));

  // Maintain renews what still has free addresses and gives up the rest.
  ASSERT_TRUE(b.claimer->Maintain(*b.context).ok());
  ASSERT_TRUE(a.claimer->Maintain(*a.context).ok());
  EXPECT_EQ(a.claimer->held_blocks(), 1u);
  EXPECT_EQ(b.claimer->held_blocks(), 0u);
  EXPECT_EQ(Claims(), (std::map<uint32_t, std::string>{{other_block.first.value(), "node-a"}}));
}

// A claim that lapsed (not renewed in time) is not used any more; another
// node takes the block over, and the old owner's Maintain forgets it.
TEST_F(BlockClaimerSqlTest, LapsedClaimIsTakenOverAndForgotten) {
  const config::Subnet4 subnet =
      MakeSubnet(1, "192.0.2.0/24", {MakePool("192.0.2.16", "192.0.2.31")});
  Node a =
      MakeNode("node-a", subnet,
               BlockClaimerOptions{.claim_seconds = 1, .renew_seconds = 0, .margin_seconds = 0});
  Node b = MakeNode("node-b", subnet);
  ASSERT_TRUE(a.context && b.context);
  ASSERT_TRUE(*a.ClaimMore());
  absl::SleepFor(absl::Milliseconds(2500));
  EXPECT_FALSE(a.Take().has_value());  // past its claim's lifetime
  auto claimed = b.ClaimMore();
  ASSERT_TRUE(claimed.ok()) << claimed.status();
  EXPECT_TRUE(*claimed);
  EXPECT_EQ(Claims(), (std::map<uint32_t, std::string>{{A("192.0.2.16").value(), "node-b"}}));
  EXPECT_EQ(a.claimer->held_blocks(), 1u);
  ASSERT_TRUE(a.claimer->Maintain(*a.context).ok());
  EXPECT_EQ(a.claimer->held_blocks(), 0u);
  EXPECT_FALSE(a.Take().has_value());
  // The node that took the block over keeps it.
  EXPECT_EQ(Claims(), (std::map<uint32_t, std::string>{{A("192.0.2.16").value(), "node-b"}}));
  EXPECT_EQ(b.TakeAll().size(), 16u);
}

// Maintain running while ClaimMore has claimed a block but not yet loaded
// it (the maintenance thread and a packet worker at once) must neither give
// the fresh claim up nor forget it.
TEST_F(BlockClaimerSqlTest, MaintainDuringClaimMoreKeepsTheNewClaim) {
  const config::Subnet4 subnet =
      MakeSubnet(1, "192.0.2.0/24", {MakePool("192.0.2.16", "192.0.2.31")});
  std::shared_ptr<HookedStore> hooked;
  Node a = MakeNode("node-a", subnet, Options(), &hooked);
  Node b = MakeNode("node-b", subnet);
  ASSERT_TRUE(a.context && b.context);
  std::thread maintainer;
  absl::Notification maintained;
  absl::Status maintain_status;
  bool fired = false;  // only the test's thread runs ClaimMore
  hooked->before_get_range = [&] {
    if (fired) return;
    fired = true;
    maintainer = std::thread([&] {
      maintain_status = a.claimer->Maintain(*a.context);
      maintained.Notify();
    });
    // Lets Maintain run now if it can; it may also wait for ClaimMore.
    maintained.WaitForNotificationWithTimeout(absl::Seconds(1));
  };
  auto claimed = a.ClaimMore();
  ASSERT_TRUE(claimed.ok()) << claimed.status();
  EXPECT_TRUE(*claimed);
  ASSERT_TRUE(maintainer.joinable());
  maintainer.join();
  EXPECT_TRUE(maintain_status.ok()) << maintain_status;
  EXPECT_EQ(a.claimer->held_blocks(), 1u);
  EXPECT_EQ(Claims(), (std::map<uint32_t, std::string>{{A("192.0.2.16").value(), "node-a"}}));
  EXPECT_FALSE(*b.ClaimMore());
  EXPECT_EQ(a.TakeAll().size(), 16u);
}

// A subnet running low asks for one more block in the background: the
// caller claims nothing itself, a second TopUp while one is queued adds no
// task, the task claims the block; a task left over after ReleaseAll, or
// after its context is gone, claims nothing.
TEST_F(BlockClaimerSqlTest, TopUpClaimsInTheBackgroundOncePerSubnet) {
  const config::Subnet4 subnet =
      MakeSubnet(1, "192.0.2.0/24", {MakePool("192.0.2.10", "192.0.2.250")});
  std::vector<std::function<void()>> tasks;
  Node a = MakeNode("node-a", subnet, Options(), nullptr,
                    [&tasks](std::function<void()> task) { tasks.push_back(std::move(task)); });
  ASSERT_TRUE(a.context);
  ASSERT_TRUE(*a.ClaimMore());
  ASSERT_EQ(a.claimer->held_blocks(), 1u);

  std::optional<BlockClaimer::Pick> pick;
  do {
    pick = a.Take();
    ASSERT_TRUE(pick.has_value()) << "the block ran out without running low";
  } while (!pick->running_low);
  a.claimer->TopUp(a.subnet(), *a.context, kNow);
  a.claimer->TopUp(a.subnet(), *a.context, kNow);
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(a.claimer->held_blocks(), 1u);
  EXPECT_EQ(Claims().size(), 1u);

  tasks[0]();
  EXPECT_EQ(a.claimer->held_blocks(), 2u);
  EXPECT_EQ(Claims().size(), 2u);

  // The subnet may ask again once its top-up ran.
  a.claimer->TopUp(a.subnet(), *a.context, kNow);
  ASSERT_EQ(tasks.size(), 2u);
  ASSERT_TRUE(a.claimer->ReleaseAll().ok());
  tasks[1]();
  EXPECT_EQ(a.claimer->held_blocks(), 0u);
  EXPECT_TRUE(Claims().empty());

  Node b = MakeNode("node-b", subnet, Options(), nullptr,
                    [&tasks](std::function<void()> task) { tasks.push_back(std::move(task)); });
  ASSERT_TRUE(b.context);
  b.claimer->TopUp(b.subnet(), *b.context, kNow);
  ASSERT_EQ(tasks.size(), 3u);
  b.context.reset();
  tasks[2]();
  EXPECT_EQ(b.claimer->held_blocks(), 0u);
  EXPECT_TRUE(Claims().empty());
}

}  // namespace
}  // namespace shoal::server
