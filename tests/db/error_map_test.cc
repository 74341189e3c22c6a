#include "db/error_map.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace shoal::db {
namespace {

using ::testing::HasSubstr;

TEST(ErrorMapTest, MySql) {
  EXPECT_TRUE(absl::IsAlreadyExists(MapMySqlError(1062, "23000", "Duplicate entry", "x")));
  EXPECT_TRUE(absl::IsAborted(MapMySqlError(1213, "40001", "Deadlock", "x")));
  EXPECT_TRUE(absl::IsPermissionDenied(MapMySqlError(1045, "28000", "Access denied", "x")));
  EXPECT_TRUE(absl::IsNotFound(MapMySqlError(1146, "42S02", "no table", "x")));
  EXPECT_TRUE(absl::IsUnavailable(MapMySqlError(2013, "HY000", "Lost connection", "x")));
  EXPECT_TRUE(absl::IsUnavailable(MapMySqlError(2006, "HY000", "gone away", "x")));
  EXPECT_TRUE(absl::IsUnavailable(MapMySqlError(0, "08S01", "link failure", "x")));
  EXPECT_TRUE(absl::IsInternal(MapMySqlError(1064, "42000", "syntax", "x")));
  absl::Status s = MapMySqlError(1062, "23000", "  Duplicate entry '1'\n", "database d on h:1");
  EXPECT_EQ(s.message(), "database d on h:1: Duplicate entry '1'");
}

TEST(ErrorMapTest, PgSql) {
  EXPECT_TRUE(absl::IsAlreadyExists(MapPgSqlError("23505", "dup", false, "x")));
  EXPECT_TRUE(absl::IsAborted(MapPgSqlError("40001", "serialize", false, "x")));
  EXPECT_TRUE(absl::IsAborted(MapPgSqlError("40P01", "deadlock", false, "x")));
  EXPECT_TRUE(absl::IsPermissionDenied(MapPgSqlError("28P01", "auth", false, "x")));
  EXPECT_TRUE(absl::IsNotFound(MapPgSqlError("42P01", "no table", false, "x")));
  EXPECT_TRUE(absl::IsNotFound(MapPgSqlError("3D000", "no db", false, "x")));
  EXPECT_TRUE(absl::IsUnavailable(MapPgSqlError("57P01", "admin shutdown", false, "x")));
  EXPECT_TRUE(absl::IsUnavailable(MapPgSqlError("08006", "conn failure", false, "x")));
  EXPECT_TRUE(absl::IsUnavailable(MapPgSqlError("", "server closed", true, "x")));
  EXPECT_TRUE(absl::IsInternal(MapPgSqlError("42601", "syntax", false, "x")));
  EXPECT_THAT(std::string(MapPgSqlError("42601", "ERROR: syntax", false, "ctx").message()),
              HasSubstr("ctx: ERROR: syntax"));
}

}  // namespace
}  // namespace shoal::db
