#include "admin/admin_options.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "admin/admin.h"

namespace shoal::admin {
namespace {

using ::testing::HasSubstr;

TEST(AdminOptionsTest, KeaAdminStyleCommandLine) {
  auto o = ParseAdminOptions({"lease-dump", "pgsql", "-u", "kea", "-p", "pw", "-n", "leases", "-h",
                              "db.example.org", "-P", "5433", "-4", "-o", "out.csv", "-y"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->verb, Verb::kLeaseDump);
  EXPECT_EQ(o->dialect, db::Dialect::kPostgreSql);
  EXPECT_EQ(o->user, "kea");
  EXPECT_EQ(o->password, "pw");
  EXPECT_EQ(o->name, "leases");
  EXPECT_EQ(o->host, "db.example.org");
  EXPECT_EQ(o->port, 5433);
  EXPECT_TRUE(o->family4);
  EXPECT_EQ(o->output, "out.csv");
  EXPECT_TRUE(o->yes);
}

TEST(AdminOptionsTest, LongOptionsAndDefaults) {
  auto o = ParseAdminOptions({"db-version", "mysql", "--user=a", "--name", "b", "--password=x"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->user, "a");
  EXPECT_EQ(o->name, "b");
  EXPECT_EQ(o->password, "x");
  EXPECT_EQ(o->host, "localhost");
  EXPECT_EQ(o->port, 0);
}

TEST(AdminOptionsTest, PasswordWithoutValuePrompts) {
  auto o = ParseAdminOptions({"db-init", "mysql", "-p", "-n", "x"});
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->prompt_password);
  EXPECT_FALSE(o->password.has_value());
  EXPECT_EQ(o->name, "x");
  o = ParseAdminOptions({"db-init", "mysql", "-p"});
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->prompt_password);
}

struct Bad {
  std::vector<std::string> args;
  const char* message;
};

class AdminOptionsBadTest : public ::testing::TestWithParam<Bad> {};

TEST_P(AdminOptionsBadTest, UsageErrors) {
  auto o = ParseAdminOptions(GetParam().args);
  ASSERT_FALSE(o.ok());
  EXPECT_THAT(std::string(o.status().message()), HasSubstr(GetParam().message));
  // And the tool exits 1 with the usage text.
  std::ostringstream out, err;
  EXPECT_EQ(RunAdmin(GetParam().args, out, err, AdminEnvironment{}), kExitUsage);
  EXPECT_THAT(err.str(), HasSubstr("Usage: shoal-admin COMMAND BACKEND"));
}

INSTANTIATE_TEST_SUITE_P(
    All, AdminOptionsBadTest,
    ::testing::Values(Bad{{}, "no command"}, Bad{{"db-frobnicate", "mysql"}, "unknown command"},
                      Bad{{"db-init"}, "needs a backend"},
                      Bad{{"db-init", "oracle"}, "unknown backend 'oracle'"},
                      Bad{{"db-init", "memfile"}, "memfile"},
                      Bad{{"db-init", "mysql", "-P", "99999"}, "expected a port number"},
                      Bad{{"db-init", "mysql", "-n"}, "option -n needs a value"},
                      Bad{{"db-init", "mysql", "--bogus"}, "unknown option '--bogus'"},
                      Bad{{"db-init", "mysql", "-d", "/usr/share/kea/scripts"}, "does not need"},
                      Bad{{"lease-dump", "mysql", "-o", "x"}, "needs -4"},
                      Bad{{"lease-dump", "mysql", "-4"}, "needs -o FILE"},
                      Bad{{"lease-upload", "pgsql", "-4"}, "needs -i FILE"},
                      Bad{{"lease-upload", "pgsql", "-6", "-i", "x"}, "DHCPv4 only"}));

TEST(AdminTest, VersionAndHelp) {
  std::ostringstream out, err;
  EXPECT_EQ(RunAdmin({"-v"}, out, err, AdminEnvironment{}), kExitOk);
  EXPECT_THAT(out.str(), HasSubstr("shoal-admin"));
  std::ostringstream out2;
  EXPECT_EQ(RunAdmin({"--help"}, out2, err, AdminEnvironment{}), kExitOk);
  EXPECT_THAT(out2.str(), HasSubstr("Exit codes"));
}

}  // namespace
}  // namespace shoal::admin
