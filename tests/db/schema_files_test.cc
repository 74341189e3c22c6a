// The embedded migrations: well formed, and the same versions for both
// databases.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "db/pgsql_connection.h"
#include "db/schema.h"

namespace shoal::db {
namespace {

using ::testing::ElementsAre;

TEST(SchemaFilesTest, BothDialectsHaveTheSameVersionChain) {
  auto my = Migrations(Dialect::kMySql);
  auto pg = Migrations(Dialect::kPostgreSql);
  ASSERT_TRUE(my.ok()) << my.status();
  ASSERT_TRUE(pg.ok()) << pg.status();
  ASSERT_EQ(my->size(), pg->size());
  ASSERT_GE(my->size(), 2u) << "keep at least two migrations so the upgrade path is tested";
  for (size_t i = 0; i < my->size(); ++i) {
    EXPECT_EQ((*my)[i].file_name, (*pg)[i].file_name);
    EXPECT_EQ((*my)[i].version, (*pg)[i].version);
    EXPECT_EQ((*my)[i].number, static_cast<int>(i + 1));
  }
  EXPECT_EQ(my->front().version, (SchemaVersion{1, 0}));
  EXPECT_EQ(RequiredSchemaVersion(Dialect::kMySql), my->back().version);
}

// Lease writes must never pay for a trigger (many nodes write leases
// concurrently); only the configuration tables (the change feed, migration
// 0006) and the host tables (their change feed, migration 0009; written
// rarely, by operators) have them.
TEST(SchemaFilesTest, TriggersOnlyOnConfigurationAndHostTables) {
  for (Dialect d : {Dialect::kMySql, Dialect::kPostgreSql}) {
    auto ms = Migrations(d);
    ASSERT_TRUE(ms.ok());
    int triggers = 0;
    int host_triggers = 0;
    for (const Migration& m : *ms) {
      for (const std::string& s : m.statements) {
        size_t at = s.find("CREATE TRIGGER");
        if (at == std::string::npos) continue;
        ++triggers;
        size_t on = s.find(" ON ", at);
        ASSERT_NE(on, std::string::npos) << s;
        std::string table = s.substr(on + 4, s.find_first_of(" \n", on + 4) - on - 4);
        if (table == "hosts" || table == "dhcp4_options") {
          ++host_triggers;
          continue;
        }
        EXPECT_EQ(table.substr(0, 8), "config4_") << m.file_name << ": " << s;
      }
    }
    EXPECT_GT(triggers, 10);
    EXPECT_GE(host_triggers, 2);
  }
}

TEST(SchemaFilesTest, CompoundStatementsRunToTheirEndMarker) {
  auto s = SplitSqlStatements(
      "CREATE TABLE a (x INT);\n-- compound statement begin\nCREATE TRIGGER t AFTER INSERT ON a\n"
      "BEGIN\n  CALL p(1);\n  CALL p(2);\nEND;\n-- compound statement end\nSELECT 1;");
  EXPECT_THAT(s, ElementsAre("CREATE TABLE a (x INT)",
                             "CREATE TRIGGER t AFTER INSERT ON a\nBEGIN\n  CALL p(1);\n  CALL "
                             "p(2);\nEND",
                             "SELECT 1"));
}

TEST(SchemaFilesTest, SplitsOnLinesEndingWithSemicolon) {
  auto s = SplitSqlStatements(
      "-- comment;\n\nCREATE TABLE a (\n  x INT -- not; the end\n);\n"
      "INSERT INTO a VALUES (1), (2);\n  -- trailing comment\nSELECT 'a;b' FROM a;");
  EXPECT_THAT(s, ElementsAre("CREATE TABLE a (\n  x INT -- not; the end\n)",
                             "INSERT INTO a VALUES (1), (2)", "SELECT 'a;b' FROM a"));
}

TEST(SchemaFilesTest, VersionsCompare) {
  EXPECT_LT((SchemaVersion{1, 9}), (SchemaVersion{2, 0}));
  EXPECT_LT((SchemaVersion{2, 0}), (SchemaVersion{2, 1}));
  EXPECT_EQ((SchemaVersion{14, 0}).ToString(), "14.0");
}

TEST(PlaceholderTest, NumbersQuestionMarksOutsideQuotes) {
  EXPECT_EQ(internal::NumberPlaceholders("SELECT a FROM t WHERE a = ? AND b = '?' AND c = ?"),
            "SELECT a FROM t WHERE a = $1 AND b = '?' AND c = $2");
  EXPECT_EQ(internal::NumberPlaceholders("SELECT \"q?\" FROM t -- why?\nWHERE x = ?"),
            "SELECT \"q?\" FROM t -- why?\nWHERE x = $1");
  EXPECT_EQ(internal::NumberPlaceholders("SELECT 'it''s ?', ?"), "SELECT 'it''s ?', $1");
}

}  // namespace
}  // namespace shoal::db
