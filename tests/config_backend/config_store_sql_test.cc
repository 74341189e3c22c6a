// The configuration store and change feed against a real MySQL/MariaDB or
// PostgreSQL server (SHOAL_TEST_DIALECT), each test in a scratch database
// with the whole schema: objects written with plain SQL, as an operator
// would, are seen by tag; every change gets a revision; history is pruned;
// a follower applies changes and survives a bad revision.
#include <atomic>
#include <chrono>
#include <thread>

#include "config_backend/config_follower.h"
#include "config_backend/config_store.h"
#include "db/schema.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spdlog/sinks/null_sink.h"
#include "spdlog/spdlog.h"
#include "tests/db/test_database.h"

namespace shoal::config_backend {
namespace {

const db::Dialect kDialect = db::testing::DialectFromName(SHOAL_TEST_DIALECT);
bool Pg() { return kDialect == db::Dialect::kPostgreSql; }

class ConfigStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto scratch = db::testing::ScratchDatabase::Create(kDialect);
    ASSERT_TRUE(scratch.ok()) << scratch.status();
    db_ = std::move(*scratch);
    auto c = db_->Connect();
    ASSERT_TRUE(c.ok()) << c.status();
    sql_ = std::move(*c);
    ASSERT_TRUE(db::InitSchema(*sql_).ok());
    auto store = SqlConfigStore::Create(db_->params());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }

  void Sql(const std::string& text) {
    absl::Status s = sql_->ExecuteDirect(text);
    ASSERT_TRUE(s.ok()) << text << ": " << s;
  }

  uint64_t Head() {
    auto head = store_->ReadHead();
    EXPECT_TRUE(head.ok()) << head.status();
    return head.ok() ? head->revision : 0;
  }

  // A subnet bound to `tag`, as an operator writes it.
  void AddSubnet(int id, absl::string_view prefix, absl::string_view tag) {
    Sql(absl::StrCat("INSERT INTO config4_subnet (subnet_id, prefix, definition) VALUES (", id,
                     ", '", prefix, "', '{\"pools\": []}')"));
    Sql(absl::StrCat("INSERT INTO config4_subnet_server (subnet_id, server_tag) VALUES (", id,
                     ", '", tag, "')"));
  }

  std::unique_ptr<db::testing::ScratchDatabase> db_;
  std::unique_ptr<db::Connection> sql_;
  std::unique_ptr<SqlConfigStore> store_;
};

TEST_F(ConfigStoreTest, EveryPlainSqlChangeGetsARevisionNamingTheObject) {
  uint64_t start = Head();
  AddSubnet(10, "192.0.2.0/24", "all");
  uint64_t after_insert = Head();
  EXPECT_GT(after_insert, start);
  Sql("UPDATE config4_subnet SET definition = '{}' WHERE subnet_id = 10");
  Sql("DELETE FROM config4_subnet_server WHERE subnet_id = 10");
  uint64_t end = Head();
  EXPECT_GT(end, after_insert);
  auto changes = store_->ReadChanges(start, end);
  ASSERT_TRUE(changes.ok()) << changes.status();
  ASSERT_FALSE(changes->empty());
  for (const Change& c : *changes) {
    EXPECT_EQ(c.object_type, "subnet");
    EXPECT_EQ(c.object_key, "10");
    EXPECT_GT(c.revision, start);
    EXPECT_LE(c.revision, end);
  }
  // Revisions are in order and nothing after `end` is returned.
  for (size_t i = 1; i < changes->size(); ++i) {
    EXPECT_LE((*changes)[i - 1].revision, (*changes)[i].revision);
  }
  auto none = store_->ReadChanges(end, end);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

// PostgreSQL: one revision per transaction; MySQL: one per changed row
// (a trigger there cannot tell transactions apart; documented).
TEST_F(ConfigStoreTest, RevisionsPerTransactionOrPerRow) {
  uint64_t start = Head();
  Sql("BEGIN");
  AddSubnet(11, "192.0.3.0/24", "all");
  Sql("INSERT INTO config4_global_parameter (name, server_tag, value) VALUES "
      "('valid-lifetime', 'all', '3600')");
  Sql("COMMIT");
  EXPECT_EQ(Head(), start + (Pg() ? 1 : 3));
}

TEST_F(ConfigStoreTest, ObjectsReachOnlyTheirTagsAndOwnTagBeatsAll) {
  Sql("INSERT INTO config4_server (tag, description) VALUES ('site-a', ''), ('site-b', '')");
  AddSubnet(1, "192.0.2.0/24", "all");
  AddSubnet(2, "198.51.100.0/24", "site-a");
  AddSubnet(3, "203.0.113.0/24", "site-b");
  Sql("INSERT INTO config4_subnet (subnet_id, prefix, definition) VALUES "
      "(4, '192.0.4.0/24', '{}')");  // unassigned: nobody's
  Sql("INSERT INTO config4_global_parameter (name, server_tag, value) VALUES "
      "('valid-lifetime', 'all', '3600'), ('valid-lifetime', 'site-a', '600')");
  auto a = store_->ReadAll("Site-A");  // tags are case-insensitive
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_THAT(a->subnets, ::testing::SizeIs(2));
  EXPECT_TRUE(a->subnets.contains(1));
  EXPECT_TRUE(a->subnets.contains(2));
  EXPECT_EQ(a->globals["valid-lifetime"], "600");
  auto b = store_->ReadAll("site-b");
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->subnets.contains(3));
  EXPECT_FALSE(b->subnets.contains(2));
  EXPECT_EQ(b->globals["valid-lifetime"], "3600");
  auto none = store_->ReadAll("");
  ASSERT_TRUE(none.ok());
  EXPECT_THAT(none->subnets, ::testing::SizeIs(1));
}

TEST_F(ConfigStoreTest, RefreshRereadsOnlyWhatChanged) {
  AddSubnet(1, "192.0.2.0/24", "all");
  AddSubnet(2, "198.51.100.0/24", "all");
  Sql("INSERT INTO config4_shared_network (name, definition) VALUES ('n', '{}')");
  Sql("INSERT INTO config4_shared_network_server (name, server_tag) VALUES ('n', 'all')");
  auto objects = store_->ReadAll("all");
  ASSERT_TRUE(objects.ok());
  uint64_t from = Head();
  Sql("UPDATE config4_subnet SET definition = '{\"valid-lifetime\": 77}' WHERE subnet_id = 2");
  Sql("DELETE FROM config4_subnet_server WHERE subnet_id = 1");
  Sql("DELETE FROM config4_shared_network WHERE name = 'n'");
  AddSubnet(3, "203.0.113.0/24", "all");
  auto changes = store_->ReadChanges(from, Head());
  ASSERT_TRUE(changes.ok());
  ASSERT_TRUE(store_->Refresh("all", *changes, *objects).ok());
  auto fresh = store_->ReadAll("all");
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(*objects, *fresh);
  EXPECT_FALSE(objects->subnets.contains(1));
  EXPECT_EQ(objects->subnets[2].definition, "{\"valid-lifetime\": 77}");
  EXPECT_TRUE(objects->shared_networks.empty());
}

TEST_F(ConfigStoreTest, AllocatesSubnetIdsOnceWhenTheWriterLeavesThemOut) {
  AddSubnet(41, "192.0.41.0/24", "all");
  Sql("INSERT INTO config4_subnet (prefix, definition) VALUES ('192.0.42.0/24', '{}')");
  auto rs = sql_->Query("SELECT subnet_id FROM config4_subnet WHERE prefix = '192.0.42.0/24'");
  ASSERT_TRUE(rs.ok());
  EXPECT_EQ(rs->rows[0].Int64(0).value_or(0), 42);
}

TEST_F(ConfigStoreTest, PruningKeepsWhatLiveNodesNeedAndRecordsWhereItStopped) {
  AddSubnet(1, "192.0.2.0/24", "all");
  uint64_t first = Head();
  NodeRecord node{.node_id = "n1", .server_tag = "all", .hostname = "h", .version = "v",
                  .applied_revision = first, .config_state = "ok",
                  .lease_database_state = "connected", .hosts_database_state = "none"};
  ASSERT_TRUE(store_->PublishNode(node).ok());
  AddSubnet(2, "192.0.3.0/24", "all");
  // Retention 0: everything old enough, but node n1 only applied `first`.
  auto pruned = store_->Prune(0, 60);
  ASSERT_TRUE(pruned.ok()) << pruned.status();
  EXPECT_EQ(*pruned, first);
  auto head = store_->ReadHead();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->pruned_through, first);
  auto left = store_->ReadChanges(0, head->revision);
  ASSERT_TRUE(left.ok());
  ASSERT_FALSE(left->empty());
  EXPECT_GT(left->front().revision, first);
  // Once the node caught up, all of it goes.
  node.applied_revision = head->revision;
  ASSERT_TRUE(store_->PublishNode(node).ok());
  pruned = store_->Prune(0, 60);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, head->revision);
  left = store_->ReadChanges(0, head->revision);
  ASSERT_TRUE(left.ok());
  EXPECT_TRUE(left->empty());
  // A long retention keeps everything.
  AddSubnet(3, "192.0.4.0/24", "all");
  pruned = store_->Prune(3600, 60);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, head->revision);
}

TEST_F(ConfigStoreTest, NodesPublishTheirState) {
  NodeRecord node{.node_id = "n1", .server_tag = "site-a", .hostname = "h1", .version = "0.1",
                  .applied_revision = 5, .config_state = "ok",
                  .lease_database_state = "connected", .hosts_database_state = "none"};
  ASSERT_TRUE(store_->PublishNode(node).ok());
  node.applied_revision = 6;
  ASSERT_TRUE(store_->PublishNode(node).ok());
  auto nodes = store_->ListNodes();
  ASSERT_TRUE(nodes.ok()) << nodes.status();
  ASSERT_EQ(nodes->size(), 1u);
  EXPECT_EQ((*nodes)[0].applied_revision, 6u);
  EXPECT_EQ((*nodes)[0].server_tag, "site-a");
  EXPECT_LE((*nodes)[0].heartbeat_age_seconds, 5);
  ASSERT_TRUE(store_->RemoveNode("n1").ok());
  nodes = store_->ListNodes();
  ASSERT_TRUE(nodes.ok());
  EXPECT_TRUE(nodes->empty());
}

// The follower applies every change, refuses nothing itself (the apply
// function decides), and after a refused revision applies the next one.
TEST_F(ConfigStoreTest, FollowerAppliesChangesAndRecoversFromARefusedRevision) {
  std::mutex mu;
  std::vector<ConfigObjects> applied;
  FollowerOptions options;
  options.database = db_->params();
  options.server_tag = "site-a";
  options.fetch_wait = absl::Seconds(1);
  auto log = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  ConfigFollower follower(
      options,
      [&](const ConfigObjects& objects, uint64_t) -> absl::Status {
        std::lock_guard lock(mu);
        for (const auto& [id, s] : objects.subnets) {
          if (s.definition == "bad") return absl::InvalidArgumentError("bad subnet");
        }
        applied.push_back(objects);
        return absl::OkStatus();
      },
      nullptr, log);
  follower.Start();
  ASSERT_TRUE(follower.Pull().ok());
  AddSubnet(1, "192.0.2.0/24", "site-a");
  ASSERT_TRUE(follower.Pull().ok());
  {
    std::lock_guard lock(mu);
    ASSERT_FALSE(applied.empty());
    EXPECT_TRUE(applied.back().subnets.contains(1));
  }
  Sql("UPDATE config4_subnet SET definition = 'bad' WHERE subnet_id = 1");
  ASSERT_TRUE(follower.Pull().ok());
  FollowerStatus status = follower.status();
  EXPECT_THAT(status.config_state, ::testing::HasSubstr("refused"));
  EXPECT_LT(status.applied_revision, status.processed_revision);
  Sql("UPDATE config4_subnet SET definition = '{}' WHERE subnet_id = 1");
  ASSERT_TRUE(follower.Pull().ok());
  status = follower.status();
  EXPECT_EQ(status.config_state, "ok");
  EXPECT_EQ(status.applied_revision, status.processed_revision);
  {
    std::lock_guard lock(mu);
    EXPECT_EQ(applied.back().subnets[1].definition, "{}");
  }
  auto nodes = follower.ListNodes();
  ASSERT_TRUE(nodes.ok());
  ASSERT_EQ(nodes->size(), 1u);
  EXPECT_EQ((*nodes)[0].applied_revision, status.applied_revision);
  follower.Stop();
  nodes = store_->ListNodes();
  ASSERT_TRUE(nodes.ok());
  EXPECT_TRUE(nodes->empty());
}

// config-fetch-wait-time 0: no automatic updates, as in Kea; a pull fetches.
TEST_F(ConfigStoreTest, FollowerWithoutAutomaticUpdatesFetchesOnlyWhenPulled) {
  std::atomic<int> applies = 0;
  FollowerOptions options;
  options.database = db_->params();
  options.fetch_wait = absl::ZeroDuration();
  options.heartbeat_interval = absl::Milliseconds(50);  // wakes often, must not fetch
  auto log = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  ConfigFollower follower(
      options, [&](const ConfigObjects&, uint64_t) { ++applies; return absl::OkStatus(); },
      nullptr, log);
  follower.Start();
  ASSERT_TRUE(follower.Pull().ok());
  int loaded = applies.load();
  EXPECT_EQ(loaded, 1);
  AddSubnet(1, "192.0.2.0/24", "all");
  // Several heartbeats pass; the change is not fetched.
  for (int i = 0; i < 10 && follower.status().database_revision < Head(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(applies.load(), loaded);
  EXPECT_LT(follower.status().processed_revision, Head());
  ASSERT_TRUE(follower.Pull().ok());
  EXPECT_EQ(applies.load(), loaded + 1);
  EXPECT_EQ(follower.status().processed_revision, Head());
  follower.Stop();
}

// A node whose applied revision was pruned away loads everything again.
TEST_F(ConfigStoreTest, FollowerBehindThePrunedHistoryReloadsInFull) {
  std::mutex mu;
  ConfigObjects last;
  FollowerOptions options;
  options.database = db_->params();
  options.fetch_wait = absl::ZeroDuration();  // fetches only when pulled
  auto log = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
  ConfigFollower follower(
      options,
      [&](const ConfigObjects& objects, uint64_t) {
        std::lock_guard lock(mu);
        last = objects;
        return absl::OkStatus();
      },
      nullptr, log);
  follower.Start();
  ASSERT_TRUE(follower.Pull().ok());
  uint64_t seen = follower.status().processed_revision;
  AddSubnet(1, "192.0.2.0/24", "all");
  AddSubnet(2, "198.51.100.0/24", "all");
  // No node counts as live (live window 0): everything is pruned.
  auto pruned = store_->Prune(0, 0);
  ASSERT_TRUE(pruned.ok()) << pruned.status();
  ASSERT_GT(*pruned, seen);
  auto left = store_->ReadChanges(seen, Head());
  ASSERT_TRUE(left.ok());
  EXPECT_TRUE(left->empty());  // the changes the follower needs are gone
  ASSERT_TRUE(follower.Pull().ok());
  {
    std::lock_guard lock(mu);
    EXPECT_TRUE(last.subnets.contains(1));
    EXPECT_TRUE(last.subnets.contains(2));
  }
  EXPECT_EQ(follower.status().processed_revision, Head());
  follower.Stop();
}

}  // namespace
}  // namespace shoal::config_backend
