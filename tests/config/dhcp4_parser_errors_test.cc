// Tests that every class of configuration error is rejected with a message
// naming the key path, the problem, and the exact file location. Bodies are
// wrapped by ParseBody so that body line N is line N+1 of t.json.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/dhcp4_parser.h"
#include "tests/config/test_util.h"

namespace shoal::config {
namespace {

using ::shoal::config::testing::ErrorOf;
using ::testing::HasSubstr;

TEST(Dhcp4ParserErrors, UnknownKeysWithPathAndLocation) {
  EXPECT_EQ(ErrorOf(R"("foo": 1)"), "unsupported parameter 'foo' in Dhcp4 (t.json:2:1)");
  EXPECT_EQ(ErrorOf("\"subnet4\": [ {\n  \"subnet\": \"192.0.2.0/24\",\n    \"foo\": 1 } ]"),
            "unsupported parameter 'foo' in subnet4[0] (t.json:4:5)");
  EXPECT_EQ(
      ErrorOf(
          R"("subnet4": [ { "subnet": "192.0.2.0/24", "pools": [ { "pool": "192.0.2.1 - 192.0.2.2", "x": 1 } ] } ])"),
      "unsupported parameter 'x' in subnet4[0].pools[0] (t.json:2:88)");
  EXPECT_THAT(ErrorOf(R"("lease-database": { "type": "memfile", "hots": "x" })"),
              HasSubstr("unsupported parameter 'hots' in lease-database (t.json:2:40)"));
  EXPECT_THAT(ParseDhcp4ConfigText(R"({"Dhcp4": {}, "Dhcp5": {}})", "t.json").status().message(),
              HasSubstr("unsupported top-level parameter 'Dhcp5'"));
  EXPECT_THAT(ParseDhcp4ConfigText(R"({"Dhcp6": {}})", "t.json").status().message(),
              HasSubstr("missing the \"Dhcp4\" map"));
}

TEST(Dhcp4ParserErrors, WrongTypes) {
  EXPECT_EQ(ErrorOf(R"("valid-lifetime": "4000")"),
            "valid-lifetime: expected an integer, got a string (t.json:2:19)");
  EXPECT_EQ(ErrorOf(R"("valid-lifetime": -1)"),
            "valid-lifetime: value -1 is out of range, expected 0 to 4294967295 (t.json:2:19)");
  EXPECT_EQ(ErrorOf(R"("subnet4": {})"), "subnet4: expected a list, got a map (t.json:2:12)");
  EXPECT_EQ(ErrorOf(R"("authoritative": "yes")"),
            "authoritative: expected a boolean (true or false), got a string (t.json:2:18)");
  EXPECT_THAT(ErrorOf(R"("t1-percent": 1.5)"), HasSubstr("t1-percent: 1.5 is invalid"));
  EXPECT_THAT(ErrorOf(R"("comment": 5)"), HasSubstr("comment: expected a string"));
  EXPECT_THAT(ErrorOf(R"("valid-lifetime": 99999999999999999999)"),
              HasSubstr("out of range (t.json:2:19)"));
}

TEST(Dhcp4ParserErrors, BadAddressesAndPrefixes) {
  EXPECT_EQ(ErrorOf(R"("subnet4": [ { "subnet": "192.0.2.0/33" } ])"),
            "subnet4[0].subnet: '192.0.2.0/33' is not a valid subnet, expected prefix/len such "
            "as 192.0.2.0/24 (t.json:2:26)");
  EXPECT_EQ(ErrorOf(R"("next-server": "192.0.2")"),
            "next-server: '192.0.2' is not a valid IPv4 address, expected e.g. 192.0.2.1 "
            "(t.json:2:16)");
  EXPECT_THAT(ErrorOf(R"("interfaces-config": { "interfaces": [ "eth0/300.1.1.1" ] })"),
              HasSubstr("interfaces-config.interfaces[0]: 'eth0/300.1.1.1': '300.1.1.1' is not "
                        "a valid IPv4 address (t.json:2:40)"));
  EXPECT_THAT(
      ErrorOf(R"("subnet4": [ { "subnet": "10.0.0.0/8", "relay": { "ip-addresses": [ "x" ] } } ])"),
      HasSubstr("subnet4[0].relay.ip-addresses[0]: 'x' is not a valid IPv4 address"));
}

TEST(Dhcp4ParserErrors, Pools) {
  EXPECT_EQ(ErrorOf("\"subnet4\": [ { \"subnet\": \"192.0.2.0/24\",\n  \"pools\": [ { \"pool\": "
                    "\"192.0.2.1 - 192.0.2.9\" },\n                { \"pool\": \"x\" } ] } ]"),
            "subnet4[0].pools[1].pool: 'x' is not a valid pool, expected 'first - last' (the "
            "first address not greater than the last) or 'prefix/len' (t.json:4:27)");
  EXPECT_THAT(
      ErrorOf(
          R"("subnet4": [ { "subnet": "192.0.2.0/24", "pools": [ { "pool": "192.0.3.1 - 192.0.3.9" } ] } ])"),
      HasSubstr("pool 192.0.3.1 - 192.0.3.9 is not inside subnet 192.0.2.0/24 (t.json:2:63)"));
  EXPECT_THAT(
      ErrorOf(
          R"("subnet4": [ { "subnet": "192.0.2.0/24", "pools": [ { "pool": "192.0.2.1 - 192.0.2.9" }, { "pool": "192.0.2.0/28" } ] } ])"),
      HasSubstr("subnet4[0].pools[1].pool: pool 192.0.2.0 - 192.0.2.15 overlaps pool "
                "192.0.2.1 - 192.0.2.9"));
  EXPECT_THAT(
      ErrorOf(
          R"("subnet4": [ { "subnet": "192.0.2.0/24", "pools": [ { "pool": "192.0.2.9 - 192.0.2.1" } ] } ])"),
      HasSubstr("the first address not greater than the last"));
  EXPECT_THAT(ErrorOf(R"("subnet4": [ { "subnet": "192.0.2.0/24", "pools": [ { } ] } ])"),
              HasSubstr("subnet4[0].pools[0]: missing parameter 'pool'"));
}

TEST(Dhcp4ParserErrors, SubnetIdsAndPrefixes) {
  EXPECT_EQ(ErrorOf("\"subnet4\": [ { \"subnet\": \"192.0.2.0/24\", \"id\": 4 },\n"
                    "  { \"subnet\": \"192.0.3.0/24\", \"id\": 4 } ]"),
            "subnet4[1].id: duplicate subnet id 4: subnet 192.0.3.0/24 and subnet 192.0.2.0/24 "
            "(subnet4[0]) both use it (t.json:3:37)");
  EXPECT_THAT(
      ErrorOf(R"("subnet4": [ { "subnet": "192.0.2.0/24" }, { "subnet": "192.0.2.0/24" } ])"),
      HasSubstr("subnet4[1].subnet: subnet 192.0.2.0/24 is already defined (subnet4[0])"));
  EXPECT_THAT(ErrorOf(R"("subnet4": [ { "id": 1 } ])"),
              HasSubstr("subnet4[0]: missing parameter 'subnet'"));
}

TEST(Dhcp4ParserErrors, Reservations) {
  EXPECT_THAT(
      ErrorOf(
          R"("subnet4": [ { "subnet": "192.0.2.0/24", "reservations": [ { "hw-address": "01:02:03:04:05:06", "ip-address": "192.0.3.1" } ] } ])"),
      HasSubstr("subnet4[0].reservations[0].ip-address: reserved address 192.0.3.1 is "
                "not inside subnet 192.0.2.0/24 (t.json:2:111)"));
  EXPECT_THAT(ErrorOf(R"("subnet4": [ { "subnet": "192.0.2.0/24", "reservations": [
      { "hw-address": "01:02:03:04:05:06" }, { "hw-address": "01:02:03:04:05:06" } ] } ])"),
              HasSubstr("subnet4[0].reservations[1].hw-address: duplicate reservation: "
                        "hw-address 01:02:03:04:05:06 is already reserved by "
                        "subnet4[0].reservations[0] (t.json:3:62)"));
  EXPECT_THAT(ErrorOf(R"("subnet4": [ { "subnet": "192.0.2.0/24", "reservations": [
      { "hw-address": "01:02:03:04:05:06", "ip-address": "192.0.2.5" },
      { "client-id": "01:02:03:04:05:06", "ip-address": "192.0.2.5" } ] } ])"),
              HasSubstr("address 192.0.2.5 is already reserved by subnet4[0].reservations[0]"));
  EXPECT_THAT(ErrorOf(R"("reservations": [ { "hw-address": "zz" } ])"),
              HasSubstr("reservations[0].hw-address: 'zz' is not a valid hw-address"));
  EXPECT_THAT(ErrorOf(R"("reservations": [ { "hostname": "x" } ])"),
              HasSubstr("reservations[0]: missing identifier"));
  EXPECT_THAT(ErrorOf(R"("reservations": [ { "hw-address": "01:02", "duid": "01:02" } ])"),
              HasSubstr("exactly one identifier"));
  EXPECT_THAT(ErrorOf(R"("reservations": [ { "circuit-id": "'charter950'", "foo": 1 } ])"),
              HasSubstr("unsupported parameter 'foo' in reservations[0]"));
}

TEST(Dhcp4ParserErrors, LifetimesAndTimers) {
  EXPECT_THAT(ErrorOf(R"("valid-lifetime": 100, "min-valid-lifetime": 200)"),
              HasSubstr("valid-lifetime: min-valid-lifetime (200) is greater than "
                        "valid-lifetime (100)"));
  EXPECT_THAT(ErrorOf(R"("valid-lifetime": 300, "max-valid-lifetime": 200)"),
              HasSubstr("valid-lifetime (300) is greater than max-valid-lifetime (200)"));
  EXPECT_THAT(
      ErrorOf(
          R"("renew-timer": 300, "rebind-timer": 200, "subnet4": [ { "subnet": "192.0.2.0/24" } ])"),
      HasSubstr("subnet4[0]: renew-timer (300) is greater than rebind-timer (200) for "
                "subnet 192.0.2.0/24"));
  EXPECT_THAT(
      ErrorOf(
          R"("valid-lifetime": 100, "subnet4": [ { "subnet": "192.0.2.0/24", "rebind-timer": 200 } ])"),
      HasSubstr("rebind-timer (200) is greater than valid-lifetime (100)"));
}

TEST(Dhcp4ParserErrors, Options) {
  EXPECT_EQ(ErrorOf(R"("option-data": [ { "name": "no-such-option", "data": "1" } ])"),
            "option-data[0].name: unknown option 'no-such-option' in space 'dhcp4'; use a "
            "standard option name, a code, or define it with option-def (t.json:2:28)");
  EXPECT_EQ(ErrorOf(R"("option-data": [ { "name": "routers", "data": "192.0.2.1, bogus" } ])"),
            "option-data[0].data: option 'routers' (code 3) field 2: 'bogus' is not a valid "
            "ipv4-address value, expected a dotted-quad IPv4 address such as 192.0.2.1 "
            "(t.json:2:47)");
  EXPECT_THAT(
      ErrorOf(R"("option-data": [ { "name": "routers", "code": 6, "data": "192.0.2.1" } ])"),
      HasSubstr("option name 'routers' does not match code 6"));
  EXPECT_THAT(ErrorOf(R"("option-data": [ { "code": 250, "data": "1" } ])"),
              HasSubstr("option code 250 in space 'dhcp4' has no definition"));
  EXPECT_THAT(ErrorOf(R"("option-data": [ { "code": 255, "csv-format": false, "data": "01" } ])"),
              HasSubstr("option-data[0].code: value 255 is out of range, expected 1 to 254"));
  EXPECT_THAT(ErrorOf(R"("option-data": [ { "code": 250, "csv-format": false, "data": "0g" } ])"),
              HasSubstr("option-data[0].data: '0g' is not valid hex data"));
  EXPECT_THAT(ErrorOf(R"("option-data": [ { "data": "1" } ])"),
              HasSubstr("option-data[0]: an option needs 'name' or 'code'"));
  EXPECT_THAT(
      ErrorOf(R"("option-def": [ { "name": "routers2", "code": 3, "type": "ipv4-address" } ])"),
      HasSubstr("standard option 'routers' (code 3) cannot be redefined"));
  EXPECT_THAT(ErrorOf(R"("option-def": [ { "name": "foo", "code": 222, "type": "uint64" } ])"),
              HasSubstr("option-def[0].type: 'uint64' is not an option data type"));
  EXPECT_THAT(ErrorOf(R"("option-def": [ { "name": "foo", "code": 222, "type": "record" } ])"),
              HasSubstr("needs 'record-types'"));
  EXPECT_THAT(ErrorOf(R"("option-def": [ { "name": "foo", "code": 222, "type": "uint8" },
                                         { "name": "foo", "code": 223, "type": "uint8" } ])"),
              HasSubstr("option-def[1]: an option definition named 'foo' already exists"));
}

TEST(Dhcp4ParserErrors, SharedNetworks) {
  EXPECT_THAT(ErrorOf(R"("shared-networks": [ { "name": "a" }, { "name": "a" } ])"),
              HasSubstr("shared-networks[1].name: a shared network named 'a' is already "
                        "defined; names must be unique (t.json:2:49)"));
  EXPECT_THAT(ErrorOf(R"("shared-networks": [ { "subnet4": [] } ])"),
              HasSubstr("shared-networks[0]: missing parameter 'name'"));
  EXPECT_THAT(
      ErrorOf(
          R"("shared-networks": [ { "name": "a", "subnet4": [ { "subnet": "10.0.0.0/8", "id": 1, "foo": 2 } ] } ])"),
      HasSubstr("unsupported parameter 'foo' in shared-networks[0].subnet4[0]"));
  EXPECT_THAT(
      ErrorOf(
          R"("shared-networks": [ { "name": "a", "interface": "eth0", "subnet4": [ { "subnet": "10.0.0.0/8", "interface": "eth1" } ] } ])"),
      HasSubstr("differs from its shared network's 'eth0'"));
}

TEST(Dhcp4ParserErrors, ServicesSections) {
  EXPECT_THAT(ErrorOf(R"("lease-database": { "type": "cql" })"),
              HasSubstr("lease-database.type: 'cql' is not a supported database type"));
  EXPECT_THAT(ErrorOf(R"("lease-database": { "type": "mysql" })"),
              HasSubstr("lease-database: missing parameter 'name'"));
  EXPECT_THAT(ErrorOf(R"("lease-database": { "type": "memfile", "host": "x" })"),
              HasSubstr("'host' is not a memfile parameter"));
  EXPECT_THAT(ErrorOf(R"("lease-database": { "type": "mysql", "name": "k", "port": "3306" })"),
              HasSubstr("lease-database.port: expected an integer, got a string"));
  EXPECT_THAT(ErrorOf(R"("dhcp-ddns": { "enable-updates": true })"),
              HasSubstr("dhcp-ddns.enable-updates: DNS updates (dhcp-ddns with enable-updates "
                        "true) are not supported by shoal"));
  EXPECT_THAT(ErrorOf(R"("interfaces-config": { "dhcp-socket-type": "tcp" })"),
              HasSubstr("'tcp' is not a socket type, expected 'raw' or 'udp'"));
  EXPECT_THAT(ErrorOf(R"("control-sockets": [ { "socket-type": "https" } ])"),
              HasSubstr("an https socket needs 'cert-file' and 'key-file'"));
  EXPECT_THAT(ErrorOf(R"("control-socket": { "socket-type": "http", "socket-name": "x" })"),
              HasSubstr("control-socket.socket-type: 'http' is not valid here"));
  EXPECT_THAT(ErrorOf(R"("loggers": [ { "name": "kea-dhcp4", "severity": "LOUD" } ])"),
              HasSubstr("loggers[0].severity: 'LOUD' is not a severity"));
  EXPECT_THAT(ErrorOf(R"("host-reservation-identifiers": [ "mac" ])"),
              HasSubstr("host-reservation-identifiers[0]: 'mac' is not a host identifier"));
  EXPECT_THAT(ErrorOf(R"("hosts-databases": [ { "type": "memfile" } ])"),
              HasSubstr("'memfile' is not a hosts database type"));
  EXPECT_THAT(ErrorOf(R"("reservation-mode": "all", "reservations-global": true)"),
              HasSubstr("'reservation-mode' cannot be combined"));
}

TEST(Dhcp4ParserErrors, HostileInputNeverCrashes) {
  std::string deep = "\"user-context\": " + std::string(5000, '[');
  EXPECT_THAT(ErrorOf(deep), HasSubstr("nested deeper than 100"));
  EXPECT_THAT(ErrorOf("\"server-tag\": \"\xff\""),
              HasSubstr("invalid UTF-8 in a string (t.json:2:16)"));
  EXPECT_THAT(ErrorOf("\"server-tag\": \"abc"), HasSubstr("unterminated string (end of line inside a string) (t.json:2:15)"));
  EXPECT_THAT(ErrorOf("/* open"), HasSubstr("unterminated /* comment (t.json:2:1)"));
  EXPECT_THAT(ErrorOf("\"valid-lifetime\": 1e400"), HasSubstr("out of range"));
  auto garbage = ParseDhcp4ConfigText("{\"Dhcp4\": {}} trailing", "t.json");
  ASSERT_FALSE(garbage.ok());
  EXPECT_THAT(garbage.status().message(),
              HasSubstr("after the end of the JSON document (t.json:1:15)"));
  EXPECT_FALSE(ParseDhcp4ConfigText("[]", "t.json").ok());
  EXPECT_FALSE(ParseDhcp4ConfigText("{\"Dhcp4\": 5}", "t.json").ok());
  auto missing = ParseDhcp4ConfigFile("/nonexistent/shoal.json");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  // Every prefix of a valid file fails cleanly instead of crashing.
  const std::string full =
      R"({"Dhcp4": {"subnet4": [{"subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.1-192.0.2.9"}], "option-data": [{"name": "routers", "data": "192.0.2.1"}]}]}})";
  for (size_t n = 0; n < full.size(); ++n) {
    EXPECT_FALSE(ParseDhcp4ConfigText(full.substr(0, n), "t.json").ok()) << n;
  }
  EXPECT_TRUE(ParseDhcp4ConfigText(full, "t.json").ok());
}

}  // namespace
}  // namespace shoal::config
