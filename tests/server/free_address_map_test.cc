#include "server/free_address_map.h"

#include <gtest/gtest.h>

#include <set>

namespace shoal::server {
namespace {

using dhcp::Ipv4Address;

config::Subnet4 SubnetWithPool(const char* first, const char* last) {
  config::Subnet4 s;
  s.id = 1;
  s.prefix = *dhcp::Ipv4Prefix::Parse("10.0.0.0/8");
  s.pools.push_back({.first = *Ipv4Address::Parse(first), .last = *Ipv4Address::Parse(last)});
  return s;
}

TEST(FreeAddressMapTest, HandsOutEveryAddressOnceThenRunsOut) {
  config::Subnet4 subnet = SubnetWithPool("10.0.0.10", "10.0.0.209");  // 200, not a multiple of 64
  FreeAddressMap map(subnet);
  EXPECT_EQ(map.total(), 200u);
  std::set<uint32_t> seen;
  for (int i = 0; i < 200; ++i) {
    auto a = map.Take();
    ASSERT_TRUE(a.has_value()) << i;
    EXPECT_TRUE(map.InPool(*a));
    EXPECT_TRUE(seen.insert(a->value()).second) << a->ToString();
  }
  EXPECT_FALSE(map.Take().has_value());
  EXPECT_EQ(map.free(), 0u);
}

// A configuration change keeps a subnet's map only if its pools are the
// same ranges with the same guards.
TEST(FreeAddressMapTest, SameLayoutComparesRangesAndGuards) {
  config::Subnet4 subnet = SubnetWithPool("10.0.0.1", "10.0.0.100");
  FreeAddressMap map(subnet);
  config::Subnet4 same = SubnetWithPool("10.0.0.1", "10.0.0.100");
  same.valid_lifetime = 60;  // other parameters may change
  EXPECT_TRUE(map.SameLayout(same));
  EXPECT_FALSE(map.SameLayout(SubnetWithPool("10.0.0.1", "10.0.0.101")));
  config::Subnet4 guarded = SubnetWithPool("10.0.0.1", "10.0.0.100");
  guarded.pools[0].client_class = "phones";
  EXPECT_FALSE(map.SameLayout(guarded));
  config::Subnet4 two = SubnetWithPool("10.0.0.1", "10.0.0.100");
  two.pools.push_back({.first = *Ipv4Address::Parse("10.0.1.1"),
                       .last = *Ipv4Address::Parse("10.0.1.9")});
  EXPECT_FALSE(map.SameLayout(two));
}

TEST(FreeAddressMapTest, FindPoolLooksUpTheSubnetsOwnPools) {
  config::Subnet4 subnet = SubnetWithPool("10.0.0.10", "10.0.0.20");
  EXPECT_EQ(FindPool(subnet, *Ipv4Address::Parse("10.0.0.15")), &subnet.pools[0]);
  EXPECT_EQ(FindPool(subnet, *Ipv4Address::Parse("10.0.0.21")), nullptr);
}

TEST(FreeAddressMapTest, FreedAddressComesBackAfterTheCursorWraps) {
  config::Subnet4 subnet = SubnetWithPool("10.0.0.1", "10.0.0.3");
  FreeAddressMap map(subnet);
  auto a = map.Take();
  auto b = map.Take();
  auto c = map.Take();
  ASSERT_TRUE(a && b && c);
  map.MarkFree(*b);
  EXPECT_EQ(map.Take(), b);
  EXPECT_FALSE(map.Take().has_value());
}

TEST(FreeAddressMapTest, MarkUsedAndTryTake) {
  config::Subnet4 subnet = SubnetWithPool("10.0.0.1", "10.0.0.2");
  FreeAddressMap map(subnet);
  Ipv4Address first = *Ipv4Address::Parse("10.0.0.1");
  map.MarkUsed(first);
  EXPECT_FALSE(map.TryTake(first));
  EXPECT_EQ(map.Take(), Ipv4Address::Parse("10.0.0.2"));
  EXPECT_FALSE(map.TryTake(*Ipv4Address::Parse("10.0.0.99")));  // outside the pools
  map.MarkFree(first);
  map.MarkFree(first);  // twice is harmless
  EXPECT_EQ(map.free(), 1u);
  EXPECT_TRUE(map.TryTake(first));
}

TEST(FreeAddressMapTest, ClassRestrictedPoolsAreSkippedUnlessAllowed) {
  config::Subnet4 subnet = SubnetWithPool("10.0.0.1", "10.0.0.1");
  subnet.pools[0].client_class = "KNOWN";
  subnet.pools.push_back(
      {.first = *Ipv4Address::Parse("10.0.1.1"), .last = *Ipv4Address::Parse("10.0.1.1")});
  FreeAddressMap map(subnet);
  EXPECT_EQ(map.Take(), Ipv4Address::Parse("10.0.1.1"));
  EXPECT_FALSE(map.Take().has_value());
  EXPECT_EQ(map.Take([](const std::string& c) { return c == "KNOWN"; }),
            Ipv4Address::Parse("10.0.0.1"));
}

TEST(FreeAddressMapTest, LargePool) {
  config::Subnet4 subnet = SubnetWithPool("10.0.0.0", "10.15.255.255");  // 2^20 addresses
  FreeAddressMap map(subnet);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(map.Take().has_value());
  EXPECT_EQ(map.free(), (1u << 20) - 1000);
}

}  // namespace
}  // namespace shoal::server

namespace shoal::server {
namespace {

TEST(FreeAddressMapTest, SeedSpreadsTheStartButStillCoversThePool) {
  config::Subnet4 subnet = SubnetWithPool("10.0.0.0", "10.0.3.255");  // 1024 addresses
  FreeAddressMap a(subnet, 0);
  FreeAddressMap b(subnet, 517);
  EXPECT_EQ(a.Take(), Ipv4Address::Parse("10.0.0.0"));
  EXPECT_EQ(b.Take(), Ipv4Address(Ipv4Address::Parse("10.0.0.0")->value() + 517));
  std::set<uint32_t> seen;
  for (int i = 0; i < 1023; ++i) {
    auto address = b.Take();
    ASSERT_TRUE(address.has_value()) << i;
    seen.insert(address->value());
  }
  EXPECT_EQ(seen.size(), 1023u);
  EXPECT_FALSE(b.Take().has_value());
}

}  // namespace
}  // namespace shoal::server
