#include "config_backend/config_objects.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace shoal::config_backend {
namespace {

using nlohmann::json;

json FileConfig() {
  return json::parse(R"({
    "valid-lifetime": 4000,
    "renew-timer": 1000,
    "option-def": [{"name": "foo", "code": 222, "type": "uint8", "space": "dhcp4"}],
    "option-data": [{"code": 6, "data": "192.0.2.53"}, {"name": "domain-name", "code": 15,
                     "data": "file.example"}],
    "client-classes": [{"name": "file-class"}],
    "shared-networks": [{"name": "net-a", "subnet4": [{"id": 5, "subnet": "192.0.5.0/24"}]}],
    "subnet4": [{"id": 1, "subnet": "192.0.2.0/24"}, {"id": 2, "subnet": "198.51.100.0/24"}]
  })");
}

TEST(MergeIntoFileTest, NoObjectsLeavesTheFileAsItIs) {
  auto merged = MergeIntoFile(FileConfig(), ConfigObjects{});
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(*merged, FileConfig());
}

TEST(MergeIntoFileTest, DatabaseGlobalsReplaceFileValues) {
  ConfigObjects db;
  db.globals["valid-lifetime"] = "3600";
  db.globals["boot-file-name"] = "\"pxelinux.0\"";
  auto merged = MergeIntoFile(FileConfig(), db);
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ((*merged)["valid-lifetime"], 3600);
  EXPECT_EQ((*merged)["boot-file-name"], "pxelinux.0");
  EXPECT_EQ((*merged)["renew-timer"], 1000);  // file-only values stay
}

TEST(MergeIntoFileTest, StructuredOrNodeLocalGlobalsAreRefused) {
  ConfigObjects db;
  db.globals["interfaces-config"] = R"({"interfaces": ["*"]})";
  EXPECT_THAT(std::string(MergeIntoFile(FileConfig(), db).status().message()),
              testing::HasSubstr("global parameter 'interfaces-config'"));
  db.globals = {{"server-tag", "\"other\""}};
  EXPECT_FALSE(MergeIntoFile(FileConfig(), db).ok());
  db.globals = {{"valid-lifetime", "36OO"}};
  EXPECT_THAT(std::string(MergeIntoFile(FileConfig(), db).status().message()),
              testing::HasSubstr("not valid JSON"));
}

TEST(MergeIntoFileTest, OptionsReplaceTheSameCodeAndSpace) {
  ConfigObjects db;
  db.options[{6, "dhcp4"}] = R"({"data": "192.0.2.1"})";
  db.options[{42, "dhcp4"}] = R"({"data": "192.0.2.123"})";
  auto merged = MergeIntoFile(FileConfig(), db);
  ASSERT_TRUE(merged.ok()) << merged.status();
  const json& options = (*merged)["option-data"];
  ASSERT_EQ(options.size(), 3u);
  EXPECT_EQ(options[0]["code"], 15);  // the file's, untouched
  EXPECT_EQ(options[1], json({{"code", 6}, {"space", "dhcp4"}, {"data", "192.0.2.1"}}));
  EXPECT_EQ(options[2]["code"], 42);
}

TEST(MergeIntoFileTest, AnOptionWhoseDefinitionContradictsItsColumnsIsRefused) {
  ConfigObjects db;
  db.options[{6, "dhcp4"}] = R"({"code": 7, "data": "192.0.2.1"})";
  EXPECT_THAT(std::string(MergeIntoFile(FileConfig(), db).status().message()),
              testing::HasSubstr("the definition says code 7"));
}

TEST(MergeIntoFileTest, AnyDatabaseClassReplacesEveryFileClassInPositionOrder) {
  ConfigObjects db;
  db.client_classes["b"] = {"b", 2, R"json({"test": "member('a')"})json"};
  db.client_classes["a"] = {"a", 1, R"json({"test": "substring(option[60].hex,0,9) == 'PXEClient'"})json"};
  auto merged = MergeIntoFile(FileConfig(), db);
  ASSERT_TRUE(merged.ok()) << merged.status();
  const json& classes = (*merged)["client-classes"];
  ASSERT_EQ(classes.size(), 2u);
  EXPECT_EQ(classes[0]["name"], "a");
  EXPECT_EQ(classes[1]["name"], "b");
}

TEST(MergeIntoFileTest, DatabaseSubnetsReplaceFileSubnetsByIdOrPrefix) {
  ConfigObjects db;
  // Same id as file subnet 1 (another prefix), same prefix as file subnet 2.
  db.subnets[1] = {1, "203.0.113.0/24", "", R"({"pools": [{"pool": "203.0.113.10-203.0.113.20"}]})"};
  db.subnets[7] = {7, "198.51.100.0/24", "", "{}"};
  db.subnets[8] = {8, "192.0.8.0/24", "net-a", "{}"};
  auto merged = MergeIntoFile(FileConfig(), db);
  ASSERT_TRUE(merged.ok()) << merged.status();
  const json& top = (*merged)["subnet4"];
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0]["id"], 1);
  EXPECT_EQ(top[0]["subnet"], "203.0.113.0/24");
  EXPECT_EQ(top[0]["pools"].size(), 1u);
  EXPECT_EQ(top[1]["id"], 7);
  const json& in_network = (*merged)["shared-networks"][0]["subnet4"];
  ASSERT_EQ(in_network.size(), 2u);
  EXPECT_EQ(in_network[1]["id"], 8);
}

TEST(MergeIntoFileTest, ASubnetOfAnUnknownNetworkStandsAlone) {
  ConfigObjects db;
  db.subnets[9] = {9, "192.0.9.0/24", "gone", "{}"};
  auto merged = MergeIntoFile(json::object(), db);
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ((*merged)["subnet4"][0]["id"], 9);
}

TEST(MergeIntoFileTest, DatabaseNetworksReplaceFileNetworksAndHoldTheirSubnets) {
  ConfigObjects db;
  db.shared_networks["net-a"] = R"({"interface": "eth1"})";
  db.subnets[3] = {3, "192.0.3.0/24", "net-a", "{}"};
  auto merged = MergeIntoFile(FileConfig(), db);
  ASSERT_TRUE(merged.ok()) << merged.status();
  const json& networks = (*merged)["shared-networks"];
  ASSERT_EQ(networks.size(), 1u);
  EXPECT_EQ(networks[0]["interface"], "eth1");
  ASSERT_EQ(networks[0]["subnet4"].size(), 1u);
  EXPECT_EQ(networks[0]["subnet4"][0]["id"], 3);
}

TEST(MergeIntoFileTest, BadSubnetRowsNameTheSubnet) {
  ConfigObjects db;
  db.subnets[4] = {4, "192.0.2.300/24", "", "{}"};
  EXPECT_THAT(std::string(MergeIntoFile(json::object(), db).status().message()),
              testing::HasSubstr("subnet 4: prefix '192.0.2.300/24'"));
  db.subnets[4] = {4, "192.0.4.0/24", "", R"({"subnet": "192.0.5.0/24"})"};
  EXPECT_THAT(std::string(MergeIntoFile(json::object(), db).status().message()),
              testing::HasSubstr("the prefix column holds 192.0.4.0/24"));
  db.subnets[4] = {4, "192.0.4.0/24", "", "[1, 2]"};
  EXPECT_THAT(std::string(MergeIntoFile(json::object(), db).status().message()),
              testing::HasSubstr("not a JSON map"));
}

TEST(ConfigObjectsTest, JsonRoundTrip) {
  ConfigObjects db;
  db.globals["valid-lifetime"] = "3600";
  db.option_defs[{222, "dhcp4"}] = R"({"name": "foo", "type": "uint8"})";
  db.options[{6, "dhcp4"}] = R"({"data": "192.0.2.1"})";
  db.client_classes["a"] = {"a", 1, "{}"};
  db.shared_networks["n"] = "{}";
  db.subnets[3] = {3, "192.0.3.0/24", "n", "{}"};
  auto back = ConfigObjects::FromJson(db.ToJson());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, db);
  EXPECT_FALSE(ConfigObjects::FromJson(json::parse(R"({"globals": 1})")).ok());
}

}  // namespace
}  // namespace shoal::config_backend
