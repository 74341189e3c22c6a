// What a remote-* write relies on in the database, against a real MySQL /
// MariaDB or PostgreSQL server (SHOAL_TEST_DIALECT): one revision per
// write naming its actor and command, nothing left behind by a rolled-back
// write, the subnet range columns the triggers keep, the indexed overlap
// lookup, and the checks run inside a write.
#include "config_backend/config_checks.h"
#include "config_backend/config_tables.h"
#include "config_backend/config_write.h"
#include "db/schema.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/db/test_database.h"

namespace shoal::config_backend {
namespace {

using ::testing::HasSubstr;

const db::Dialect kDialect = db::testing::DialectFromName(SHOAL_TEST_DIALECT);

class ConfigWriteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto scratch = db::testing::ScratchDatabase::Create(kDialect);
    ASSERT_TRUE(scratch.ok()) << scratch.status();
    db_ = std::move(*scratch);
    auto c = db_->Connect();
    ASSERT_TRUE(c.ok()) << c.status();
    sql_ = std::move(*c);
    ASSERT_TRUE(db::InitSchema(*sql_).ok());
  }

  void Sql(const std::string& text) {
    absl::Status s = sql_->ExecuteDirect(text);
    ASSERT_TRUE(s.ok()) << text << ": " << s;
  }
  std::vector<std::vector<std::string>> Rows(const std::string& text) {
    auto rs = sql_->Query(db::Statement(text));
    EXPECT_TRUE(rs.ok()) << text << ": " << rs.status();
    std::vector<std::vector<std::string>> out;
    if (!rs.ok()) return out;
    for (const db::Row& row : rs->rows) {
      std::vector<std::string> r;
      for (size_t i = 0; i < 4; ++i) r.push_back(row.IsNull(i) ? "NULL" : row.StringOr(i));
      out.push_back(std::move(r));
    }
    return out;
  }
  int64_t Head() { return std::stoll(Rows("SELECT revision FROM config4_head WHERE id = 1")[0][0]); }

  void PutSubnet(ConfigTables& t, uint32_t id, const std::string& prefix, TagSet tags) {
    ASSERT_TRUE(t.PutSubnet(StoredSubnet{id, prefix, "", "{}"}, false).ok());
    ASSERT_TRUE(t.SetTags(SharedKind::kSubnet, std::to_string(id), tags).ok());
  }

  std::unique_ptr<db::testing::ScratchDatabase> db_;
  std::unique_ptr<db::Connection> sql_;
};

TEST_F(ConfigWriteTest, OneRevisionPerWriteWithActorAndCommand) {
  int64_t before = Head();
  {
    auto write = ConfigWrite::Begin(*sql_, "api@node1", "remote-subnet4-set");
    ASSERT_TRUE(write.ok()) << write.status();
    ConfigTables t((*write)->connection());
    ASSERT_TRUE(t.PutServer({"site-a", ""}).ok());
    PutSubnet(t, 5, "192.0.2.0/24", {"site-a", "all"});
    ASSERT_TRUE((*write)->Commit().ok());
  }
  int64_t after = Head();
  EXPECT_EQ(after, before + 1);
  auto revision = Rows(absl::StrCat("SELECT actor, command FROM config4_revision WHERE revision = ",
                                    after));
  ASSERT_EQ(revision.size(), 1u);
  EXPECT_EQ(revision[0][0], "api@node1");
  EXPECT_EQ(revision[0][1], "remote-subnet4-set");
  auto changes = Rows(absl::StrCat("SELECT COUNT(*) FROM config4_change WHERE revision = ", after));
  EXPECT_EQ(changes[0][0], "4");  // server, subnet, two bindings

  // Plain SQL afterwards on the same session is its own revision again.
  Sql("INSERT INTO config4_global_parameter (name, server_tag, value) VALUES ('a', 'all', '1')");
  EXPECT_EQ(Head(), after + 1);
  EXPECT_EQ(Rows(absl::StrCat("SELECT command FROM config4_revision WHERE revision = ",
                              after + 1))[0][0],
            "");
}

TEST_F(ConfigWriteTest, RolledBackWriteLeavesNothingBehind) {
  int64_t before = Head();
  {
    auto write = ConfigWrite::Begin(*sql_, "api@node1", "remote-subnet4-set");
    ASSERT_TRUE(write.ok());
    ConfigTables t((*write)->connection());
    PutSubnet(t, 5, "192.0.2.0/24", {"all"});
  }  // destroyed uncommitted
  EXPECT_EQ(Head(), before);
  EXPECT_TRUE(Rows("SELECT subnet_id FROM config4_subnet").empty());
  // A later plain-SQL change on the same session takes a new revision of its
  // own rather than joining the abandoned one.
  Sql("INSERT INTO config4_global_parameter (name, server_tag, value) VALUES ('a', 'all', '1')");
  int64_t head = Head();
  EXPECT_EQ(head, before + 1);
  EXPECT_EQ(Rows(absl::StrCat("SELECT COUNT(*) FROM config4_revision WHERE revision = ", head))[0][0],
            "1");
}

TEST_F(ConfigWriteTest, TriggersKeepTheSubnetRange) {
  Sql("INSERT INTO config4_subnet (subnet_id, prefix, definition) VALUES "
      "(1, '192.0.2.0/24', '{}'), (2, '10.1.2.3/8', '{}'), (3, 'garbage', '{}'), "
      "(4, '300.1.1.1/24', '{}'), (5, '0.0.0.0/0', '{}')");
  auto rows = Rows("SELECT subnet_id, first_address, last_address FROM config4_subnet "
                   "ORDER BY subnet_id");
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0][1], "3221225984");  // 192.0.2.0
  EXPECT_EQ(rows[0][2], "3221226239");  // 192.0.2.255
  EXPECT_EQ(rows[1][1], "167772160");   // host bits cleared: 10.0.0.0
  EXPECT_EQ(rows[1][2], "184549375");   // 10.255.255.255
  EXPECT_EQ(rows[2][1], "NULL");
  EXPECT_EQ(rows[3][1], "NULL");
  EXPECT_EQ(rows[4][1], "0");
  EXPECT_EQ(rows[4][2], "4294967295");
  Sql("UPDATE config4_subnet SET prefix = '198.51.100.0/25' WHERE subnet_id = 1");
  rows = Rows("SELECT subnet_id, first_address, last_address FROM config4_subnet "
              "WHERE subnet_id = 1");
  EXPECT_EQ(rows[0][1], "3325256704");
  EXPECT_EQ(rows[0][2], "3325256831");
}

TEST_F(ConfigWriteTest, OverlapLookupFindsContainingAndContainedSubnets) {
  ConfigTables t(*sql_);
  PutSubnet(t, 1, "10.0.0.0/8", {"all"});
  PutSubnet(t, 2, "10.1.0.0/16", {"all"});
  PutSubnet(t, 3, "10.1.2.0/24", {"all"});
  PutSubnet(t, 4, "10.2.0.0/16", {"all"});
  PutSubnet(t, 5, "192.0.2.0/24", {"all"});
  auto found = t.SubnetsOverlapping(0x0A010000, 0x0A01FFFF);  // 10.1.0.0/16
  ASSERT_TRUE(found.ok()) << found.status();
  std::vector<uint32_t> ids;
  for (const SubnetRow& r : *found) ids.push_back(r.subnet.id);
  EXPECT_EQ(ids, (std::vector<uint32_t>{1, 2, 3}));
  EXPECT_EQ((*found)[0].tags, TagSet({"all"}));
  auto others = t.SubnetsOverlapping(0x0A010000, 0x0A01FFFF, /*except_id=*/2);
  ASSERT_TRUE(others.ok()) << others.status();
  ids.clear();
  for (const SubnetRow& r : *others) ids.push_back(r.subnet.id);
  EXPECT_EQ(ids, (std::vector<uint32_t>{1, 3}));
}

TEST_F(ConfigWriteTest, ChecksRefuseOverlapOnSharedServersOnly) {
  ConfigTables t(*sql_);
  ASSERT_TRUE(t.PutServer({"a", ""}).ok());
  ASSERT_TRUE(t.PutServer({"b", ""}).ok());
  PutSubnet(t, 1, "10.0.0.0/16", {"a"});
  ConfigChecks checks(*sql_);
  SubnetRow other_site{StoredSubnet{2, "10.0.1.0/24", "", "{}"}, {"b"}};
  PutSubnet(t, 2, "10.0.1.0/24", {"b"});
  EXPECT_TRUE(checks.CheckSubnet(other_site).ok());
  SubnetRow everywhere{StoredSubnet{3, "10.0.2.0/24", "", "{}"}, {"all"}};
  PutSubnet(t, 3, "10.0.2.0/24", {"all"});
  absl::Status s = checks.CheckSubnet(everywhere);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("subnet 10.0.2.0/24 (id 3) overlaps subnet 10.0.0.0/16 (id 1) for "
                        "server tag 'a'"));
  SubnetRow unassigned{StoredSubnet{4, "10.0.3.0/24", "", "{}"}, {}};
  PutSubnet(t, 4, "10.0.3.0/24", {});
  EXPECT_TRUE(checks.CheckSubnet(unassigned).ok());
  SubnetRow bad_pool{StoredSubnet{4, "10.0.3.0/24", "",
                                  R"({"pools": [{"pool": "10.0.4.1 - 10.0.4.9"}]})"},
                     {}};
  EXPECT_THAT(std::string(checks.CheckSubnet(bad_pool).message()),
              HasSubstr("is not inside subnet 10.0.3.0/24"));
}

}  // namespace
}  // namespace shoal::config_backend
