#include "dhcp/ipv4_address.h"

#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "gtest/gtest.h"

namespace shoal::dhcp {
namespace {

TEST(Ipv4AddressTest, ParsesDottedQuad) {
  auto a = Ipv4Address::Parse("192.0.2.1");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->value(), 0xC0000201u);
  EXPECT_EQ(a->ToString(), "192.0.2.1");
  EXPECT_EQ(Ipv4Address::Parse("0.0.0.0")->value(), 0u);
  EXPECT_TRUE(Ipv4Address::Parse("0.0.0.0")->IsZero());
  EXPECT_EQ(Ipv4Address::Parse("255.255.255.255")->value(), 0xFFFFFFFFu);
}

TEST(Ipv4AddressTest, RejectsBadText) {
  for (std::string_view bad :
       {"", "1", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.-4", "a.b.c.d", " 1.2.3.4", "1.2.3.4 ",
        "1.2.3.4/24", "1..2.3", "1.2.3.", "0x1.2.3.4", "01.2.3.4", "1.2.3.4444", "255.255.255.255.",
        "1234567890123456789"}) {
    EXPECT_FALSE(Ipv4Address::Parse(bad).has_value()) << "'" << bad << "'";
  }
}

TEST(Ipv4AddressTest, RejectsEmbeddedNul) {
  EXPECT_FALSE(Ipv4Address::Parse(std::string_view("1.2.3.4\0junk", 12)).has_value());
  EXPECT_FALSE(Ipv4Address::Parse(std::string_view("1.2.3.4\0", 8)).has_value());
}

TEST(Ipv4AddressTest, BytesAreNetworkOrder) {
  const uint8_t wire[4] = {10, 1, 2, 254};
  Ipv4Address a = Ipv4Address::FromBytes(wire);
  EXPECT_EQ(a.value(), 0x0A0102FEu);
  uint8_t back[4] = {};
  a.ToBytes(back);
  EXPECT_EQ(std::memcmp(wire, back, 4), 0);
}

TEST(Ipv4AddressTest, OrdersAndHashes) {
  EXPECT_LT(*Ipv4Address::Parse("10.0.0.9"), *Ipv4Address::Parse("10.0.0.10"));
  EXPECT_EQ(*Ipv4Address::Parse("10.0.0.9"), Ipv4Address(0x0A000009));
  absl::flat_hash_set<Ipv4Address> set = {Ipv4Address(1), Ipv4Address(2), Ipv4Address(1)};
  EXPECT_EQ(set.size(), 2u);
}

TEST(Ipv4PrefixTest, ParsesAndClearsHostBits) {
  auto p = Ipv4Prefix::Parse("192.0.2.77/24");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->address.ToString(), "192.0.2.0");
  EXPECT_EQ(p->length, 24);
  EXPECT_EQ(p->ToString(), "192.0.2.0/24");
  EXPECT_EQ(p->Mask(), 0xFFFFFF00u);
}

TEST(Ipv4PrefixTest, EdgeLengths) {
  auto all = Ipv4Prefix::Parse("10.1.2.3/0");
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->Mask(), 0u);
  EXPECT_TRUE(all->address.IsZero());
  EXPECT_TRUE(all->Contains(*Ipv4Address::Parse("255.255.255.255")));

  auto host = Ipv4Prefix::Parse("10.1.2.3/32");
  ASSERT_TRUE(host.has_value());
  EXPECT_EQ(host->Mask(), 0xFFFFFFFFu);
  EXPECT_TRUE(host->Contains(*Ipv4Address::Parse("10.1.2.3")));
  EXPECT_FALSE(host->Contains(*Ipv4Address::Parse("10.1.2.4")));
}

TEST(Ipv4PrefixTest, Contains) {
  auto p = *Ipv4Prefix::Parse("192.0.2.0/25");
  EXPECT_TRUE(p.Contains(*Ipv4Address::Parse("192.0.2.0")));
  EXPECT_TRUE(p.Contains(*Ipv4Address::Parse("192.0.2.127")));
  EXPECT_FALSE(p.Contains(*Ipv4Address::Parse("192.0.2.128")));
  EXPECT_FALSE(p.Contains(*Ipv4Address::Parse("192.0.3.1")));
}

TEST(Ipv4PrefixTest, RejectsBadText) {
  for (std::string_view bad :
       {"", "/", "/24", "10.0.0.0", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/+8",
        "10.0.0.0/ 8", "10.0.0.0/8 ", "10.0.0.0/8/8", "10.0.0/8", "10.0.0.0/x",
        "10.0.0.0/4294967304", "10.0.0.0/008"}) {
    EXPECT_FALSE(Ipv4Prefix::Parse(bad).has_value()) << "'" << bad << "'";
  }
}

}  // namespace
}  // namespace shoal::dhcp
