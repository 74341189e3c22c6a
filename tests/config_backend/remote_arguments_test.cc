// The argument rules of the remote-* commands and the pure helpers of the
// conflict checks (no database).
#include "config_backend/config_checks.h"
#include "config_backend/remote_arguments.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace shoal::config_backend {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

std::string ErrorOf(const absl::Status& s) { return std::string(s.message()); }

TEST(ServerTags, EachPolicy) {
  EXPECT_TRUE(ServerTags(json::object(), TagPolicy::kForbidden).ok());
  EXPECT_THAT(ErrorOf(ServerTags({{"server-tags", {"all"}}}, TagPolicy::kForbidden).status()),
              HasSubstr("not allowed"));

  auto one = ServerTags({{"server-tags", {"Site-A"}}}, TagPolicy::kExactlyOne);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, TagSet({"site-a"}));
  EXPECT_THAT(ErrorOf(ServerTags({{"server-tags", {"a", "b"}}}, TagPolicy::kExactlyOne).status()),
              HasSubstr("exactly one server tag"));
  EXPECT_THAT(ErrorOf(ServerTags(json::object(), TagPolicy::kExactlyOne).status()),
              HasSubstr("'server-tags' is required"));
  EXPECT_FALSE(ServerTags({{"server-tags", json::array()}}, TagPolicy::kOneOrMore).ok());
  EXPECT_FALSE(ServerTags({{"server-tags", {nullptr}}}, TagPolicy::kOneOrMore).ok());
  EXPECT_FALSE(ServerTags({{"server-tags", {""}}}, TagPolicy::kOneOrMore).ok());
  EXPECT_FALSE(ServerTags({{"server-tags", {7}}}, TagPolicy::kOneOrMore).ok());
  EXPECT_FALSE(ServerTags({{"server-tags", {std::string(65, 'x')}}}, TagPolicy::kOneOrMore).ok());

  auto unassigned = ServerTags({{"server-tags", {nullptr}}}, TagPolicy::kTagsOrNull);
  ASSERT_TRUE(unassigned.ok());
  EXPECT_TRUE(unassigned->empty());
  EXPECT_THAT(
      ErrorOf(ServerTags({{"server-tags", {nullptr, "a"}}}, TagPolicy::kTagsOrNull).status()),
      HasSubstr("null only on its own"));
}

TEST(Arguments, KeysElementsAndIds) {
  EXPECT_TRUE(CheckArgumentKeys({{"subnets", 1}, {"remote", {}}}, {"subnets"}).ok());
  EXPECT_THAT(ErrorOf(CheckArgumentKeys({{"subnet", 1}}, {"subnets"})),
              HasSubstr("unknown argument 'subnet'; this command takes subnets, remote"));
  EXPECT_THAT(ErrorOf(CheckArgumentKeys({{"server-tags", {"all"}}}, {"subnets"})),
              HasSubstr("'server-tags' is not allowed"));
  EXPECT_FALSE(CheckArgumentKeys(json::array(), {}).ok());

  EXPECT_TRUE(OnlyElement({{"subnets", {{{"id", 1}}}}}, "subnets", "subnet").ok());
  EXPECT_FALSE(OnlyElement({{"subnets", json::array()}}, "subnets", "subnet").ok());
  EXPECT_FALSE(OnlyElement({{"subnets", {1}}}, "subnets", "subnet").ok());
  EXPECT_FALSE(OnlyElement({{"subnets", {{{"id", 1}}, {{"id", 2}}}}}, "subnets", "subnet").ok());

  EXPECT_EQ(*SubnetIdFrom(json(7), "s"), 7u);
  for (json bad : {json(0), json(-1), json(4294967295ULL), json("7"), json(1.5), json()}) {
    EXPECT_FALSE(SubnetIdFrom(bad, "s").ok()) << bad;
  }
}

TEST(Arguments, RemoteMustNameThisDatabase) {
  db::DatabaseParams db;
  db.dialect = db::Dialect::kPostgreSql;
  db.host = "db.example";
  db.port = 5433;
  EXPECT_TRUE(CheckRemote(json::object(), db).ok());
  EXPECT_TRUE(CheckRemote({{"remote", {{"type", "postgresql"}}}}, db).ok());
  EXPECT_TRUE(
      CheckRemote({{"remote", {{"type", "postgresql"}, {"host", "db.example"}, {"port", 5433}}}},
                  db)
          .ok());
  EXPECT_THAT(ErrorOf(CheckRemote({{"remote", {{"type", "mysql"}}}}, db)),
              HasSubstr("this server uses the postgresql database on db.example:5433"));
  EXPECT_FALSE(CheckRemote({{"remote", {{"host", "other"}}}}, db).ok());
  EXPECT_FALSE(CheckRemote({{"remote", {{"host", "db.example"}, {"port", 1}}}}, db).ok());
  EXPECT_THAT(ErrorOf(CheckRemote({{"remote", {{"port", 5433}}}}, db)),
              HasSubstr("only together with 'remote.host'"));
  EXPECT_FALSE(CheckRemote({{"remote", {{"user", "x"}}}}, db).ok());
  EXPECT_FALSE(CheckRemote({{"remote", "mysql"}}, db).ok());
}

TEST(Arguments, OptionsResolveToCodeAndSpace) {
  auto routers = ResolveOption({{"name", "routers"}, {"data", "192.0.2.1"}});
  ASSERT_TRUE(routers.ok()) << routers.status();
  EXPECT_EQ(routers->key, OptionKey(3, "dhcp4"));
  EXPECT_EQ(routers->entry["code"], 3);
  EXPECT_EQ(routers->entry["space"], "dhcp4");
  auto custom = ResolveOption({{"code", 222}, {"space", "site"}, {"data", "01"}});
  ASSERT_TRUE(custom.ok());
  EXPECT_EQ(custom->key, OptionKey(222, "site"));
  EXPECT_THAT(ErrorOf(ResolveOption({{"name", "site-code"}}).status()),
              HasSubstr("set a custom option by 'code' and 'space'"));
  EXPECT_FALSE(ResolveOption({{"code", 256}}).ok());
  EXPECT_FALSE(ResolveOption({{"data", "x"}}).ok());
  EXPECT_FALSE(OptionSelector({{"name", "routers"}}, "x").ok());
  EXPECT_EQ(*OptionSelector({{"code", 6}}, "x"), OptionKey(6, "dhcp4"));
}

TEST(Checks, ListingAndClassReferences) {
  EXPECT_TRUE(ListedFor({}, {}));
  EXPECT_FALSE(ListedFor({"a"}, {}));
  EXPECT_TRUE(ListedFor({"all"}, {"b"}));
  EXPECT_TRUE(ListedFor({"a", "b"}, {"b"}));
  EXPECT_FALSE(ListedFor({"a"}, {"b"}));

  EXPECT_EQ(MemberReferences("member('a') and not member ( 'b' ) or member('KNOWN')"),
            (std::vector<std::string>{"a", "b", "KNOWN"}));
  EXPECT_TRUE(MemberReferences("option[60].text == 'member'").empty());
  EXPECT_TRUE(MemberReferences("member('unterminated").empty());
  for (const char* built_in : {"ALL", "KNOWN", "UNKNOWN", "BOOTP", "VENDOR_CLASS_x", "HA_server1"}) {
    EXPECT_TRUE(IsBuiltInClass(built_in)) << built_in;
  }
  EXPECT_FALSE(IsBuiltInClass("phones"));
}

}  // namespace
}  // namespace shoal::config_backend
