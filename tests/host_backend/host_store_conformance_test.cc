// HostStore conformance: the same reservations, written once in a
// configuration file and once with plain SQL into a hosts database
// (SHOAL_TEST_DIALECT) followed by a node, answer every lookup the same.
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "config/dhcp4_parser.h"
#include "db/schema.h"
#include "gtest/gtest.h"
#include "host_backend/host_follower.h"
#include "host_backend/host_sources.h"
#include "spdlog/sinks/null_sink.h"
#include "tests/db/test_database.h"

namespace shoal::host_backend {
namespace {

using config::IdentifierType;

const db::Dialect kDialect = db::testing::DialectFromName(SHOAL_TEST_DIALECT);

// One reservation, as data both forms are written from.
struct Sample {
  uint32_t subnet;
  IdentifierType type;
  std::string identifier;  // colon hex
  std::string address;     // "" = none
  std::string hostname;
  std::string classes;     // comma-separated
  std::string next_server;
  std::string boot_file;
  std::string dns;  // option 6 text, "" = none
};

const std::vector<Sample> kSamples = {
    {1, IdentifierType::kHwAddress, "1a:1b:1c:1d:1e:01", "192.0.2.201", "printer", "lab,boot",
     "192.0.2.5", "boot.ipxe", "192.0.2.53, 192.0.2.54"},
    {1, IdentifierType::kClientId, "01:11:22:33:44:55:66", "192.0.2.202", "", "", "", "", ""},
    {1, IdentifierType::kCircuitId, "00:04:0a:00:01:01", "", "port-1", "port-1", "", "", ""},
    {2, IdentifierType::kDuid, "00:03:00:01:aa:bb:cc:dd:ee:ff", "198.51.100.7", "", "", "", "",
     "198.51.100.53"},
    {2, IdentifierType::kFlexId, "73:70:65:63:69:61:6c", "198.51.100.8", "flex", "", "", "", ""},
    {0, IdentifierType::kHwAddress, "1a:1b:1c:1d:1e:02", "192.0.2.250", "global-one", "", "",
     "pxelinux.0", ""},
};

std::vector<uint8_t> Bytes(const std::string& hex) {
  return *dhcp::ParseBinaryData(hex);
}

nlohmann::json AsJson(const Sample& s) {
  nlohmann::json r{{config::IdentifierTypeName(s.type), s.identifier}};
  if (!s.address.empty()) r["ip-address"] = s.address;
  if (!s.hostname.empty()) r["hostname"] = s.hostname;
  if (!s.classes.empty()) {
    r["client-classes"] = std::vector<std::string>(absl::StrSplit(s.classes, ','));
  }
  if (!s.next_server.empty()) r["next-server"] = s.next_server;
  if (!s.boot_file.empty()) r["boot-file-name"] = s.boot_file;
  if (!s.dns.empty()) r["option-data"] = {{{"name", "domain-name-servers"}, {"data", s.dns}}};
  return r;
}

std::string ConfigText(bool with_reservations) {
  nlohmann::json subnets = nlohmann::json::array();
  nlohmann::json s1{{"id", 1}, {"subnet", "192.0.2.0/24"}};
  nlohmann::json s2{{"id", 2}, {"subnet", "198.51.100.0/24"}};
  nlohmann::json global = nlohmann::json::array();
  if (with_reservations) {
    for (const Sample& s : kSamples) {
      nlohmann::json& list = s.subnet == 1 ? s1["reservations"] : s.subnet == 2 ? s2["reservations"]
                                                                                : global;
      list.push_back(AsJson(s));
    }
  }
  nlohmann::json dhcp4{{"subnet4", {s1, s2}}};
  if (!global.empty()) dhcp4["reservations"] = global;
  return nlohmann::json{{"Dhcp4", dhcp4}}.dump();
}

std::string SqlInsert(const Sample& s, db::Dialect d) {
  const bool my = d == db::Dialect::kMySql;
  std::string hex = absl::StrReplaceAll(s.identifier, {{":", ""}});
  auto text = [](const std::string& v) { return v.empty() ? std::string("NULL") : "'" + v + "'"; };
  auto address = [&](const std::string& a) {
    if (a.empty()) return std::string("NULL");
    return my ? "INET_ATON('" + a + "')" : "'" + a + "'::inet - '0.0.0.0'::inet";
  };
  return absl::StrCat(
      "INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, ipv4_address, "
      "hostname, dhcp4_client_classes, dhcp4_next_server, dhcp4_boot_file_name) VALUES (",
      my ? "UNHEX('" + hex + "')" : "decode('" + hex + "', 'hex')",
      ", (SELECT type FROM host_identifier_type WHERE name = '",
      config::IdentifierTypeName(s.type), "'), ", s.subnet, ", ", address(s.address), ", ",
      text(s.hostname), ", ", text(s.classes), ", ", address(s.next_server), ", ",
      text(s.boot_file), ")");
}

std::string SqlOption(const Sample& s, db::Dialect d) {
  return absl::StrCat(
      "INSERT INTO dhcp4_options (code, formatted_value, space, persistent, host_id, scope_id) "
      "VALUES (6, '", s.dns, "', 'dhcp4', ", d == db::Dialect::kMySql ? "0" : "false", ", ",
      d == db::Dialect::kMySql ? "LAST_INSERT_ID()" : "currval('hosts_host_id_seq')", ", 3)");
}

class HostStoreConformance : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const bool file = GetParam() == "file";
    auto config = config::ParseDhcp4ConfigText(ConfigText(file), "conformance");
    ASSERT_TRUE(config.ok()) << config.status();
    config_ = std::make_unique<config::Config>(std::move(*config));
    std::vector<std::shared_ptr<const HostCache>> caches;
    if (!file) {
      auto scratch = db::testing::ScratchDatabase::Create(kDialect);
      ASSERT_TRUE(scratch.ok()) << scratch.status();
      db_ = std::move(*scratch);
      auto c = db_->Connect();
      ASSERT_TRUE(c.ok()) << c.status();
      ASSERT_TRUE(db::InitSchema(**c).ok());
      for (const Sample& s : kSamples) {
        ASSERT_TRUE((*c)->ExecuteDirect(SqlInsert(s, kDialect)).ok()) << SqlInsert(s, kDialect);
        if (!s.dns.empty()) {
          ASSERT_TRUE((*c)->ExecuteDirect(SqlOption(s, kDialect)).ok());
        }
      }
      auto cache = std::make_shared<HostCache>();
      auto log = std::make_shared<spdlog::logger>(
          "test", std::make_shared<spdlog::sinks::null_sink_mt>());
      follower_ = std::make_unique<HostFollower>(HostFollowerOptions{.database = db_->params()},
                                                 cache, log);
      follower_->Start();
      auto head = ReadHostsHead(**c);
      ASSERT_TRUE(head.ok());
      ASSERT_TRUE(follower_->WaitForRevision(head->revision, absl::Seconds(20)))
          << follower_->status().state;
      caches.push_back(cache);
    }
    store_ = std::make_unique<HostSources>(*config_, caches, nullptr);
  }
  void TearDown() override {
    if (follower_) follower_->Stop();
  }

  std::optional<Host> Find(uint32_t subnet, IdentifierType type, const std::string& id) {
    auto found = store_->Find(subnet, type, Bytes(id));
    EXPECT_TRUE(found.ok()) << found.status();
    return found.ok() ? *found : std::nullopt;
  }

  std::unique_ptr<db::testing::ScratchDatabase> db_;
  std::unique_ptr<HostFollower> follower_;
  std::unique_ptr<config::Config> config_;
  std::unique_ptr<HostSources> store_;
};

TEST_P(HostStoreConformance, FindsEveryIdentifierTypeWithEveryField) {
  for (const Sample& s : kSamples) {
    SCOPED_TRACE(s.identifier);
    std::optional<Host> h = Find(s.subnet, s.type, s.identifier);
    ASSERT_TRUE(h.has_value());
    EXPECT_EQ(h->subnet_id, s.subnet);
    EXPECT_EQ(h->identifier, Bytes(s.identifier));
    if (s.address.empty()) {
      EXPECT_FALSE(h->address.has_value());
    } else {
      EXPECT_EQ(h->address, dhcp::Ipv4Address::Parse(s.address));
    }
    EXPECT_EQ(h->hostname, s.hostname);
    EXPECT_EQ(absl::StrJoin(h->client_classes, ","), s.classes);
    EXPECT_EQ(h->next_server.ToString(), s.next_server.empty() ? "0.0.0.0" : s.next_server);
    EXPECT_EQ(h->boot_file_name, s.boot_file);
    if (s.dns.empty()) {
      EXPECT_TRUE(h->options.empty());
    } else {
      ASSERT_EQ(h->options.size(), 1u);
      EXPECT_EQ(h->options[0].code, 6);
      EXPECT_EQ(h->options[0].payload.size() % 4, 0u);
    }
  }
}

TEST_P(HostStoreConformance, LooksOnlyInTheNamedSubnetAndType) {
  EXPECT_FALSE(Find(2, IdentifierType::kHwAddress, "1a:1b:1c:1d:1e:01"));
  EXPECT_FALSE(Find(0, IdentifierType::kHwAddress, "1a:1b:1c:1d:1e:01"));
  EXPECT_FALSE(Find(1, IdentifierType::kClientId, "1a:1b:1c:1d:1e:01"));
  EXPECT_FALSE(Find(1, IdentifierType::kHwAddress, "1a:1b:1c:1d:1e:99"));
  EXPECT_TRUE(Find(0, IdentifierType::kHwAddress, "1a:1b:1c:1d:1e:02"));
}

TEST_P(HostStoreConformance, FindsByAddressAndListsBySubnet) {
  auto by_address = store_->FindByAddress(2, *dhcp::Ipv4Address::Parse("198.51.100.8"));
  ASSERT_TRUE(by_address.ok() && by_address->has_value());
  EXPECT_EQ((*by_address)->identifier_type, IdentifierType::kFlexId);
  auto global = store_->FindByAddress(0, *dhcp::Ipv4Address::Parse("192.0.2.250"));
  ASSERT_TRUE(global.ok() && global->has_value());
  auto none = store_->FindByAddress(1, *dhcp::Ipv4Address::Parse("192.0.2.250"));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  for (auto [subnet, count] : {std::pair{1u, 3u}, std::pair{2u, 2u}, std::pair{0u, 1u}}) {
    auto listed = store_->GetBySubnet(subnet);
    ASSERT_TRUE(listed.ok());
    EXPECT_EQ(listed->size(), count) << "subnet " << subnet;
  }
}

INSTANTIATE_TEST_SUITE_P(FileAndDatabase, HostStoreConformance,
                         ::testing::Values(std::string("file"), std::string("sql")),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace shoal::host_backend
