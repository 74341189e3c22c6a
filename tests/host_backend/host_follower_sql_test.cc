// Host reservations in SQL against a real MySQL / MariaDB or PostgreSQL
// server (SHOAL_TEST_DIALECT): the plain-SQL idiom operators use with Kea
// (docs/sql-schema.md) is read back exactly; a follower sees inserts,
// changes and deletes written by anyone; the change feed is pruned.
#include "host_backend/host_follower.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "db/schema.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spdlog/sinks/null_sink.h"
#include "tests/db/test_database.h"

namespace shoal::host_backend {
namespace {

const db::Dialect kDialect = db::testing::DialectFromName(SHOAL_TEST_DIALECT);
const bool kMySql = kDialect == db::Dialect::kMySql;

std::vector<uint8_t> Mac(uint8_t last) { return {0x1a, 0x1b, 0x1c, 0x1d, 0x1e, last}; }
dhcp::Ipv4Address A(const char* text) { return *dhcp::Ipv4Address::Parse(text); }

class HostFollowerTest : public ::testing::Test {
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

  // Kea's plain-SQL idiom (kea-schema-facts.md section 4): a host by MAC
  // with an address, names, classes, boot fields and one option.
  void InsertHost(uint8_t mac_last, uint32_t subnet, const std::string& address,
                  const std::string& router) {
    const std::string mac = absl::StrCat("1a:1b:1c:1d:1e:", absl::Hex(mac_last, absl::kZeroPad2));
    if (kMySql) {
      Sql(absl::StrCat(
          "INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, "
          "ipv4_address, hostname, dhcp4_client_classes, dhcp4_next_server, "
          "dhcp4_server_hostname, dhcp4_boot_file_name) VALUES (UNHEX(REPLACE('", mac,
          "', ':', '')), (SELECT type FROM host_identifier_type WHERE name = 'hw-address'), ",
          subnet, ", INET_ATON('", address, "'), 'printer', 'lab, boot', INET_ATON('192.0.2.5'), "
          "'tftp.example', 'boot.ipxe')"));
      Sql("SET @host_id = LAST_INSERT_ID()");
      Sql(absl::StrCat("INSERT INTO dhcp4_options (code, formatted_value, space, persistent, "
                       "host_id, scope_id) VALUES (3, '", router, "', 'dhcp4', 1, @host_id, 3)"));
    } else {
      Sql(absl::StrCat(
          "INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, "
          "ipv4_address, hostname, dhcp4_client_classes, dhcp4_next_server, "
          "dhcp4_server_hostname, dhcp4_boot_file_name) VALUES (decode(replace('", mac,
          "', ':', ''), 'hex'), (SELECT type FROM host_identifier_type WHERE name = "
          "'hw-address'), ", subnet, ", '", address, "'::inet - '0.0.0.0'::inet, 'printer', "
          "'lab, boot', '192.0.2.5'::inet - '0.0.0.0'::inet, 'tftp.example', 'boot.ipxe')"));
      Sql(absl::StrCat("INSERT INTO dhcp4_options (code, formatted_value, space, persistent, "
                       "host_id, scope_id) VALUES (3, '", router,
                       "', 'dhcp4', true, currval('hosts_host_id_seq'), 3)"));
    }
  }

  std::unique_ptr<HostFollower> StartFollower(std::shared_ptr<HostCache> cache) {
    auto log = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
    auto follower = std::make_unique<HostFollower>(
        HostFollowerOptions{.database = db_->params(), .max_wait = absl::Milliseconds(200)},
        std::move(cache), log);
    follower->Start();
    return follower;
  }

  // Waits (up to 20 s: the machine may be busy) for `done`.
  template <typename Predicate>
  bool Eventually(Predicate done) {
    const absl::Time deadline = absl::Now() + absl::Seconds(20);
    while (absl::Now() < deadline) {
      if (done()) return true;
      absl::SleepFor(absl::Milliseconds(5));
    }
    return done();
  }

  std::unique_ptr<db::testing::ScratchDatabase> db_;
  std::unique_ptr<db::Connection> sql_;
};

TEST_F(HostFollowerTest, ThePlainSqlIdiomReadsBackExactly) {
  InsertHost(0x01, 7, "192.0.2.201", "192.0.2.1");
  HostProblems problems;
  auto hosts = ReadAllHosts(*sql_, &problems);
  ASSERT_TRUE(hosts.ok()) << hosts.status();
  EXPECT_TRUE(problems.empty());
  ASSERT_EQ(hosts->size(), 1u);
  const StoredHost& h = (*hosts)[0];
  const config::Reservation& r = h.reservation;
  EXPECT_EQ(r.identifier_type, config::IdentifierType::kHwAddress);
  EXPECT_EQ(r.identifier, Mac(0x01));
  EXPECT_EQ(r.subnet_id, 7u);
  EXPECT_EQ(r.address, A("192.0.2.201"));
  EXPECT_EQ(r.hostname, "printer");
  EXPECT_EQ(r.client_classes, (std::vector<std::string>{"lab", "boot"}));
  EXPECT_EQ(r.next_server, A("192.0.2.5"));
  EXPECT_EQ(r.server_hostname, "tftp.example");
  EXPECT_EQ(r.boot_file_name, "boot.ipxe");
  ASSERT_EQ(h.options.size(), 1u);  // the idiom's host id reached the option row
  EXPECT_EQ(h.options[0].code, 3);
  EXPECT_EQ(h.options[0].formatted_value, "192.0.2.1");
  EXPECT_TRUE(h.options[0].persistent);
  auto head = ReadHostsHead(*sql_);
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_GT(head->revision, 0u);
}

TEST_F(HostFollowerTest, FollowsInsertsChangesAndDeletesByAnyone) {
  InsertHost(0x01, 7, "192.0.2.201", "192.0.2.1");
  auto cache = std::make_shared<HostCache>();
  auto follower = StartFollower(cache);
  ASSERT_TRUE(Eventually([&] { return cache->size() == 1; })) << follower->status().state;
  EXPECT_EQ(follower->status().state, "connected");

  InsertHost(0x02, 7, "192.0.2.202", "192.0.2.1");
  ASSERT_TRUE(Eventually([&] { return cache->FindByAddress(7, A("192.0.2.202")) != nullptr; }));

  // An operator moves host 1 to another address, and changes its option.
  Sql(kMySql ? "UPDATE hosts SET ipv4_address = INET_ATON('192.0.2.210') "
               "WHERE dhcp_identifier = UNHEX('1a1b1c1d1e01')"
             : "UPDATE hosts SET ipv4_address = '192.0.2.210'::inet - '0.0.0.0'::inet "
               "WHERE dhcp_identifier = decode('1a1b1c1d1e01', 'hex')");
  ASSERT_TRUE(Eventually([&] { return cache->FindByAddress(7, A("192.0.2.210")) != nullptr; }));
  EXPECT_EQ(cache->FindByAddress(7, A("192.0.2.201")), nullptr);
  Sql("UPDATE dhcp4_options SET formatted_value = '192.0.2.254' WHERE scope_id = 3 AND code = 3");
  ASSERT_TRUE(Eventually([&] {
    StoredHostPtr h = cache->Find(7, config::IdentifierType::kHwAddress, Mac(0x01));
    return h != nullptr && !h->options.empty() && h->options[0].formatted_value == "192.0.2.254";
  }));

  // Deleting a host removes it (its options go by cascade).
  Sql(kMySql ? "DELETE FROM hosts WHERE dhcp_identifier = UNHEX('1a1b1c1d1e02')"
             : "DELETE FROM hosts WHERE dhcp_identifier = decode('1a1b1c1d1e02', 'hex')");
  ASSERT_TRUE(Eventually([&] { return cache->size() == 1; }));
  EXPECT_EQ(cache->FindByAddress(7, A("192.0.2.202")), nullptr);
  // A host without a DHCPv4 reservation (dhcp4_subnet_id NULL) is not one.
  Sql(kMySql ? "UPDATE hosts SET dhcp4_subnet_id = NULL"
             : "UPDATE hosts SET dhcp4_subnet_id = NULL");
  ASSERT_TRUE(Eventually([&] { return cache->size() == 0; }));
  follower->Stop();
}

TEST_F(HostFollowerTest, PrunedFeedIsAnnouncedAndAFreshFollowerLoadsEverything) {
  InsertHost(0x01, 7, "192.0.2.201", "192.0.2.1");
  InsertHost(0x02, 0, "192.0.2.202", "192.0.2.1");  // global
  auto nothing = PruneHostChanges(*sql_, 3600);
  ASSERT_TRUE(nothing.ok()) << nothing.status();
  EXPECT_EQ(*nothing, 0u);  // everything is recent
  Sql(kMySql ? "UPDATE hosts4_change SET committed_at = NOW() - INTERVAL 2 HOUR"
             : "UPDATE hosts4_change SET committed_at = now() - interval '2 hours'");
  auto pruned = PruneHostChanges(*sql_, 3600);
  ASSERT_TRUE(pruned.ok()) << pruned.status();
  EXPECT_GT(*pruned, 0u);
  auto head = ReadHostsHead(*sql_);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->pruned_through, head->revision);
  auto changed = ReadChangedHosts(*sql_, 0, head->revision);
  ASSERT_TRUE(changed.ok());
  EXPECT_TRUE(changed->empty());

  auto cache = std::make_shared<HostCache>();
  auto follower = StartFollower(cache);
  ASSERT_TRUE(Eventually([&] { return cache->size() == 2; }));
  EXPECT_NE(cache->FindByAddress(0, A("192.0.2.202")), nullptr);
  EXPECT_EQ(follower->status().revision, head->revision);
}

TEST_F(HostFollowerTest, ABadRowIsLeftOutAndNamedTheOthersServe) {
  InsertHost(0x01, 7, "192.0.2.201", "192.0.2.1");
  auto cache = std::make_shared<HostCache>();
  auto follower = StartFollower(cache);
  ASSERT_TRUE(Eventually([&] { return cache->size() == 1; }));
  Sql(kMySql ? "INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, "
               "ipv4_address) VALUES (UNHEX('AA'), 0, 7, 0)"
             : "INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, "
               "ipv4_address) VALUES (decode('aa', 'hex'), 0, 7, 0)");
  InsertHost(0x03, 7, "192.0.2.203", "192.0.2.1");
  ASSERT_TRUE(Eventually([&] { return cache->size() == 2; }));
  HostFollowerStatus status = follower->status();
  EXPECT_EQ(status.state, "connected");
  ASSERT_FALSE(status.problems.empty());
  EXPECT_THAT(status.problems[0], ::testing::HasSubstr("ipv4_address 0 is not an IPv4 address"));
  EXPECT_THAT(status.problems[0], ::testing::HasSubstr("hosts row"));
  Sql("DELETE FROM hosts WHERE ipv4_address = 0");
  ASSERT_TRUE(Eventually([&] { return follower->status().problems.empty(); }));
  EXPECT_EQ(cache->size(), 2u);
}

}  // namespace
}  // namespace shoal::host_backend
