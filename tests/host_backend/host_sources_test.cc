// The in-memory cache of a hosts database and the search order a serving
// configuration applies: the file's reservations first, then each hosts
// database; stored options encoded with the configuration's definitions.
#include "host_backend/host_sources.h"

#include "config/dhcp4_parser.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace shoal::host_backend {
namespace {

using config::IdentifierType;
using dhcp::Ipv4Address;

std::vector<uint8_t> Mac(uint8_t last) { return {0x02, 0, 0, 0, 0, last}; }
Ipv4Address A(const char* text) { return *Ipv4Address::Parse(text); }

StoredHost Stored(uint64_t id, uint32_t subnet, uint8_t mac_last, const char* address) {
  StoredHost h;
  h.host_id = id;
  h.reservation.identifier_type = IdentifierType::kHwAddress;
  h.reservation.identifier = Mac(mac_last);
  h.reservation.subnet_id = subnet;
  if (address != nullptr) h.reservation.address = A(address);
  return h;
}

config::Config Parse(const char* text) {
  auto c = config::ParseDhcp4ConfigText(text, "test");
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? *std::move(c) : config::Config{};
}

TEST(HostCacheTest, FindsByIdentifierAddressAndSubnetAndFollowsUpdates) {
  HostCache cache;
  std::vector<StoredHost> all;
  all.push_back(Stored(1, 7, 1, "192.0.2.10"));
  all.push_back(Stored(2, 7, 2, "192.0.2.11"));
  all.push_back(Stored(3, 0, 3, "192.0.2.12"));
  cache.ReplaceAll(std::move(all));
  EXPECT_EQ(cache.size(), 3u);
  ASSERT_NE(cache.Find(7, IdentifierType::kHwAddress, Mac(1)), nullptr);
  EXPECT_EQ(cache.Find(0, IdentifierType::kHwAddress, Mac(1)), nullptr);  // not global
  EXPECT_EQ(cache.Find(7, IdentifierType::kClientId, Mac(1)), nullptr);
  EXPECT_EQ(cache.FindByAddress(7, A("192.0.2.11"))->host_id, 2u);
  EXPECT_EQ(cache.FindByAddress(0, A("192.0.2.12"))->host_id, 3u);
  EXPECT_EQ(cache.BySubnet(7).size(), 2u);

  // Host 1 moves to another address, host 2 is deleted, host 4 is new and
  // (ip-reservations-unique false) shares host 1's new address.
  std::vector<uint64_t> changed{1, 2, 4};
  std::vector<StoredHost> current;
  current.push_back(Stored(1, 7, 1, "192.0.2.20"));
  current.push_back(Stored(4, 7, 4, "192.0.2.20"));
  cache.Update(changed, std::move(current));
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(cache.FindByAddress(7, A("192.0.2.10")), nullptr);
  EXPECT_EQ(cache.FindByAddress(7, A("192.0.2.11")), nullptr);
  EXPECT_EQ(cache.Find(7, IdentifierType::kHwAddress, Mac(2)), nullptr);
  EXPECT_EQ(cache.FindByAddress(7, A("192.0.2.20"))->host_id, 1u);  // the lowest host_id
  std::vector<uint64_t> gone{1};
  cache.Update(gone, {});
  EXPECT_EQ(cache.FindByAddress(7, A("192.0.2.20"))->host_id, 4u);
}

TEST(HostSourcesTest, FileReservationsComeFirstThenDatabasesInOrder) {
  config::Config config = Parse(R"({"Dhcp4": {"subnet4": [{"id": 7, "subnet": "192.0.2.0/24",
      "reservations": [{"hw-address": "02:00:00:00:00:01", "ip-address": "192.0.2.100"}]}]}})");
  auto first = std::make_shared<HostCache>();
  auto second = std::make_shared<HostCache>();
  std::vector<StoredHost> a;
  a.push_back(Stored(1, 7, 1, "192.0.2.50"));  // shadowed by the file
  a.push_back(Stored(2, 7, 2, "192.0.2.51"));
  first->ReplaceAll(std::move(a));
  std::vector<StoredHost> b;
  b.push_back(Stored(9, 7, 2, "192.0.2.99"));  // shadowed by the first database
  b.push_back(Stored(10, 7, 3, "192.0.2.52"));
  second->ReplaceAll(std::move(b));
  HostSources hosts(config, {first, second}, nullptr);

  auto h1 = hosts.Find(7, IdentifierType::kHwAddress, Mac(1));
  ASSERT_TRUE(h1.ok() && h1->has_value());
  EXPECT_EQ((*h1)->address, A("192.0.2.100"));
  auto h2 = hosts.Find(7, IdentifierType::kHwAddress, Mac(2));
  ASSERT_TRUE(h2.ok() && h2->has_value());
  EXPECT_EQ((*h2)->address, A("192.0.2.51"));
  auto h3 = hosts.Find(7, IdentifierType::kHwAddress, Mac(3));
  ASSERT_TRUE(h3.ok() && h3->has_value());
  EXPECT_EQ((*h3)->address, A("192.0.2.52"));
  auto by_address = hosts.FindByAddress(7, A("192.0.2.52"));
  ASSERT_TRUE(by_address.ok() && by_address->has_value());
  EXPECT_EQ((*by_address)->identifier, Mac(3));
  auto none = hosts.Find(7, IdentifierType::kHwAddress, Mac(4));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto all = hosts.GetBySubnet(7);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 5u);
}

TEST(HostSourcesTest, StoredOptionsAreEncodedWithTheConfigurationsDefinitions) {
  config::Config config = Parse(R"({"Dhcp4": {
      "option-def": [{"name": "site-code", "code": 222, "type": "uint16"}],
      "subnet4": [{"id": 7, "subnet": "192.0.2.0/24"}]}})");
  auto cache = std::make_shared<HostCache>();
  StoredHost h = Stored(1, 7, 1, "192.0.2.10");
  h.options.push_back({.code = 3, .formatted_value = "192.0.2.1, 192.0.2.2"});
  h.options.push_back({.code = 222, .formatted_value = "513", .persistent = true});
  h.options.push_back({.code = 15, .value = {'l', 'a', 'b'}});
  h.options.push_back({.code = 223, .formatted_value = "1"});         // no definition
  h.options.push_back({.code = 6, .formatted_value = "not-an-ip"});  // does not encode
  std::vector<StoredHost> all;
  all.push_back(std::move(h));
  cache->ReplaceAll(std::move(all));
  HostSources hosts(config, {cache}, nullptr);
  auto found = hosts.Find(7, IdentifierType::kHwAddress, Mac(1));
  ASSERT_TRUE(found.ok() && found->has_value());
  const auto& options = (*found)->options;
  ASSERT_EQ(options.size(), 3u);
  EXPECT_EQ(options[0].code, 3);
  EXPECT_EQ(options[0].payload, (std::vector<uint8_t>{192, 0, 2, 1, 192, 0, 2, 2}));
  EXPECT_EQ(options[1].code, 222);
  EXPECT_EQ(options[1].payload, (std::vector<uint8_t>{2, 1}));
  EXPECT_TRUE(options[1].always_send);
  EXPECT_EQ(options[2].payload, (std::vector<uint8_t>{'l', 'a', 'b'}));

  auto missing = EncodeStoredOption({.code = 223, .formatted_value = "1"},
                                    config.option_definitions);
  EXPECT_THAT(std::string(missing.status().message()),
              ::testing::HasSubstr("has formatted_value text but no definition"));
}

}  // namespace
}  // namespace shoal::host_backend
