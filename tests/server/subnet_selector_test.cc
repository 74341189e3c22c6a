#include "server/subnet_selector.h"

#include <gtest/gtest.h>

namespace shoal::server {
namespace {

using dhcp::Ipv4Address;

Ipv4Address A(const char* text) { return *Ipv4Address::Parse(text); }

config::Subnet4 Subnet(uint32_t id, const char* prefix) {
  config::Subnet4 s;
  s.id = id;
  s.prefix = *dhcp::Ipv4Prefix::Parse(prefix);
  return s;
}

TEST(SubnetSelectorTest, RelayAddressWinsOverGiaddrPrefix) {
  config::Config c;
  c.subnets.push_back(Subnet(1, "192.0.2.0/24"));
  c.subnets.push_back(Subnet(2, "198.51.100.0/24"));
  c.subnets[1].relay_addresses.push_back(A("192.0.2.1"));
  SubnetSelector selector(c);
  EXPECT_EQ(selector.Select({.giaddr = A("192.0.2.1")})->id, 2u);
  EXPECT_EQ(selector.Select({.giaddr = A("192.0.2.7")})->id, 1u);
  EXPECT_EQ(selector.Select({.giaddr = A("203.0.113.1")}), nullptr);
}

TEST(SubnetSelectorTest, LongestPrefixMatch) {
  config::Config c;
  c.subnets.push_back(Subnet(1, "10.0.0.0/8"));
  c.subnets.push_back(Subnet(2, "10.1.0.0/16"));
  c.subnets.push_back(Subnet(3, "10.1.2.0/24"));
  SubnetSelector selector(c);
  EXPECT_EQ(selector.FindContaining(A("10.1.2.3"))->id, 3u);
  EXPECT_EQ(selector.FindContaining(A("10.1.3.3"))->id, 2u);
  EXPECT_EQ(selector.FindContaining(A("10.9.3.3"))->id, 1u);
  EXPECT_EQ(selector.FindContaining(A("11.0.0.1")), nullptr);
}

TEST(SubnetSelectorTest, DirectClientByInterfaceNameThenAddress) {
  config::Config c;
  c.subnets.push_back(Subnet(1, "192.0.2.0/24"));
  c.subnets.push_back(Subnet(2, "198.51.100.0/24"));
  c.subnets[1].interface = "eth1";
  SubnetSelector selector(c);
  EXPECT_EQ(selector.Select({.interface_name = "eth1"})->id, 2u);
  EXPECT_EQ(
      selector.Select({.interface_name = "eth0", .interface_addresses = {A("192.0.2.1")}})->id, 1u);
  EXPECT_EQ(selector.Select({.interface_name = "eth0"}), nullptr);
}

TEST(SubnetSelectorTest, CiaddrAndSubnetSelectionOption) {
  config::Config c;
  c.subnets.push_back(Subnet(1, "192.0.2.0/24"));
  c.subnets.push_back(Subnet(2, "198.51.100.0/24"));
  SubnetSelector selector(c);
  EXPECT_EQ(selector
                .Select({.ciaddr = A("198.51.100.9"),
                         .interface_name = "eth0",
                         .interface_addresses = {A("192.0.2.1")}})
                ->id,
            2u);
  EXPECT_EQ(selector.Select({.subnet_selection = A("198.51.100.0")})->id, 2u);
}

TEST(SubnetSelectorTest, SharedNetworkCandidatesStartWithSelected) {
  config::Config c;
  c.subnets.push_back(Subnet(1, "192.0.2.0/26"));
  c.subnets.push_back(Subnet(2, "192.0.2.64/26"));
  c.subnets.push_back(Subnet(3, "198.51.100.0/24"));
  c.shared_networks.push_back({.name = "net", .options = {}, .subnet_ids = {1, 2}});
  c.subnets[0].shared_network = 0;
  c.subnets[1].shared_network = 0;
  SubnetSelector selector(c);
  auto candidates = selector.Candidates(c.subnets[1]);
  ASSERT_EQ(candidates.size(), 2u);
  EXPECT_EQ(candidates[0]->id, 2u);
  EXPECT_EQ(candidates[1]->id, 1u);
  EXPECT_EQ(selector.Candidates(c.subnets[2]).size(), 1u);
}

TEST(SubnetSelectorTest, ThousandsOfSubnets) {
  config::Config c;
  for (uint32_t i = 0; i < 5000; ++i) {
    config::Subnet4 s;
    s.id = i + 1;
    s.prefix = dhcp::Ipv4Prefix{Ipv4Address(0x0a000000 + (i << 8)), 24};
    c.subnets.push_back(s);
  }
  SubnetSelector selector(c);
  for (uint32_t i = 0; i < 5000; i += 97) {
    const config::Subnet4* s = selector.Select({.giaddr = Ipv4Address(0x0a000001 + (i << 8))});
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->id, i + 1);
  }
}

}  // namespace
}  // namespace shoal::server
