// Tests for the option definition table and Kea's option-data text codec.
#include "dhcp/option_definition.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace shoal::dhcp {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Bytes = std::vector<uint8_t>;

const OptionDefinitionSet& Std() {
  static const OptionDefinitionSet* set = new OptionDefinitionSet(StandardDhcp4OptionDefinitions());
  return *set;
}

const OptionDefinition& Def(std::string_view name) {
  const OptionDefinition* def = Std().FindByName("dhcp4", name);
  EXPECT_NE(def, nullptr) << name;
  return *def;
}

Bytes Enc(std::string_view name, std::string_view text) {
  auto r = EncodeOptionData(Def(name), text);
  EXPECT_TRUE(r.ok()) << name << " '" << text << "': " << r.status();
  return r.ok() ? *r : Bytes{};
}

std::string EncError(std::string_view name, std::string_view text) {
  auto r = EncodeOptionData(Def(name), text);
  EXPECT_FALSE(r.ok()) << name << " '" << text << "' unexpectedly encoded";
  return std::string(r.status().message());
}

TEST(OptionDataType, ParsesKeaNamesAndRoundTrips) {
  for (const char* name : {"empty", "binary", "boolean", "int8", "int16", "int32", "uint8",
                           "uint16", "uint32", "ipv4-address", "ipv6-address", "ipv6-prefix",
                           "psid", "string", "tuple", "fqdn", "record"}) {
    auto t = ParseOptionDataType(name);
    ASSERT_TRUE(t.ok()) << name;
    EXPECT_EQ(OptionDataTypeName(*t), name);
  }
  auto bad = ParseOptionDataType("uint64");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("'uint64'"));
  EXPECT_THAT(bad.status().message(), HasSubstr("ipv4-address"));
  EXPECT_FALSE(ParseOptionDataType("internal").ok());
}

TEST(StandardDefinitions, MatchKea22Table) {
  struct Row {
    const char* name;
    uint16_t code;
    OptionDataType type;
    bool array;
  };
  const Row rows[] = {
      {"time-offset", 2, OptionDataType::kInt32, false},
      {"routers", 3, OptionDataType::kIpv4Address, true},
      {"domain-name-servers", 6, OptionDataType::kIpv4Address, true},
      {"domain-name", 15, OptionDataType::kString, false},
      {"path-mtu-plateau-table", 25, OptionDataType::kUint16, true},
      {"vendor-encapsulated-options", 43, OptionDataType::kEmpty, false},
      {"dhcp-server-identifier", 54, OptionDataType::kIpv4Address, false},
      {"boot-file-name", 67, OptionDataType::kString, false},
      {"user-class", 77, OptionDataType::kBinary, false},
      {"slp-directory-agent", 78, OptionDataType::kRecord, true},
      {"client-system", 93, OptionDataType::kUint16, true},
      {"v6-only-preferred", 108, OptionDataType::kUint32, false},
      {"v4-captive-portal", 114, OptionDataType::kString, false},
      {"domain-search", 119, OptionDataType::kFqdn, true},
      {"vivso-suboptions", 125, OptionDataType::kUint32, false},
      {"v4-portparams", 159, OptionDataType::kRecord, false},
      {"option-6rd", 212, OptionDataType::kRecord, true},
      {"v4-access-domain", 213, OptionDataType::kFqdn, false},
  };
  for (const Row& row : rows) {
    const OptionDefinition* by_name = Std().FindByName("dhcp4", row.name);
    ASSERT_NE(by_name, nullptr) << row.name;
    EXPECT_EQ(by_name->code, row.code) << row.name;
    EXPECT_EQ(by_name->type, row.type) << row.name;
    EXPECT_EQ(by_name->array, row.array) << row.name;
    EXPECT_EQ(Std().FindByCode("dhcp4", row.code), by_name) << row.name;
  }
  EXPECT_EQ(Def("vendor-encapsulated-options").encapsulate, "vendor-encapsulated-options-space");
  EXPECT_EQ(Def("dhcp-agent-options").encapsulate, "dhcp-agent-options-space");
  EXPECT_THAT(Def("rdnss-selection").record_types,
              ElementsAre(OptionDataType::kUint8, OptionDataType::kIpv4Address,
                          OptionDataType::kIpv4Address, OptionDataType::kFqdn));
  EXPECT_TRUE(Def("dhcp-message-type").server_managed);
  EXPECT_TRUE(Def("dhcp-client-identifier").server_managed);
  EXPECT_FALSE(Def("routers").server_managed);
  EXPECT_FALSE(Def("dhcp-server-identifier").server_managed);
  EXPECT_EQ(Std().FindByName("dhcp4", "no-such-option"), nullptr);
  EXPECT_EQ(Std().FindByCode("dhcp6", 3), nullptr);
  // Every entry of the table made it in (names and codes are unique).
  EXPECT_EQ(Std().all().size(), 118u);
  ASSERT_NE(Std().FindByName("docsis3-v4", "oro"), nullptr);
  ASSERT_NE(Std().FindByName("vendor-4491", "tftp-servers"), nullptr);
  EXPECT_EQ(Std().FindByName("vendor-4491", "tftp-servers")->code, 2);
}

TEST(OptionDefinitionSet, RejectsDuplicateNameOrCodeInSameSpace) {
  OptionDefinitionSet set;
  ASSERT_TRUE(set.Add({.name = "foo", .code = 222, .space = "dhcp4"}).ok());
  auto dup_name = set.Add({.name = "foo", .code = 223, .space = "dhcp4"});
  EXPECT_EQ(dup_name.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(dup_name.message(), HasSubstr("'foo'"));
  auto dup_code = set.Add({.name = "bar", .code = 222, .space = "dhcp4"});
  EXPECT_EQ(dup_code.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(dup_code.message(), HasSubstr("222"));
  EXPECT_TRUE(set.Add({.name = "foo", .code = 222, .space = "isc"}).ok());
  EXPECT_EQ(set.FindByCode("isc", 222)->space, "isc");
}

TEST(EncodeOptionData, Ipv4ArraysWithBlanks) {
  EXPECT_THAT(Enc("routers", "192.0.2.1"), ElementsAre(192, 0, 2, 1));
  EXPECT_THAT(Enc("domain-name-servers", "192.0.2.1,  192.0.2.2 "),
              ElementsAre(192, 0, 2, 1, 192, 0, 2, 2));
  EXPECT_TRUE(Enc("routers", "").empty());  // empty arrays are allowed, as in Kea
  EXPECT_THAT(EncError("routers", "192.0.2.1, 192.0.2.300"), HasSubstr("field 2"));
  EXPECT_THAT(EncError("routers", "192.0.2.300"), HasSubstr("'192.0.2.300'"));
  EXPECT_THAT(EncError("swap-server", "192.0.2.1, 192.0.2.2"), HasSubstr("takes one"));
}

TEST(EncodeOptionData, Integers) {
  EXPECT_THAT(Enc("default-ip-ttl", "255"), ElementsAre(255));
  EXPECT_THAT(EncError("default-ip-ttl", "256"), HasSubstr("0 to 255"));
  EXPECT_THAT(EncError("default-ip-ttl", "-1"), HasSubstr("0 to 255"));
  EXPECT_THAT(Enc("interface-mtu", "1500"), ElementsAre(0x05, 0xdc));
  EXPECT_THAT(Enc("interface-mtu", "0x05dc"), ElementsAre(0x05, 0xdc));
  EXPECT_THAT(Enc("time-offset", "-1"), ElementsAre(0xff, 0xff, 0xff, 0xff));
  EXPECT_THAT(Enc("arp-cache-timeout", "4294967295"), ElementsAre(0xff, 0xff, 0xff, 0xff));
  EXPECT_FALSE(EncodeOptionData(Def("arp-cache-timeout"), "4294967296").ok());
  EXPECT_FALSE(EncodeOptionData(Def("arp-cache-timeout"), "99999999999999999999999").ok());
  EXPECT_FALSE(EncodeOptionData(Def("arp-cache-timeout"), "12abc").ok());
  EXPECT_FALSE(EncodeOptionData(Def("arp-cache-timeout"), "1.5").ok());
  EXPECT_THAT(Enc("path-mtu-plateau-table", "68, 296"), ElementsAre(0, 68, 1, 40));
}

TEST(EncodeOptionData, Booleans) {
  EXPECT_THAT(Enc("ip-forwarding", "true"), ElementsAre(1));
  EXPECT_THAT(Enc("ip-forwarding", "False"), ElementsAre(0));
  EXPECT_THAT(Enc("ip-forwarding", "1"), ElementsAre(1));
  EXPECT_THAT(Enc("ip-forwarding", "0"), ElementsAre(0));
  EXPECT_THAT(EncError("ip-forwarding", "yes"), HasSubstr("true, false, 1 or 0"));
}

TEST(EncodeOptionData, StringsWithEscapedCommas) {
  EXPECT_EQ(Enc("boot-file-name", "pxelinux.0"),
            Bytes({'p', 'x', 'e', 'l', 'i', 'n', 'u', 'x', '.', '0'}));
  EXPECT_EQ(Enc("boot-file-name", "foo\\,bar"), Bytes({'f', 'o', 'o', ',', 'b', 'a', 'r'}));
  EXPECT_EQ(Enc("domain-name", "example.org"),
            Bytes({'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'o', 'r', 'g'}));
  EXPECT_EQ(Enc("merit-dump", "a\\\\b"), Bytes({'a', '\\', 'b'}));
  EXPECT_THAT(EncError("boot-file-name", "foo,bar"), HasSubstr("\\\\,"));
  EXPECT_THAT(EncError("boot-file-name", ""), HasSubstr("needs a string value"));
}

TEST(EncodeOptionData, FqdnWireFormat) {
  EXPECT_EQ(Enc("v4-access-domain", "example.org"),
            Bytes({7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'o', 'r', 'g', 0}));
  EXPECT_EQ(Enc("v4-access-domain", "example.org."),
            Bytes({7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'o', 'r', 'g', 0}));
  EXPECT_EQ(Enc("domain-search", "a.b, c"), Bytes({1, 'a', 1, 'b', 0, 1, 'c', 0}));
  EXPECT_THAT(EncError("v4-access-domain", "a..b"), HasSubstr("empty label"));
  EXPECT_THAT(EncError("v4-access-domain", std::string(64, 'x') + ".org"), HasSubstr("63"));
  std::string long_name;
  for (int i = 0; i < 5; ++i) long_name += std::string(60, 'a') + ".";
  EXPECT_THAT(EncError("v4-access-domain", long_name), HasSubstr("255"));
}

TEST(EncodeOptionData, Records) {
  EXPECT_THAT(Enc("slp-directory-agent", "true, 192.0.2.1, 192.0.2.2"),
              ElementsAre(1, 192, 0, 2, 1, 192, 0, 2, 2));
  EXPECT_THAT(Enc("slp-service-scope", "false, scope"), ElementsAre(0, 's', 'c', 'o', 'p', 'e'));
  EXPECT_THAT(Enc("client-ndi", "1, 2, 3"), ElementsAre(1, 2, 3));
  EXPECT_THAT(EncError("client-ndi", "1, 2"), HasSubstr("needs 3"));
  EXPECT_THAT(EncError("client-ndi", "1, 2, 3, 4"), HasSubstr("takes 3"));
  EXPECT_THAT(Enc("uuid-guid", "0, 0102030405"), ElementsAre(0, 1, 2, 3, 4, 5));
  EXPECT_THAT(Enc("v4-portparams", "2, 3/4"), ElementsAre(2, 4, 0x30, 0x00));
  EXPECT_THAT(EncError("v4-portparams", "2, 16/4"), HasSubstr("field 2"));
  Bytes sixrd = Enc("option-6rd", "0, 16, 2001:db8::, 192.0.2.1, 192.0.2.2");
  ASSERT_EQ(sixrd.size(), 2u + 16 + 8);
  EXPECT_EQ(sixrd[2], 0x20);
  EXPECT_EQ(sixrd[3], 0x01);
}

TEST(EncodeOptionData, EmptyAndBinary) {
  EXPECT_TRUE(Enc("vendor-encapsulated-options", "").empty());
  EXPECT_THAT(EncError("vendor-encapsulated-options", "01"), HasSubstr("empty"));
  EXPECT_THAT(Enc("user-class", "0a0b"), ElementsAre(0x0a, 0x0b));
  EXPECT_THAT(Enc("user-class", "'ab'"), ElementsAre('a', 'b'));
}

TEST(EncodeOptionData, CustomDefinitionTypes) {
  OptionDefinition tuple{.name = "t", .code = 222, .type = OptionDataType::kTuple};
  EXPECT_THAT(*EncodeOptionData(tuple, "abc"), ElementsAre(3, 'a', 'b', 'c'));
  OptionDefinition prefix{.name = "p", .code = 223, .type = OptionDataType::kIpv6Prefix};
  EXPECT_THAT(*EncodeOptionData(prefix, "2001:db8:1::/48"),
              ElementsAre(48, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01));
  OptionDefinition i16{.name = "i", .code = 224, .type = OptionDataType::kInt16};
  EXPECT_THAT(*EncodeOptionData(i16, "-2"), ElementsAre(0xff, 0xfe));
  EXPECT_FALSE(EncodeOptionData(i16, "40000").ok());
  OptionDefinition internal{.name = "x", .code = 53, .type = OptionDataType::kInternal};
  EXPECT_THAT(EncodeOptionData(internal, "1").status().message(), HasSubstr("built by the server"));
}

TEST(ParseHexData, AcceptsKeaForms) {
  EXPECT_THAT(*ParseHexData("0a0B0c"), ElementsAre(0x0a, 0x0b, 0x0c));
  EXPECT_THAT(*ParseHexData("0a:0b:0c"), ElementsAre(0x0a, 0x0b, 0x0c));
  EXPECT_THAT(*ParseHexData("0a 0b 0c"), ElementsAre(0x0a, 0x0b, 0x0c));
  EXPECT_THAT(*ParseHexData("0x0a0b0c"), ElementsAre(0x0a, 0x0b, 0x0c));
  EXPECT_THAT(*ParseHexData("C0 00 03 01"), ElementsAre(0xc0, 0, 3, 1));
  EXPECT_THAT(*ParseHexData("a:b"), ElementsAre(0x0a, 0x0b));
  EXPECT_TRUE(ParseHexData("")->empty());
  EXPECT_FALSE(ParseHexData("abc").ok());
  EXPECT_FALSE(ParseHexData("zz").ok());
  EXPECT_FALSE(ParseHexData("0a::0b").ok());
  EXPECT_FALSE(ParseHexData("0a:0b 0c").ok());
  EXPECT_FALSE(ParseHexData("123:45").ok());
  EXPECT_THAT(ParseHexData("xyz").status().message(), HasSubstr("'xyz'"));
  EXPECT_THAT(*ParseBinaryData("'hi'"), ElementsAre('h', 'i'));
}

TEST(FormatOptionData, RoundTripsEveryStandardSample) {
  const std::pair<const char*, const char*> samples[] = {
      {"routers", "192.0.2.1, 192.0.2.2"},
      {"time-offset", "-3600"},
      {"ip-forwarding", "true"},
      {"boot-file-name", "foo\\,bar"},
      {"domain-search", "example.org, example.com"},
      {"slp-directory-agent", "true, 192.0.2.1, 192.0.2.2"},
      {"v4-portparams", "2, 3/4"},
      {"option-6rd", "0, 16, 2001:db8::, 192.0.2.1"},
      {"uuid-guid", "0, 0102"},
      {"rdnss-selection", "1, 192.0.2.1, 192.0.2.2, a.example, b.example"},
  };
  for (const auto& [name, text] : samples) {
    Bytes wire = Enc(name, text);
    EXPECT_EQ(FormatOptionData(Def(name), wire), text) << name;
  }
}

TEST(FormatOptionData, FallsBackToHexOnMismatch) {
  Bytes three = {1, 2, 3};
  EXPECT_EQ(FormatOptionData(Def("routers"), three), "010203");
  EXPECT_FALSE(TryFormatOptionDataCsv(Def("routers"), three).has_value());
  Bytes bad_bool = {7};
  EXPECT_EQ(FormatOptionData(Def("ip-forwarding"), bad_bool), "07");
  Bytes bad_name = {5, 'a'};
  EXPECT_EQ(FormatOptionData(Def("v4-access-domain"), bad_name), "0561");
}

TEST(ToColonHex, Formats) {
  Bytes mac = {0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f};
  EXPECT_EQ(ToColonHex(mac), "1a:1b:1c:1d:1e:1f");
  EXPECT_EQ(ToColonHex(Bytes{}), "");
}

}  // namespace
}  // namespace shoal::dhcp
