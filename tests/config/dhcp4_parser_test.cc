// Tests for the Dhcp4 parser on valid configurations: Kea's example files,
// shoal's examples, comments, defaults and inheritance.
#include "config/dhcp4_parser.h"

#include <gmock/gmock.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gtest/gtest.h>

#include "tests/config/test_util.h"

namespace shoal::config {
namespace {

using ::shoal::config::testing::ParseBody;
using ::shoal::config::testing::SourceDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Ipv4Address A(const char* text) { return *Ipv4Address::Parse(text); }

const Subnet4* FindSubnet(const Config& c, const char* prefix) {
  for (const Subnet4& s : c.subnets) {
    if (s.prefix.ToString() == prefix) return &s;
  }
  return nullptr;
}

absl::StatusOr<Config> ParseExample(const std::string& name) {
  return ParseDhcp4ConfigFile(SourceDir() + "/tests/config/testdata/kea-examples/" + name);
}

TEST(KeaExamples, SingleSubnet) {
  auto c = ParseExample("single-subnet.json");
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->subnets.size(), 1u);
  const Subnet4& s = c->subnets[0];
  EXPECT_EQ(s.id, 1u);
  EXPECT_EQ(s.prefix.ToString(), "192.0.2.0/24");
  ASSERT_EQ(s.pools.size(), 1u);
  EXPECT_EQ(s.pools[0].first, A("192.0.2.1"));
  EXPECT_EQ(s.pools[0].last, A("192.0.2.200"));
  EXPECT_EQ(s.interface, "eth0");
  EXPECT_EQ(s.valid_lifetime, 4000u);
  EXPECT_EQ(s.min_valid_lifetime, 4000u);
  EXPECT_EQ(s.max_valid_lifetime, 4000u);
  EXPECT_FALSE(s.renew_timer.has_value());
  EXPECT_EQ(c->lease_database.type, "memfile");
  EXPECT_EQ(c->lease_database.lfc_interval, 3600u);
  ASSERT_EQ(c->interfaces.interfaces.size(), 1u);
  EXPECT_EQ(c->interfaces.interfaces[0].name, "eth0");
  ASSERT_EQ(c->loggers.size(), 1u);
  EXPECT_EQ(c->loggers[0].name, "kea-dhcp4");
  ASSERT_EQ(c->loggers[0].outputs.size(), 1u);
  EXPECT_EQ(c->loggers[0].outputs[0].output, "stdout");
  EXPECT_TRUE(c->warnings.empty());
  // config-get source: the Dhcp4 map without comments.
  EXPECT_EQ(c->Source()["valid-lifetime"], 4000);
  EXPECT_TRUE(c->Source().contains("subnet4"));
}

// Kea's thin-node example: the configuration backend hook is a marker, not
// a warning; config-control is read as Kea reads it.
TEST(KeaExamples, ConfigBackend) {
  auto c = ParseExample("config-backend.json");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->server_tag, "server1");
  ASSERT_EQ(c->config_control.config_databases.size(), 1u);
  EXPECT_EQ(c->config_control.config_databases[0].type, "mysql");
  EXPECT_EQ(c->config_control.config_fetch_wait_time, 20u);
  ASSERT_EQ(c->hooks_libraries.size(), 1u);
  EXPECT_EQ(c->hooks_libraries[0].config_backend_type, "mysql");
  EXPECT_TRUE(c->warnings.empty()) << c->warnings.front();
}

TEST(ConfigControl, AMismatchedBackendHookIsRefusedAsKeaDoes) {
  auto c = ParseDhcp4ConfigText(R"({"Dhcp4": {
      "config-control": {"config-databases": [{"type": "postgresql", "name": "kea"}]},
      "hooks-libraries": [{"library": "/opt/kea/lib/hooks/libdhcp_mysql_cb.so"}]}})",
                                "t.json");
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(std::string(c.status().message()),
              ::testing::HasSubstr("of type 'postgresql' but the configuration backend hook "
                                   "loaded is for 'mysql'; load libdhcp_pgsql_cb.so instead"));
  auto two = ParseDhcp4ConfigText(R"({"Dhcp4": {
      "config-control": {"config-databases": [{"type": "mysql", "name": "a"},
                                              {"type": "mysql", "name": "b"}]}}})",
                                  "t.json");
  ASSERT_FALSE(two.ok());
  EXPECT_THAT(std::string(two.status().message()),
              ::testing::HasSubstr("only one configuration database"));
  auto policy = ParseDhcp4ConfigText(R"({"Dhcp4": {
      "config-control": {"config-databases": [{"type": "mysql", "name": "a",
                                               "on-fail": "stop-retry-exit"}]}}})",
                                     "t.json");
  ASSERT_TRUE(policy.ok()) << policy.status();
  ASSERT_EQ(policy->warnings.size(), 1u);
  EXPECT_THAT(policy->warnings[0], HasSubstr("'on-fail' does not apply"));
  auto other = ParseDhcp4ConfigText(R"({"Dhcp4": {
      "hooks-libraries": [{"library": "libdhcp_flex_id.so"}]}})",
                                    "t.json");
  ASSERT_TRUE(other.ok()) << other.status();
  ASSERT_EQ(other->warnings.size(), 1u);  // any other hook: accepted, not loaded, said so
  // The command hooks whose commands shoal has built in need no word.
  auto built_in = ParseDhcp4ConfigText(R"({"Dhcp4": {
      "hooks-libraries": [{"library": "/usr/lib/kea/hooks/libdhcp_cb_cmds.so"},
                          {"library": "libdhcp_lease_cmds.so"},
                          {"library": "libdhcp_stat_cmds.so"}]}})",
                                       "t.json");
  ASSERT_TRUE(built_in.ok()) << built_in.status();
  EXPECT_TRUE(built_in->warnings.empty());
}

TEST(KeaExamples, SeveralSubnets) {
  auto c = ParseExample("several-subnets.json");
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->subnets.size(), 3u);
  EXPECT_THAT((std::vector<uint32_t>{c->subnets[0].id, c->subnets[1].id, c->subnets[2].id}),
              ElementsAre(1, 2, 3));
  for (const Subnet4& s : c->subnets) {
    EXPECT_EQ(s.renew_timer, 1000u);
    EXPECT_EQ(s.rebind_timer, 2000u);
    EXPECT_EQ(s.valid_lifetime, 4000u);
    EXPECT_FALSE(s.authoritative);
  }
  EXPECT_TRUE(c->subnets[0].match_client_id);
  EXPECT_FALSE(c->subnets[1].match_client_id);
  EXPECT_FALSE(c->echo_client_id);
}

TEST(KeaExamples, MultipleOptions) {
  auto c = ParseExample("multiple-options.json");
  ASSERT_TRUE(c.ok()) << c.status();
  const Subnet4& s = c->subnets[0];
  ASSERT_EQ(s.options.size(), 8u);
  EXPECT_EQ(s.options[0].name, "domain-name-servers");
  EXPECT_THAT(s.options[0].payload, ElementsAre(192, 0, 2, 1, 192, 0, 2, 2));
  EXPECT_EQ(s.options[2].code, 15);
  EXPECT_EQ(s.options[2].name, "domain-name");
  EXPECT_EQ(std::string(s.options[2].payload.begin(), s.options[2].payload.end()), "example.org");
  EXPECT_THAT(s.options[4].payload, ElementsAre(0xff, 0xff, 0x80, 0x00));
  EXPECT_EQ(std::string(s.options[5].payload.begin(), s.options[5].payload.end()),
            "EST5EDT4,M3.2.0/02:00,M11.1.0/02:00");
  EXPECT_THAT(s.options[6].payload, ElementsAre(0xf0));
  EXPECT_TRUE(s.options[7].always_send);
  ASSERT_EQ(s.pools.size(), 2u);
  ASSERT_EQ(s.pools[1].options.size(), 1u);
  EXPECT_THAT(s.pools[1].options[0].payload, ElementsAre(192, 0, 2, 3, 192, 0, 2, 4));
}

TEST(KeaExamples, Reservations) {
  auto c = ParseExample("reservations.json");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(
      c->host_reservation_identifiers,
      ElementsAre(IdentifierType::kCircuitId, IdentifierType::kHwAddress, IdentifierType::kDuid,
                  IdentifierType::kClientId, IdentifierType::kFlexId));
  const Subnet4& s = c->subnets[0];
  ASSERT_EQ(s.reservations.size(), 6u);
  EXPECT_EQ(s.reservations[0].identifier_type, IdentifierType::kHwAddress);
  EXPECT_THAT(s.reservations[0].identifier, ElementsAre(0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f));
  EXPECT_EQ(s.reservations[0].address, A("192.0.2.201"));
  EXPECT_EQ(s.reservations[0].subnet_id, s.id);
  EXPECT_EQ(s.reservations[1].hostname, "special-snowflake");
  EXPECT_EQ(s.reservations[3].options[1].space, "vendor-4491");
  EXPECT_EQ(s.reservations[3].options[1].code, 2);
  EXPECT_EQ(s.reservations[4].next_server, A("192.0.2.1"));
  EXPECT_EQ(s.reservations[4].server_hostname, "hal9000");
  EXPECT_EQ(s.reservations[5].identifier_type, IdentifierType::kFlexId);
  EXPECT_EQ(std::string(s.reservations[5].identifier.begin(), s.reservations[5].identifier.end()),
            "s0mEVaLue");
  EXPECT_FALSE(s.reservations_global);
  EXPECT_TRUE(s.reservations_in_subnet);
}

TEST(KeaExamples, SharedNetwork) {
  auto c = ParseExample("shared-network.json");
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->shared_networks.size(), 1u);
  EXPECT_EQ(c->shared_networks[0].name, "frog");
  EXPECT_THAT(c->shared_networks[0].subnet_ids, ElementsAre(1, 2));
  const Subnet4* ten = FindSubnet(*c, "10.0.0.0/8");
  ASSERT_NE(ten, nullptr);
  EXPECT_EQ(ten->shared_network, 0);
  EXPECT_EQ(ten->interface, "eth1");    // from the network
  EXPECT_TRUE(ten->authoritative);      // from the network
  EXPECT_TRUE(ten->match_client_id);    // subnet overrides the network's false
  EXPECT_EQ(ten->valid_lifetime, 30u);  // subnet overrides 200
  EXPECT_EQ(ten->renew_timer, 10u);
  EXPECT_TRUE(ten->relay_addresses.empty());  // "0.0.0.0" means no relay
  const Subnet4* three = FindSubnet(*c, "192.0.3.0/24");
  ASSERT_NE(three, nullptr);
  EXPECT_EQ(three->id, 3u);
  EXPECT_EQ(three->shared_network, -1);
  EXPECT_EQ(three->valid_lifetime, 7200u);  // Kea's default
  EXPECT_FALSE(three->authoritative);
}

TEST(ShoalExamples, MemfileExampleParses) {
  auto c = ParseDhcp4ConfigFile(SourceDir() + "/examples/shoal-dhcp4-memfile.json");
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->subnets.size(), 1u);
  EXPECT_EQ(c->interfaces.interfaces[0].name, "veth-shoal");
  EXPECT_EQ(c->subnets[0].pools[0].first, A("192.0.2.100"));
  EXPECT_EQ(c->subnets[0].pools[0].last, A("192.0.2.200"));
  EXPECT_EQ(c->subnets[0].reservations.size(), 1u);
}

TEST(Dhcp4Parser, DefaultsMatchKea) {
  auto c = ParseBody(R"("subnet4": [ { "subnet": "192.0.2.0/24" } ])");
  ASSERT_TRUE(c.ok()) << c.status();
  const Subnet4& s = c->subnets[0];
  EXPECT_EQ(s.valid_lifetime, 7200u);
  EXPECT_EQ(s.min_valid_lifetime, 7200u);
  EXPECT_EQ(s.max_valid_lifetime, 7200u);
  EXPECT_FALSE(s.renew_timer);
  EXPECT_FALSE(s.rebind_timer);
  EXPECT_FALSE(s.calculate_tee_times);
  EXPECT_DOUBLE_EQ(s.t1_percent, 0.5);
  EXPECT_DOUBLE_EQ(s.t2_percent, 0.875);
  EXPECT_TRUE(s.match_client_id);
  EXPECT_FALSE(s.authoritative);
  EXPECT_FALSE(s.reservations_global);
  EXPECT_TRUE(s.reservations_in_subnet);
  EXPECT_FALSE(s.reservations_out_of_pool);
  EXPECT_EQ(c->lease_database.type, "memfile");
  EXPECT_TRUE(c->interfaces.raw_sockets);
  EXPECT_EQ(c->decline_probation_period, 86400u);
  EXPECT_FALSE(c->multi_threading.enable);
  EXPECT_EQ(c->config_control.config_fetch_wait_time, 30u);
}

TEST(Dhcp4Parser, InheritanceGlobalSharedNetworkSubnet) {
  auto c = ParseBody(R"(
    "valid-lifetime": 1000, "min-valid-lifetime": 500, "max-valid-lifetime": 2000,
    "renew-timer": 100, "rebind-timer": 200, "authoritative": true,
    "next-server": "192.0.2.9", "boot-file-name": "global.efi",
    "calculate-tee-times": true, "t1-percent": 0.4,
    "reservation-mode": "global",
    "shared-networks": [ {
      "name": "net", "interface": "eth1", "relay": { "ip-addresses": [ "10.0.0.1" ] },
      "valid-lifetime": 800, "renew-timer": 150, "match-client-id": false,
      "client-class": "gold",
      "subnet4": [
        { "subnet": "10.1.0.0/16", "rebind-timer": 300 },
        { "subnet": "10.2.0.0/16", "relay": { "ip-address": "10.0.0.2" },
          "valid-lifetime": 600, "boot-file-name": "", "reservations-global": false }
      ] } ],
    "subnet4": [ { "subnet": "192.0.2.0/24", "id": 7 } ])");
  ASSERT_TRUE(c.ok()) << c.status();
  const Subnet4* a = FindSubnet(*c, "10.1.0.0/16");
  const Subnet4* b = FindSubnet(*c, "10.2.0.0/16");
  const Subnet4* g = FindSubnet(*c, "192.0.2.0/24");
  ASSERT_TRUE(a && b && g);
  // Ids: explicit 7; the others get max+1 in order.
  EXPECT_EQ(g->id, 7u);
  EXPECT_EQ(a->id, 8u);
  EXPECT_EQ(b->id, 9u);
  // valid-lifetime triplet: the network's own valid 800 with min = max = 800.
  EXPECT_EQ(a->valid_lifetime, 800u);
  EXPECT_EQ(a->min_valid_lifetime, 800u);
  EXPECT_EQ(a->max_valid_lifetime, 800u);
  EXPECT_EQ(b->valid_lifetime, 600u);
  EXPECT_EQ(g->valid_lifetime, 1000u);
  EXPECT_EQ(g->min_valid_lifetime, 500u);
  EXPECT_EQ(g->max_valid_lifetime, 2000u);
  EXPECT_EQ(a->renew_timer, 150u);
  EXPECT_EQ(a->rebind_timer, 300u);
  EXPECT_EQ(b->rebind_timer, 200u);
  EXPECT_EQ(g->renew_timer, 100u);
  EXPECT_FALSE(a->match_client_id);
  EXPECT_TRUE(g->match_client_id);
  EXPECT_TRUE(a->authoritative);
  EXPECT_EQ(a->interface, "eth1");
  EXPECT_EQ(g->interface, "");
  EXPECT_THAT(a->relay_addresses, ElementsAre(A("10.0.0.1")));
  EXPECT_THAT(b->relay_addresses, ElementsAre(A("10.0.0.2")));
  EXPECT_EQ(a->client_class, "gold");
  EXPECT_EQ(g->client_class, "");
  EXPECT_EQ(a->next_server, A("192.0.2.9"));
  EXPECT_EQ(a->boot_file_name, "global.efi");
  EXPECT_EQ(b->boot_file_name, "");
  EXPECT_TRUE(a->calculate_tee_times);
  EXPECT_DOUBLE_EQ(a->t1_percent, 0.4);
  EXPECT_TRUE(a->reservations_global);
  EXPECT_FALSE(a->reservations_in_subnet);
  EXPECT_FALSE(b->reservations_global);
  EXPECT_THAT(c->shared_networks[0].subnet_ids, ElementsAre(8, 9));
}

TEST(Dhcp4Parser, OptionsEverywhereAndOptionDefs) {
  auto c = ParseBody(R"(
    "option-def": [ { "name": "foo", "code": 222, "type": "record",
                      "record-types": "uint8, ipv4-address" },
                    { "name": "bar", "code": 1, "space": "isc", "type": "uint16", "array": true } ],
    "option-data": [ { "name": "foo", "data": "7, 192.0.2.1" },
                     { "code": 6, "data": "192.0.2.53", "always-send": true },
                     { "name": "bar", "space": "isc", "data": "1, 2" },
                     { "code": 250, "csv-format": false, "data": "01:02" },
                     { "name": "user-class", "csv-format": false, "data": "'text'" },
                     { "name": "domain-search", "data": "example.org", "never-send": true } ],
    "reservations": [ { "hw-address": "aa:bb:cc:dd:ee:ff", "hostname": "global-host",
                        "option-data": [ { "name": "routers", "data": "192.0.2.1" } ] } ],
    "subnet4": [ { "subnet": "192.0.2.0/24",
                   "pools": [ { "pool": "192.0.2.0/25", "client-class": "c1",
                                "option-data": [ { "name": "routers", "data": "192.0.2.2" } ] } ] } ])");
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->global_options.size(), 6u);
  EXPECT_THAT(c->global_options[0].payload, ElementsAre(7, 192, 0, 2, 1));
  EXPECT_EQ(c->global_options[1].name, "domain-name-servers");
  EXPECT_TRUE(c->global_options[1].always_send);
  EXPECT_THAT(c->global_options[2].payload, ElementsAre(0, 1, 0, 2));
  EXPECT_EQ(c->global_options[3].name, "");
  EXPECT_THAT(c->global_options[3].payload, ElementsAre(1, 2));
  EXPECT_THAT(c->global_options[4].payload, ElementsAre('t', 'e', 'x', 't'));
  EXPECT_TRUE(c->global_options[5].never_send);
  ASSERT_NE(c->option_definitions.FindByName("dhcp4", "foo"), nullptr);
  ASSERT_NE(c->option_definitions.FindByName("dhcp4", "routers"), nullptr);
  ASSERT_EQ(c->global_reservations.size(), 1u);
  EXPECT_EQ(c->global_reservations[0].subnet_id, 0u);
  const Pool& p = c->subnets[0].pools[0];
  EXPECT_EQ(p.first, A("192.0.2.0"));
  EXPECT_EQ(p.last, A("192.0.2.127"));
  EXPECT_EQ(p.client_class, "c1");
  EXPECT_EQ(p.options[0].payload[3], 2);
}

TEST(Dhcp4Parser, ServicesSections) {
  auto c = ParseBody(R"(
    "interfaces-config": { "interfaces": [ "eth0/192.0.2.1", "*" ], "dhcp-socket-type": "udp",
                           "re-detect": false, "outbound-interface": "use-routing" },
    "lease-database": { "type": "mysql", "name": "kea", "host": "127.0.0.1", "port": 3306,
                        "user": "kea", "password": "secret", "max-reconnect-tries": 5,
                        "reconnect-wait-time": 1000, "on-fail": "serve-retry-continue",
                        "retry-on-startup": true, "connect-timeout": 5 },
    "hosts-databases": [ { "type": "postgresql", "name": "hosts", "readonly": true } ],
    "config-control": { "config-databases": [ { "type": "mysql", "name": "cfg" } ],
                        "config-fetch-wait-time": 5 },
    "server-tag": "node1",
    "expired-leases-processing": { "reclaim-timer-wait-time": 1,
      "flush-reclaimed-timer-wait-time": 2, "hold-reclaimed-time": 3,
      "max-reclaim-leases": 4, "max-reclaim-time": 5, "unwarned-reclaim-cycles": 6 },
    "loggers": [ { "name": "kea-dhcp4", "severity": "debug", "debuglevel": 99,
                   "output-options": [ { "output": "/tmp/x.log", "flush": false,
                                         "maxsize": 1048576, "maxver": 4, "pattern": "%m" } ] } ],
    "control-socket": { "socket-type": "unix", "socket-name": "/tmp/kea4-ctrl-socket" },
    "control-sockets": [ { "socket-type": "http", "socket-address": "127.0.0.1",
                           "socket-port": 8004,
                           "authentication": { "type": "basic", "realm": "shoal",
                             "clients": [ { "user": "admin", "password": "pw" } ] } } ],
    "multi-threading": { "enable-multi-threading": true, "thread-pool-size": 4,
                         "packet-queue-size": 16 },
    "sanity-checks": { "lease-checks": "fix-del" },
    "hooks-libraries": [ { "library": "/usr/lib/kea/hooks/libdhcp_flex_id.so" } ],
    "dhcp-ddns": { "enable-updates": false },
    "client-classes": [ { "name": "c1", "test": "option[60].text == 'x'",
                          "option-data": [ { "name": "routers", "data": "192.0.2.1" } ] } ],
    "decline-probation-period": 60,
    "ddns-send-updates": false)");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->interfaces.interfaces[0].address, A("192.0.2.1"));
  EXPECT_EQ(c->interfaces.interfaces[1].name, "*");
  EXPECT_FALSE(c->interfaces.raw_sockets);
  EXPECT_FALSE(c->interfaces.re_detect);
  EXPECT_TRUE(c->interfaces.outbound_use_routing);
  EXPECT_EQ(c->lease_database.type, "mysql");
  EXPECT_EQ(c->lease_database.name, "kea");
  EXPECT_EQ(c->lease_database.raw["password"], "secret");
  ASSERT_EQ(c->hosts_databases.size(), 1u);
  EXPECT_EQ(c->hosts_databases[0].raw["readonly"], true);
  ASSERT_EQ(c->config_control.config_databases.size(), 1u);
  EXPECT_EQ(c->config_control.config_fetch_wait_time, 5u);
  EXPECT_EQ(c->server_tag, "node1");
  EXPECT_EQ(c->expired_leases_processing.unwarned_reclaim_cycles, 6u);
  EXPECT_EQ(c->expired_leases_processing.max_reclaim_time, 5u);
  EXPECT_EQ(c->loggers[0].severity, "DEBUG");
  EXPECT_EQ(c->loggers[0].outputs[0].maxver, 4u);
  EXPECT_FALSE(c->loggers[0].outputs[0].flush);
  ASSERT_EQ(c->control_sockets.size(), 2u);
  EXPECT_EQ(c->control_sockets[0].type, ControlSocketConfig::Type::kUnix);
  EXPECT_EQ(c->control_sockets[0].socket_name, "/tmp/kea4-ctrl-socket");
  EXPECT_EQ(c->control_sockets[1].type, ControlSocketConfig::Type::kHttp);
  EXPECT_EQ(c->control_sockets[1].socket_port, 8004);
  EXPECT_EQ(c->control_sockets[1].auth_realm, "shoal");
  ASSERT_EQ(c->control_sockets[1].auth_clients.size(), 1u);
  EXPECT_EQ(c->control_sockets[1].auth_clients[0].password, "pw");
  EXPECT_TRUE(c->multi_threading.enable);
  EXPECT_EQ(c->multi_threading.thread_pool_size, 4u);
  EXPECT_EQ(c->lease_checks, "fix-del");
  ASSERT_EQ(c->hooks_libraries.size(), 1u);
  ASSERT_EQ(c->client_classes.size(), 1u);
  EXPECT_EQ(c->client_classes[0].test, "option[60].text == 'x'");
  EXPECT_EQ(c->decline_probation_period, 60u);
  // One warning for the hook library, one for unevaluated client classes.
  ASSERT_EQ(c->warnings.size(), 2u);
  EXPECT_THAT(c->warnings[0], HasSubstr("libdhcp_flex_id.so"));
  EXPECT_THAT(c->warnings[1], HasSubstr("client classification is not implemented"));
}

TEST(Dhcp4Parser, IgnoresOtherKeaTopLevelMaps) {
  auto c = ParseDhcp4ConfigText(R"({ "Dhcp4": { }, "Dhcp6": { "x": 1 }, "DhcpDdns": { },
                                     "Control-agent": { }, "Logging": { } })",
                                "t.json");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->warnings.empty());
  EXPECT_TRUE(c->subnets.empty());
}

TEST(Dhcp4Parser, CommentsOfAllKindsAndCommentKeys) {
  auto c = ParseDhcp4ConfigText(R"(# hash
{ // slash
  "Dhcp4": { /* block */
    "comment": "a comment key",
    "user-context": { "any": [ 1, 2 ] },
    "subnet4": [ { "subnet": "192.0.2.0/24", "comment": "c", # trailing
                   "pools": [ { "pool": "192.0.2.10-192.0.2.20", "user-context": { } } ] } ]
  }
})",
                                "t.json");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->subnets[0].pools[0].last, A("192.0.2.20"));
  EXPECT_EQ(c->Source()["comment"], "a comment key");
}

TEST(Dhcp4Parser, ParseDhcp4MapForTheApi) {
  nlohmann::json dhcp4 = {{"subnet4", {{{"subnet", "192.0.2.0/24"}, {"id", 5}}}}};
  auto c = ParseDhcp4Map(dhcp4, "config-set");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->subnets[0].id, 5u);
  EXPECT_EQ(c->Source(), dhcp4);
  dhcp4["subnet4"][0]["bogus"] = 1;
  auto bad = ParseDhcp4Map(dhcp4, "config-set");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "unsupported parameter 'bogus' in subnet4[0]");
}

TEST(Dhcp4Parser, IpReservationsUniqueFalseAllowsSharedAddress) {
  auto c = ParseBody(R"("ip-reservations-unique": false,
    "subnet4": [ { "subnet": "192.0.2.0/24", "reservations": [
      { "hw-address": "01:02:03:04:05:06", "ip-address": "192.0.2.5" },
      { "hw-address": "01:02:03:04:05:07", "ip-address": "192.0.2.5" } ] } ])");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->ip_reservations_unique);
}

TEST(Dhcp4Parser, ControlSocketCredentialFiles) {
  std::string dir = ::testing::TempDir();
  {
    std::ofstream(dir + "/shoal-user") << "alice\n";
    std::ofstream(dir + "/shoal-pass") << "s3cret\n";
    std::ofstream(dir + "/shoal-both") << "bob:pw2\n";
  }
  auto c = ParseBody(R"("control-sockets": [ { "socket-type": "http",
      "authentication": { "type": "basic", "directory": ")" +
                     dir + R"(",
        "clients": [ { "user-file": "shoal-user", "password-file": "shoal-pass" },
                     { "password-file": "shoal-both" } ] } } ])");
  ASSERT_TRUE(c.ok()) << c.status();
  const auto& clients = c->control_sockets[0].auth_clients;
  ASSERT_EQ(clients.size(), 2u);
  EXPECT_EQ(clients[0].user, "alice");
  EXPECT_EQ(clients[0].password, "s3cret");
  EXPECT_EQ(clients[1].user, "bob");
  EXPECT_EQ(clients[1].password, "pw2");
}

TEST(Dhcp4Parser, ReadOnlyControlClients) {
  auto c = ParseBody(R"("control-sockets": [ { "socket-type": "http",
      "authentication": { "type": "basic", "clients": [
        { "user": "admin", "password": "a" },
        { "user": "viewer", "password": "v", "read-only": true } ] } } ])");
  ASSERT_TRUE(c.ok()) << c.status();
  const auto& clients = c->control_sockets[0].auth_clients;
  ASSERT_EQ(clients.size(), 2u);
  EXPECT_FALSE(clients[0].read_only);
  EXPECT_TRUE(clients[1].read_only);
  auto bad = ParseBody(R"("control-sockets": [ { "socket-type": "http",
      "authentication": { "type": "basic", "clients": [
        { "user": "viewer", "password": "v", "read-only": "yes" } ] } } ])");
  EXPECT_FALSE(bad.ok());
}

// Devices, FIFOs, directories, huge and missing files are all refused with
// one text, before anything is read: nothing hangs or grows, and the answer
// tells nothing of what a path is (issue #18 item 2).
TEST(Dhcp4Parser, CredentialFilesMustBeSmallRegularFiles) {
  std::string dir = ::testing::TempDir();
  std::string fifo = dir + "/shoal-fifo";
  unlink(fifo.c_str());
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::string big = dir + "/shoal-big";
  std::ofstream(big) << std::string(100 * 1024, 'x');
  std::string text;
  for (const std::string& path :
       {std::string("/dev/zero"), fifo, std::string("/etc"), big, dir + "/shoal-missing"}) {
    auto c = ParseBody(R"("control-sockets": [ { "socket-type": "http",
        "authentication": { "type": "basic",
          "clients": [ { "user": "a", "password-file": ")" + path + R"(" } ] } } ])");
    ASSERT_FALSE(c.ok()) << path;
    std::string message(c.status().message());
    EXPECT_THAT(message, HasSubstr("must be a readable regular file of at most 64 KiB")) << path;
    // The same words whatever the path is.
    std::string generic = message.substr(message.find("': "));
    if (text.empty()) text = generic;
    EXPECT_EQ(generic.substr(0, generic.find(" (")), text.substr(0, text.find(" ("))) << path;
  }
  unlink(fifo.c_str());
}

TEST(Dhcp4Parser, KeaAllOptionsExampleEncodes) {
  // Kea's own all-options example exercises every standard option format.
  auto c = ParseDhcp4ConfigFile(SourceDir() + "/tests/config/testdata/kea-all-options.json");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_GT(c->global_options.size() + c->subnets.size(), 0u);
}

}  // namespace
}  // namespace shoal::config
