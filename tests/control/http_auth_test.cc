#include "control/http_auth.h"

#include "gtest/gtest.h"

namespace shoal::control {
namespace {

TEST(BasicAuthTest, NotRequiredWithoutClients) {
  absl::StatusOr<BasicAuth> auth = BasicAuth::Create("", {});
  ASSERT_TRUE(auth.ok());
  EXPECT_FALSE(auth->required());
  EXPECT_TRUE(auth->Check(""));
  EXPECT_EQ(auth->Challenge(), "Basic realm=\"shoal-dhcp4\"");
}

TEST(BasicAuthTest, ChecksCredentials) {
  // "admin:s3cr3t" and "ops:" in base64.
  absl::StatusOr<BasicAuth> auth = BasicAuth::Create("kea", {{"admin", "s3cr3t"}, {"ops", ""}});
  ASSERT_TRUE(auth.ok());
  EXPECT_TRUE(auth->required());
  EXPECT_TRUE(auth->Check("Basic YWRtaW46czNjcjN0"));
  EXPECT_TRUE(auth->Check("basic YWRtaW46czNjcjN0"));
  EXPECT_TRUE(auth->Check("Basic b3BzOg=="));
  EXPECT_FALSE(auth->Check("Basic YWRtaW46d3Jvbmc="));  // admin:wrong
  EXPECT_FALSE(auth->Check("Bearer YWRtaW46czNjcjN0"));
  EXPECT_FALSE(auth->Check("Basic"));
  EXPECT_FALSE(auth->Check("Basic !!!"));
  EXPECT_FALSE(auth->Check(""));
  EXPECT_EQ(auth->Challenge(), "Basic realm=\"kea\"");
}

TEST(BasicAuthTest, RejectsBadUsers) {
  EXPECT_EQ(BasicAuth::Create("", {{"", "x"}}).status().code(), absl::StatusCode::kInvalidArgument);
  absl::StatusOr<BasicAuth> colon = BasicAuth::Create("", {{"a:b", "x"}});
  ASSERT_FALSE(colon.ok());
  EXPECT_NE(colon.status().message().find("a:b"), absl::string_view::npos);
}

TEST(BasicAuthTest, RealmIsQuoted) {
  absl::StatusOr<BasicAuth> auth = BasicAuth::Create("a \"b\"", {{"u", "p"}});
  ASSERT_TRUE(auth.ok());
  EXPECT_EQ(auth->Challenge(), "Basic realm=\"a \\\"b\\\"\"");
}

}  // namespace
}  // namespace shoal::control
