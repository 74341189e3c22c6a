#include "db/database_params.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace shoal::db {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

TEST(DatabaseParamsTest, ParsesEveryKeaKey) {
  json j = json::parse(R"({
    "type": "mysql", "name": "kea", "host": "db.example.org", "port": 3307,
    "user": "kea", "password": "s3cret", "connect-timeout": 3, "read-timeout": 10,
    "write-timeout": 11, "max-reconnect-tries": 3, "reconnect-wait-time": 3000,
    "on-fail": "serve-retry-continue", "retry-on-startup": true, "readonly": true,
    "trust-anchor": "/etc/ca.pem", "cert-file": "/etc/c.pem", "key-file": "/etc/k.pem",
    "cipher-list": "AES", "persist": true, "lfc-interval": 3600
  })");
  auto p = DatabaseParams::FromJson(j, "lease-database");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->dialect, Dialect::kMySql);
  EXPECT_EQ(p->name, "kea");
  EXPECT_EQ(p->host, "db.example.org");
  EXPECT_EQ(p->port, 3307);
  EXPECT_EQ(p->user, "kea");
  EXPECT_EQ(p->password, "s3cret");
  EXPECT_EQ(p->connect_timeout_s, 3u);
  EXPECT_EQ(p->read_timeout_s, 10u);
  EXPECT_EQ(p->write_timeout_s, 11u);
  EXPECT_EQ(p->max_reconnect_tries, 3u);
  EXPECT_EQ(p->reconnect_wait_time_ms, 3000u);
  EXPECT_EQ(p->on_fail, OnFail::kServeRetryContinue);
  EXPECT_TRUE(p->retry_on_startup);
  EXPECT_TRUE(p->readonly);
  EXPECT_EQ(p->trust_anchor, "/etc/ca.pem");
  EXPECT_EQ(p->cert_file, "/etc/c.pem");
  EXPECT_EQ(p->key_file, "/etc/k.pem");
  EXPECT_EQ(p->cipher_list, "AES");
}

TEST(DatabaseParamsTest, DefaultsFollowKea) {
  auto p = DatabaseParams::FromJson(json{{"type", "postgresql"}, {"name", "shoal"}});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->dialect, Dialect::kPostgreSql);
  EXPECT_EQ(p->host, "localhost");
  EXPECT_EQ(p->effective_port(), 5432);
  EXPECT_EQ(p->connect_timeout_s, 5u);
  EXPECT_EQ(p->max_reconnect_tries, 0u);
  EXPECT_EQ(p->reconnect_wait_time_ms, 0u);
  EXPECT_EQ(p->on_fail, OnFail::kStopRetryExit);
  EXPECT_FALSE(p->retry_on_startup);
  EXPECT_FALSE(p->readonly);
}

struct BadCase {
  const char* json;
  const char* message;
};

class DatabaseParamsBadTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(DatabaseParamsBadTest, RejectedWithClearMessage) {
  auto p = DatabaseParams::FromJson(json::parse(GetParam().json), "lease-database");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(p.status().message()), HasSubstr(GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    All, DatabaseParamsBadTest,
    ::testing::Values(
        BadCase{R"([1])", "lease-database must be a map"},
        BadCase{R"({"name": "x"})", "has no 'type'"},
        BadCase{R"({"type": "memfile", "name": "x"})", "expected \"mysql\" or \"postgresql\""},
        BadCase{R"({"type": "mysql"})", "parameter 'name' is missing"},
        BadCase{R"({"type": "mysql", "name": "x", "colour": 1})",
                "unknown lease-database parameter 'colour'"},
        BadCase{R"({"type": "mysql", "name": "x", "port": 70000})",
                "parameter 'port' must be between 0 and 65535"},
        BadCase{R"({"type": "mysql", "name": "x", "port": "3306"})",
                "parameter 'port' must be an integer"},
        BadCase{R"({"type": "mysql", "name": "x", "connect-timeout": 0})",
                "'connect-timeout' must be between 1"},
        BadCase{R"({"type": "mysql", "name": "x", "reconnect-wait-time": -1})",
                "'reconnect-wait-time' must be between 0 and 4294967295"},
        BadCase{R"({"type": "mysql", "name": "x", "on-fail": "retry"})",
                "expected \"stop-retry-exit\", \"serve-retry-exit\" or \"serve-retry-continue\""},
        BadCase{R"({"type": "mysql", "name": "x", "readonly": "yes"})",
                "'readonly' must be true or false"},
        BadCase{R"({"type": "mysql", "name": "x", "password": 5})", "'password' must be a string"},
        BadCase{R"({"type": "mysql", "name": "x", "cert-file": "/c"})",
                "'cert-file' and 'key-file' must be given together"},
        BadCase{R"({"type": "postgresql", "name": "x", "read-timeout": 5})",
                "'read-timeout' is supported for type \"mysql\" only"},
        BadCase{R"({"type": "mysql", "name": "x", "cipher-list": "AES"})", "needs TLS"}));

TEST(DatabaseParamsTest, PasswordNeverPrinted) {
  auto p = DatabaseParams::FromJson(
      json{{"type", "mysql"}, {"name", "shoal"}, {"user", "u"}, {"password", "hunter2"}});
  ASSERT_TRUE(p.ok());
  EXPECT_THAT(p->ToString(), Not(HasSubstr("hunter2")));
  EXPECT_THAT(p->ToString(), HasSubstr("password=*****"));
  EXPECT_THAT(p->ToRedactedJson().dump(), Not(HasSubstr("hunter2")));
  EXPECT_FALSE(p->ToRedactedJson().contains("password"));
  EXPECT_THAT(p->Describe(), Not(HasSubstr("hunter2")));
  // The redacted map parses back (without the password).
  auto again = DatabaseParams::FromJson(p->ToRedactedJson());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->name, "shoal");
  EXPECT_EQ(again->password, "");
}

}  // namespace
}  // namespace shoal::db
