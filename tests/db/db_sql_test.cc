// The database layer and the schema against a real MariaDB or PostgreSQL
// (SHOAL_TEST_DIALECT picks which; servers from `scripts/db.sh start`).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "db/connection.h"
#include "db/connection_pool.h"
#include "db/schema.h"
#include "tests/db/test_database.h"

namespace shoal::db {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const Dialect kDialect = testing::DialectFromName(SHOAL_TEST_DIALECT);

class DbSqlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = testing::ScratchDatabase::Create(kDialect);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    auto c = db_->Connect();
    ASSERT_TRUE(c.ok()) << c.status();
    conn_ = *std::move(c);
  }

  std::unique_ptr<testing::ScratchDatabase> db_;
  std::unique_ptr<Connection> conn_;
};

TEST_F(DbSqlTest, InitOnEmptyDatabaseCreatesNewestSchema) {
  auto v = InitSchema(*conn_);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, RequiredSchemaVersion(kDialect));
  auto read = ReadSchemaVersion(*conn_);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ(**read, *v);
  auto tables = ListTables(*conn_);
  ASSERT_TRUE(tables.ok());
  EXPECT_THAT(*tables,
              ::testing::IsSupersetOf({"lease4", "hosts", "host_identifier_type", "dhcp4_options",
                                       "dhcp_option_scope", "lease_state", "schema_version"}));
  EXPECT_TRUE(CheckSchemaVersion(*conn_).ok());
}

TEST_F(DbSqlTest, InitRefusesNonEmptyDatabase) {
  ASSERT_TRUE(conn_->ExecuteDirect("CREATE TABLE operator_data (x INT)").ok());
  auto v = InitSchema(*conn_);
  ASSERT_TRUE(absl::IsFailedPrecondition(v.status())) << v.status();
  EXPECT_THAT(std::string(v.status().message()), HasSubstr("expected an empty database"));
  EXPECT_THAT(std::string(v.status().message()), HasSubstr("operator_data"));
  auto tables = ListTables(*conn_);
  ASSERT_TRUE(tables.ok());
  EXPECT_THAT(*tables, ElementsAre("operator_data"));  // untouched
}

TEST_F(DbSqlTest, UpgradeFromEveryEarlierVersion) {
  auto migrations = Migrations(kDialect);
  ASSERT_TRUE(migrations.ok());
  for (size_t i = 0; i + 1 < migrations->size(); ++i) {
    SCOPED_TRACE((*migrations)[i].file_name);
    auto db = testing::ScratchDatabase::Create(kDialect);
    ASSERT_TRUE(db.ok()) << db.status();
    auto c = (*db)->Connect();
    ASSERT_TRUE(c.ok());
    auto v = InitSchema(**c, (*migrations)[i].version);
    ASSERT_TRUE(v.ok()) << v.status();
    EXPECT_EQ(*v, (*migrations)[i].version);
    // The node refuses the old schema and says what to run.
    absl::Status check = CheckSchemaVersion(**c);
    EXPECT_TRUE(absl::IsFailedPrecondition(check));
    EXPECT_THAT(std::string(check.message()),
                HasSubstr(absl::StrCat("has schema version ", v->ToString(),
                                       ", this shoal-dhcp4 "
                                       "needs ",
                                       RequiredSchemaVersion(kDialect).ToString(), ": run `",
                                       "shoal-admin db-upgrade ",
                                       std::string(AdminBackendName(kDialect)))));
    auto up = UpgradeSchema(**c);
    ASSERT_TRUE(up.ok()) << up.status();
    EXPECT_EQ(up->from, (*migrations)[i].version);
    EXPECT_EQ(up->to, migrations->back().version);
    EXPECT_EQ(up->applied.size(), migrations->size() - i - 1);
    EXPECT_TRUE(CheckSchemaVersion(**c).ok());
  }
}

TEST_F(DbSqlTest, UpgradeIsANoOpOnCurrentSchema) {
  ASSERT_TRUE(InitSchema(*conn_).ok());
  auto up = UpgradeSchema(*conn_);
  ASSERT_TRUE(up.ok()) << up.status();
  EXPECT_TRUE(up->applied.empty());
  EXPECT_EQ(up->from, up->to);
}

TEST_F(DbSqlTest, UpgradeUpgradedSchemaMatchesFreshSchema) {
  // Indexes created by 0002 exist after an upgrade from 1.0 too.
  ASSERT_TRUE(InitSchema(*conn_, SchemaVersion{1, 0}).ok());
  ASSERT_TRUE(UpgradeSchema(*conn_).ok());
  Statement index_query(
      "SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = DATABASE() "
      "AND index_name = 'lease4_by_hostname'",
      "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() "
      "AND indexname = 'lease4_by_hostname'");
  auto r = conn_->Query(index_query);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_GE(*r->rows[0].Int64(0), 1);
}

TEST_F(DbSqlTest, VersionChecks) {
  absl::Status none = CheckSchemaVersion(*conn_);
  EXPECT_TRUE(absl::IsFailedPrecondition(none));
  EXPECT_THAT(std::string(none.message()), HasSubstr("has no shoal schema"));
  EXPECT_THAT(std::string(none.message()), HasSubstr("shoal-admin db-init"));
  ASSERT_TRUE(InitSchema(*conn_).ok());
  SchemaVersion v = RequiredSchemaVersion(kDialect);
  EXPECT_TRUE(CheckSchemaVersion(*conn_, "shoal-dhcp4", v).ok());
  // A newer minor version is compatible; a newer major is not.
  EXPECT_TRUE(CheckSchemaVersion(*conn_, "shoal-dhcp4", SchemaVersion{v.major, 0}).ok());
  ASSERT_TRUE(conn_
                  ->Execute("UPDATE schema_version SET version = ?, minor = ?",
                            {int64_t{v.major + 1}, int64_t{0}})
                  .ok());
  absl::Status newer = CheckSchemaVersion(*conn_);
  EXPECT_TRUE(absl::IsFailedPrecondition(newer));
  EXPECT_THAT(std::string(newer.message()),
              HasSubstr(absl::StrCat("has schema version ", v.major + 1,
                                     ".0, newer than this shoal-dhcp4 supports")));
  auto up = UpgradeSchema(*conn_);
  EXPECT_TRUE(absl::IsFailedPrecondition(up.status()));
  // Kea's own version numbers are not shoal versions.
  ASSERT_TRUE(conn_->Execute("UPDATE schema_version SET version = 1, minor = 5").ok());
  up = UpgradeSchema(*conn_);
  EXPECT_TRUE(absl::IsFailedPrecondition(up.status()));
  EXPECT_THAT(std::string(up.status().message()), HasSubstr("which no shoal migration produces"));
}

TEST_F(DbSqlTest, ErrorMapping) {
  ASSERT_TRUE(InitSchema(*conn_).ok());
  Statement insert(
      "INSERT INTO lease4 (address, hwaddr, valid_lifetime, expire, subnet_id, state) "
      "VALUES (?, ?, 3600, FROM_UNIXTIME(?), 1, 0)",
      "INSERT INTO lease4 (address, hwaddr, valid_lifetime, expire, subnet_id, state) "
      "VALUES (?, ?, 3600, to_timestamp(?), 1, 0)");
  Bytes mac = {0, 1, 2, 3, 4, 5};
  ASSERT_TRUE(conn_->Execute(insert, {int64_t{3221225985}, mac, int64_t{1700000000}}).ok());
  auto dup = conn_->Execute(insert, {int64_t{3221225985}, mac, int64_t{1700000000}});
  EXPECT_TRUE(absl::IsAlreadyExists(dup.status())) << dup.status();
  EXPECT_THAT(std::string(dup.status().message()), HasSubstr(db_->params().name));

  auto syntax = conn_->Query("SELEC nothing FROM nowhere");
  EXPECT_TRUE(absl::IsInternal(syntax.status())) << syntax.status();
  EXPECT_TRUE(conn_->healthy());

  auto no_table = conn_->Query("SELECT x FROM no_such_table");
  EXPECT_TRUE(absl::IsNotFound(no_table.status())) << no_table.status();

  DatabaseParams bad = db_->params();
  bad.password = "definitely-wrong";
  auto denied = Connect(bad);
  EXPECT_TRUE(absl::IsPermissionDenied(denied.status())) << denied.status();
  EXPECT_THAT(std::string(denied.status().message()), ::testing::Not(HasSubstr("definitely")));

  DatabaseParams missing = db_->params();
  missing.name = "shoal_no_such_database";
  EXPECT_TRUE(absl::IsNotFound(Connect(missing).status())) << Connect(missing).status();

  DatabaseParams refused = db_->params();
  refused.host = "127.0.0.1";
  refused.port = 1;  // nothing listens there
  EXPECT_TRUE(absl::IsUnavailable(Connect(refused).status())) << Connect(refused).status();
}

TEST_F(DbSqlTest, ConditionalUpdateThatMatchesNothingIsAborted) {
  ASSERT_TRUE(InitSchema(*conn_).ok());
  ASSERT_TRUE(conn_
                  ->Execute("INSERT INTO lease4 (address, valid_lifetime, subnet_id, state) "
                            "VALUES (1, 3600, 1, 0)")
                  .ok());
  Statement update("UPDATE lease4 SET subnet_id = ? WHERE address = ? AND valid_lifetime = ?");
  // Matched but unchanged still counts as matched (CLIENT_FOUND_ROWS on MySQL).
  EXPECT_TRUE(RequireRowMatched(conn_->Execute(update, {int64_t{1}, int64_t{1}, int64_t{3600}}),
                                "lease 0.0.0.1")
                  .ok());
  absl::Status lost = RequireRowMatched(
      conn_->Execute(update, {int64_t{2}, int64_t{1}, int64_t{7200}}), "lease 0.0.0.1");
  EXPECT_TRUE(absl::IsAborted(lost)) << lost;
}

// lease4.state takes lease_state's states only (a CHECK since 2.3, a
// foreign key before), and NULL; no index is left behind for the old key.
TEST_F(DbSqlTest, LeaseStateIsCheckedWithoutAForeignKey) {
  ASSERT_TRUE(InitSchema(*conn_).ok());
  Statement insert("INSERT INTO lease4 (address, subnet_id, state) VALUES (?, 1, ?)");
  for (int64_t state : {0, 1, 2}) {
    auto added = conn_->Execute(insert, {state + 1, state});
    EXPECT_TRUE(added.ok()) << "state " << state << ": " << added.status();
  }
  EXPECT_TRUE(conn_->Execute(insert, {int64_t{10}, std::nullopt}).ok());
  auto unknown = conn_->Execute(insert, {int64_t{11}, int64_t{3}});
  EXPECT_FALSE(unknown.ok());
  EXPECT_THAT(std::string(unknown.status().message()), HasSubstr("lease4_state_known"));
  const bool pg = kDialect == Dialect::kPostgreSql;
  auto foreign = conn_->Query(Statement(
      pg ? "SELECT conname FROM pg_constraint WHERE conrelid = 'lease4'::regclass AND contype = 'f'"
         : "SELECT constraint_name FROM information_schema.referential_constraints "
           "WHERE constraint_schema = DATABASE() AND table_name = 'lease4'"));
  ASSERT_TRUE(foreign.ok()) << foreign.status();
  EXPECT_TRUE(foreign->rows.empty());
  if (!pg) {
    auto index = conn_->Query(
        "SELECT index_name FROM information_schema.statistics WHERE table_schema = DATABASE() "
        "AND table_name = 'lease4' AND index_name = 'fk_lease4_state'");
    ASSERT_TRUE(index.ok()) << index.status();
    EXPECT_TRUE(index->rows.empty());
  }
}

TEST_F(DbSqlTest, ValuesRoundTrip) {
  ASSERT_TRUE(InitSchema(*conn_).ok());
  Bytes binary = {0x00, 0xff, 0x27, 0x5c, 0x00, 0x80};  // NUL, quote, backslash
  ASSERT_TRUE(conn_
                  ->Execute("INSERT INTO lease4 (address, hwaddr, client_id, valid_lifetime, "
                            "subnet_id, hostname, state, user_context) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            {int64_t{4294967295}, binary, Param(), uint32_t{4294967295u},
                             uint32_t{7}, "host,name'\"", int64_t{2}, "{\"a\": \"\\u00e9\"}"})
                  .ok());
  auto r = conn_->Query(
      "SELECT address, hwaddr, client_id, valid_lifetime, subnet_id, hostname, state, "
      "user_context FROM lease4 WHERE hwaddr = ?",
      {binary});
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->rows.size(), 1u);
  const Row& row = r->rows[0];
  EXPECT_EQ(*row.Int64(0), 4294967295);
  EXPECT_EQ(row.BytesOrEmpty(1), binary);
  EXPECT_TRUE(row.IsNull(2));
  EXPECT_EQ(*row.Int64(3), 4294967295);
  EXPECT_EQ(*row.Int64(4), 7);
  EXPECT_EQ(row.StringOr(5), "host,name'\"");
  EXPECT_EQ(*row.Int64(6), 2);
  EXPECT_EQ(row.StringOr(7), "{\"a\": \"\\u00e9\"}");
}

TEST_F(DbSqlTest, TransactionsCommitAndRollBack) {
  ASSERT_TRUE(InitSchema(*conn_).ok());
  Statement insert(
      "INSERT INTO lease4 (address, valid_lifetime, subnet_id, state) "
      "VALUES (?, 60, 1, 0)");
  {
    Transaction t(*conn_);
    ASSERT_TRUE(t.status().ok());
    EXPECT_TRUE(conn_->in_transaction());
    for (int64_t a = 1; a <= 50; ++a) ASSERT_TRUE(conn_->Execute(insert, {a}).ok());
    ASSERT_TRUE(t.Commit().ok());
  }
  {
    Transaction t(*conn_);
    ASSERT_TRUE(conn_->Execute(insert, {int64_t{100}}).ok());
    // Destroyed without Commit: rolled back.
  }
  EXPECT_FALSE(conn_->in_transaction());
  auto count = conn_->Query("SELECT COUNT(*) FROM lease4");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count->rows[0].Int64(0), 50);
}

TEST_F(DbSqlTest, ReadOnlySessionsRejectWrites) {
  ASSERT_TRUE(InitSchema(*conn_).ok());
  DatabaseParams ro = db_->params();
  ro.readonly = true;
  auto c = Connect(ro);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE((*c)->Query("SELECT COUNT(*) FROM hosts").ok());
  auto w = (*c)->Execute("DELETE FROM hosts");
  EXPECT_TRUE(absl::IsPermissionDenied(w.status())) << w.status();
}

// A store whose every query has an index asks for index-only planning:
// PostgreSQL never plans a sequential scan, MariaDB estimates an IN list
// from index statistics (no B-tree dive per value); other sessions keep the
// server's defaults.
TEST_F(DbSqlTest, IndexScansOnlySessionsPlanForIndexes) {
  const bool pg = kDialect == Dialect::kPostgreSql;
  const Statement setting(pg ? "SELECT current_setting('enable_seqscan')"
                             : "SELECT @@SESSION.eq_range_index_dive_limit");
  DatabaseParams indexed = db_->params();
  indexed.index_scans_only = true;
  auto c = Connect(indexed);
  ASSERT_TRUE(c.ok()) << c.status();
  auto got = (*c)->Query(setting);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->rows.size(), 1u);
  EXPECT_EQ(got->rows[0].StringOr(0), pg ? "off" : "1");
  auto plain = conn_->Query(setting);
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_NE(plain->rows[0].StringOr(0), pg ? "off" : "1");
}

// The reservation idioms in docs/sql-schema.md: run exactly as documented,
// then read back the way the host store reads a reservation.
std::vector<std::string> DocumentedIdioms(std::string_view tag) {
  const char* src = std::getenv("SHOAL_SOURCE_DIR");
  if (src == nullptr) return {};
  std::ifstream f(std::string(src) + "/docs/sql-schema.md");
  std::stringstream ss;
  ss << f.rdbuf();
  std::vector<std::string> blocks;
  std::string marker = absl::StrCat("<!-- idiom: ", std::string(tag), " -->");
  std::string text = ss.str();
  for (size_t at = text.find(marker); at != std::string::npos; at = text.find(marker, at + 1)) {
    size_t open = text.find("```sql\n", at);
    size_t close = text.find("\n```", open + 7);
    if (open == std::string::npos || close == std::string::npos) break;
    blocks.push_back(text.substr(open + 7, close - open - 7));
  }
  return blocks;
}

TEST_F(DbSqlTest, DocumentedReservationIdiomsWork) {
  ASSERT_TRUE(InitSchema(*conn_).ok());
  std::vector<std::string> blocks =
      DocumentedIdioms(kDialect == Dialect::kMySql ? "mysql" : "pgsql");
  ASSERT_EQ(blocks.size(), 3u) << "docs/sql-schema.md idiom blocks not found";
  for (const std::string& block : blocks) {
    for (const std::string& statement : SplitSqlStatements(block)) {
      ASSERT_TRUE(conn_->ExecuteDirect(statement).ok()) << conn_->ExecuteDirect(statement) << "\n"
                                                        << statement;
    }
  }
  // The host store's lookup: by identifier, type and subnet, with options.
  Statement lookup(
      "SELECT h.host_id, h.dhcp_identifier, h.dhcp_identifier_type, h.dhcp4_subnet_id, "
      "h.ipv4_address, h.hostname, h.dhcp4_client_classes, h.dhcp4_next_server, "
      "h.dhcp4_server_hostname, h.dhcp4_boot_file_name, o.code, o.formatted_value, o.space, "
      "o.persistent, o.scope_id "
      "FROM hosts h LEFT JOIN dhcp4_options o ON o.host_id = h.host_id "
      "WHERE h.dhcp_identifier = ? AND h.dhcp_identifier_type = ? AND h.dhcp4_subnet_id = ? "
      "ORDER BY o.option_id");
  auto mac = conn_->Query(lookup, {Bytes{0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f}, 0, 1});
  ASSERT_TRUE(mac.ok()) << mac.status();
  ASSERT_EQ(mac->rows.size(), 1u);
  const Row& m = mac->rows[0];
  EXPECT_EQ(*m.Int64(4), 0xc00002c9);  // 192.0.2.201
  EXPECT_EQ(m.StringOr(5), "printer-1.example.org");
  EXPECT_EQ(*m.Int64(10), 6);
  EXPECT_EQ(m.StringOr(11), "192.0.2.53, 192.0.2.54");
  EXPECT_EQ(m.StringOr(12), "dhcp4");
  EXPECT_FALSE(*m.Bool(13));
  EXPECT_EQ(*m.Int64(14), 3);

  auto cid = conn_->Query(lookup, {Bytes{0x01, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66}, 3, 0});
  ASSERT_TRUE(cid.ok()) << cid.status();
  ASSERT_EQ(cid->rows.size(), 1u);
  const Row& c = cid->rows[0];
  EXPECT_EQ(*c.Int64(4), 0xc00002ca);  // 192.0.2.202
  EXPECT_EQ(c.StringOr(5), "pxe-1.example.org");
  EXPECT_EQ(c.StringOr(6), "pxe,lab");
  EXPECT_EQ(*c.Int64(7), 0xc0000201);  // 192.0.2.1
  EXPECT_EQ(c.StringOr(8), "boot.example.org");
  EXPECT_EQ(c.StringOr(9), "pxelinux.0");
  EXPECT_TRUE(c.IsNull(10));  // no options

  auto circuit = conn_->Query(lookup, {Bytes{0x00, 0x04, 0x0a, 0x00, 0x01, 0x01}, 2, 2});
  ASSERT_TRUE(circuit.ok()) << circuit.status();
  ASSERT_EQ(circuit->rows.size(), 1u);
  EXPECT_TRUE(circuit->rows[0].IsNull(4));
  EXPECT_EQ(circuit->rows[0].StringOr(5), "port-1.example.org");

  // The schema enforces one reservation per identifier, type and subnet.
  for (const std::string& statement : SplitSqlStatements(blocks[1])) {
    EXPECT_TRUE(absl::IsAlreadyExists(conn_->ExecuteDirect(statement)));
  }
  // Deleting a host deletes its options.
  ASSERT_TRUE(
      conn_->Execute("DELETE FROM hosts WHERE hostname = ?", {"printer-1.example.org"}).ok());
  auto options = conn_->Query("SELECT COUNT(*) FROM dhcp4_options");
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(*options->rows[0].Int64(0), 0);
}

TEST_F(DbSqlTest, PoolHandsOutWorkingConnections) {
  ASSERT_TRUE(InitSchema(*conn_).ok());
  ConnectionPool::Options options;
  options.max_connections = 3;
  auto pool = ConnectionPool::Create(db_->params(), options);
  ASSERT_TRUE(pool.ok()) << pool.status();
  std::vector<ConnectionPool::Handle> handles;
  for (int i = 0; i < 3; ++i) {
    auto h = (*pool)->Acquire();
    ASSERT_TRUE(h.ok()) << h.status();
    EXPECT_TRUE(CheckSchemaVersion(**h).ok());
    handles.push_back(*std::move(h));
  }
}

}  // namespace
}  // namespace shoal::db
