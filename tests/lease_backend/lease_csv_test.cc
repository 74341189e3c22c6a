#include "lease_backend/lease_csv.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/lease_backend/lease_store_conformance.h"  // PrintTo(Lease4)

namespace shoal::lease_backend {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kHeader[] =
    "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,"
    "user_context";

dhcp::Ipv4Address A(const char* text) { return *dhcp::Ipv4Address::Parse(text); }

std::string SourceDir() {
  const char* dir = std::getenv("SHOAL_SOURCE_DIR");
  return dir ? dir : ".";
}

absl::StatusOr<std::vector<Lease4>> Read(const std::string& text, uint32_t max_errors = 0,
                                         std::vector<std::string>* errors = nullptr) {
  std::istringstream in(text);
  CsvReadOptions options{.max_row_errors = max_errors, .source_name = "test.csv"};
  if (errors) {
    options.on_row_error = [errors](const absl::Status& s) { errors->emplace_back(s.message()); };
  }
  return ReadLease4Csv(in, options);
}

TEST(LeaseCsvTest, HeaderIsKeas) { EXPECT_EQ(Lease4CsvHeader(), kHeader); }

TEST(LeaseCsvTest, FormatsRowLikeKea) {
  Lease4 l;
  l.address = A("192.0.2.10");
  l.hwaddr = {0x00, 0x0C, 0x01, 0x02, 0x03, 0xAB};
  l.client_id = {0x01, 0x00, 0x0c};
  l.valid_lifetime = 3600;
  l.cltt = 1800000000;
  l.subnet_id = 7;
  l.fqdn_fwd = true;
  l.hostname = "comma,and&amp";
  l.user_context = R"({ "n": 1, "note": "a,b" })";
  EXPECT_EQ(FormatLease4CsvRow(l),
            "192.0.2.10,00:0c:01:02:03:ab,01:00:0c,3600,1800003600,7,1,0,comma&#x2cand&#x26amp,0,"
            "{ \"n\": 1&#x2c \"note\": \"a&#x2cb\" }");
  std::string deletion;
  AppendLease4CsvDeletionRow(l, deletion);
  EXPECT_EQ(deletion,
            "192.0.2.10,00:0c:01:02:03:ab,01:00:0c,0,1800000000,7,1,0,comma&#x2cand&#x26amp,0,"
            "{ \"n\": 1&#x2c \"note\": \"a&#x2cb\" }\n");
}

TEST(LeaseCsvTest, InfiniteLeaseExpireIsClttPlusLifetimeAsKeaWrites) {
  // kea-dhcp4 2.2 wrote "127.0.0.12,...,4294967295,6090285627,..." for a
  // lease with cltt 1795318332.
  Lease4 l;
  l.address = A("127.0.0.12");
  l.hwaddr = {0, 0x0c, 1, 2, 3, 6};
  l.valid_lifetime = Lease4::kInfinite;
  l.cltt = 1795318332;
  l.subnet_id = 1;
  l.hostname = "forever";
  std::string row = FormatLease4CsvRow(l);
  EXPECT_EQ(row, "127.0.0.12,00:0c:01:02:03:06,,4294967295,6090285627,1,0,0,forever,0,");
  auto back = Read(std::string(kHeader) + "\n" + row + "\n");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_THAT(*back, ElementsAre(l));
}

TEST(LeaseCsvTest, EscapesRoundTrip) {
  for (std::string text :
       {std::string("plain"), std::string("a,b"), std::string("a&b"), std::string("&#x2c"),
        std::string("line\nbreak\r"), std::string("tab\tand\x7f"), std::string("&#xzz&#x"),
        std::string(",,&&"), std::string("")}) {
    std::string escaped = EscapeLease4CsvField(text);
    EXPECT_EQ(escaped.find_first_of(",\n\r"), std::string::npos) << escaped;
    EXPECT_EQ(UnescapeLease4CsvField(escaped), text);
  }
  EXPECT_EQ(EscapeLease4CsvField("a,b&c"), "a&#x2cb&#x26c");
  // Kea decodes any &#xNN and keeps malformed escapes literally.
  EXPECT_EQ(UnescapeLease4CsvField("&#x41&#X41&#x4&#xg1"), "A&#X41&#x4&#xg1");
}

TEST(LeaseCsvTest, HostnameWithNewlineCannotForgeRows) {
  Lease4 l;
  l.address = A("192.0.2.1");
  l.hwaddr = {1, 2, 3, 4, 5, 6};
  l.valid_lifetime = 60;
  l.cltt = 1000;
  l.hostname = "evil\n192.0.2.99,01:01:01:01:01:01,,60,2000,1,0,0,x,0,";
  std::string file = std::string(kHeader) + "\n";
  AppendLease4CsvRow(l, file);
  auto back = Read(file);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_THAT(*back, ElementsAre(l));
}

TEST(LeaseCsvTest, ReadsRealKeaFile) {
  // Written by kea-dhcp4 2.2.0 (lease4-add/update/del through lease_cmds).
  std::ifstream in(SourceDir() + "/tests/lease_backend/testdata/kea-2.2-leases4.csv");
  ASSERT_TRUE(in) << "set SHOAL_SOURCE_DIR";
  auto leases = ReadLease4Csv(in, {.source_name = "kea-2.2-leases4.csv"});
  ASSERT_TRUE(leases.ok()) << leases.status();
  ASSERT_EQ(leases->size(), 5u);  // .15 deleted
  const Lease4& a = (*leases)[0];
  EXPECT_EQ(a.address, A("127.0.0.10"));
  EXPECT_EQ(a.hwaddr, (std::vector<uint8_t>{0x00, 0x0c, 0x01, 0x02, 0x03, 0x04}));
  EXPECT_EQ(a.client_id, (std::vector<uint8_t>{0x01, 0x00, 0x0c, 0x01, 0x02, 0x03, 0x04}));
  EXPECT_EQ(a.cltt, 1800003600);  // the update (last entry) wins
  EXPECT_EQ(a.expire(), 1800007200);
  EXPECT_FALSE(a.fqdn_fwd);
  EXPECT_EQ(a.hostname, "host-a.example.org");
  const Lease4& b = (*leases)[1];
  EXPECT_EQ(b.hostname, "comma,and&amp");
  EXPECT_EQ(b.user_context, R"({ "n": 1, "note": "a,b" })");
  EXPECT_EQ(b.cltt, 1800000000);  // kea's lease4-get reported this cltt
  const Lease4& c = (*leases)[2];
  EXPECT_EQ(c.valid_lifetime, Lease4::kInfinite);
  EXPECT_EQ(c.cltt, 1795318332);  // kea's lease4-get reported this cltt
  EXPECT_EQ((*leases)[3].state, LeaseState::kDeclined);
  EXPECT_EQ((*leases)[4].state, LeaseState::kExpiredReclaimed);
  // Writing them back gives the rows Kea wrote.
  std::ostringstream out;
  ASSERT_TRUE(WriteLease4Csv(out, *leases).ok());
  EXPECT_THAT(out.str(), HasSubstr("127.0.0.11,00:0c:01:02:03:05,,7200,1800007200,1,0,0,comma&#x2c"
                                   "and&#x26amp,0,{ \"n\": 1&#x2c \"note\": \"a&#x2cb\" }\n"));
  EXPECT_THAT(out.str(), HasSubstr("127.0.0.12,00:0c:01:02:03:06,,4294967295,6090285627,1,0,0,"
                                   "forever,0,\n"));
}

TEST(LeaseCsvTest, OlderHeaderGetsDefaultsAndUnknownColumnsAreIgnored) {
  auto old = Read(
      "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname\n"
      "192.0.2.1,01:02:03:04:05:06,,100,1100,3,1,1,h&#x2c1\n");
  ASSERT_TRUE(old.ok()) << old.status();
  ASSERT_EQ(old->size(), 1u);
  EXPECT_EQ((*old)[0].state, LeaseState::kDefault);
  EXPECT_EQ((*old)[0].hostname, "h,1");
  EXPECT_EQ((*old)[0].cltt, 1000);

  auto newer = Read(std::string(kHeader) + ",pool_id\n" +
                    "192.0.2.1,01:02:03:04:05:06,,100,1100,3,0,0,,1,,5\r\n");
  ASSERT_TRUE(newer.ok()) << newer.status();
  ASSERT_EQ(newer->size(), 1u);
  EXPECT_EQ((*newer)[0].state, LeaseState::kDeclined);
}

TEST(LeaseCsvTest, HeaderWithoutHostnameIsAnError) {
  auto r = Read("address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("test.csv line 1"));
  EXPECT_THAT(r.status().message(), HasSubstr("'hostname'"));
  EXPECT_FALSE(Read("not,a,lease,file\n1,2,3,4\n").ok());
  EXPECT_TRUE(Read("")->empty());
  EXPECT_TRUE(Read(std::string(kHeader) + "\n")->empty());
}

TEST(LeaseCsvTest, LastEntryWinsAndZeroLifetimeDeletes) {
  std::string file = std::string(kHeader) + "\n" +
                     "192.0.2.1,01:02:03:04:05:06,,100,1100,1,0,0,first,0,\n"
                     "192.0.2.2,01:02:03:04:05:07,,100,1100,1,0,0,two,0,\n"
                     "192.0.2.1,01:02:03:04:05:06,,100,1200,1,0,0,second,0,\n"
                     "192.0.2.2,01:02:03:04:05:07,,0,1000,1,0,0,two,0,\n"
                     "192.0.2.3,01:02:03:04:05:08,,0,1000,1,0,0,never,0,\n"
                     "192.0.2.4,01:02:03:04:05:09,,0,1000,1,0,0,gone,0,\n"
                     "192.0.2.4,01:02:03:04:05:09,,50,1050,1,0,0,back,0,\n";
  auto r = Read(file);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].hostname, "second");
  EXPECT_EQ((*r)[1].hostname, "back");
}

TEST(LeaseCsvTest, MaxRowErrorsStopsLoadingNamingFileAndLine) {
  std::string file = std::string(kHeader) + "\n" +
                     "192.0.2.1,01:02:03:04:05:06,,100,1100,1,0,0,ok,0,\n"
                     "192.0.2.300,01:02:03:04:05:06,,100,1100,1,0,0,bad address,0,\n"
                     "192.0.2.2,zz:02,,100,1100,1,0,0,bad hwaddr,0,\n"
                     "192.0.2.3,01:02:03:04:05:06,,100,1100,1,0,0,too,few\n"
                     "192.0.2.4,01:02:03:04:05:06,,100,1100,1,0,0,ok,0,\n";
  std::vector<std::string> errors;
  auto unlimited = Read(file, 0, &errors);
  ASSERT_TRUE(unlimited.ok()) << unlimited.status();
  EXPECT_EQ(unlimited->size(), 2u);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_THAT(errors[0], HasSubstr("test.csv line 3: address '192.0.2.300'"));
  EXPECT_THAT(errors[1], HasSubstr("test.csv line 4: hwaddr 'zz:02'"));
  EXPECT_THAT(errors[2], HasSubstr("test.csv line 5: row has fewer fields"));

  EXPECT_TRUE(Read(file, 3).ok());
  auto stopped = Read(file, 2);
  ASSERT_FALSE(stopped.ok());
  EXPECT_THAT(stopped.status().message(), HasSubstr("test.csv line 5"));
  EXPECT_THAT(stopped.status().message(), HasSubstr("max-row-errors 2"));
}

TEST(LeaseCsvTest, RejectsWhatKeaRejects) {
  auto one = [](const std::string& row) {
    std::vector<std::string> errors;
    auto r = Read(std::string(kHeader) + "\n" + row + "\n", 0, &errors);
    return errors.empty() ? std::string() : errors[0];
  };
  EXPECT_THAT(one("192.0.2.1,,,100,1100,1,0,0,,0,"), HasSubstr("neither hwaddr nor client_id"));
  EXPECT_EQ(one("192.0.2.1,,,100,1100,1,0,0,,1,"), "");  // declined may
  EXPECT_EQ(one("192.0.2.1,,01:02,100,1100,1,0,0,,0,"), "");
  EXPECT_THAT(one("192.0.2.1,01:02,,100,1100,1,0,0,,0,[1]"), HasSubstr("not a JSON map"));
  EXPECT_THAT(one("192.0.2.1,01:02,,100,1100,1,0,0,,7,"), HasSubstr("state '7'"));
  EXPECT_THAT(one("192.0.2.1,01:02,,-1,1100,1,0,0,,0,"), HasSubstr("valid_lifetime"));
  EXPECT_THAT(one("192.0.2.1,01:02,,100,soon,1,0,0,,0,"), HasSubstr("expire 'soon'"));
  EXPECT_THAT(one("192.0.2.1,01:02,,100,1100,x,0,0,,0,"), HasSubstr("subnet_id"));
  EXPECT_THAT(one("192.0.2.1,01:02,,100,1100,1,2,0,,0,"), HasSubstr("fqdn_fwd"));
  EXPECT_THAT(one("0.0.0.0,01:02,,100,1100,1,0,0,,0,"), HasSubstr("address"));
  // Kea's other hex spellings are accepted; uppercase is read.
  EXPECT_EQ(one("192.0.2.1,A:B:0C,0102,100,1100,1,0,0,,0,"), "");
}

TEST(LeaseCsvTest, OverlongLineIsARowError) {
  std::string file = std::string(kHeader) + "\n" + "192.0.2.1,01:02,,100,1100,1,0,0," +
                     std::string(kMaxLineLength + 10, 'x') + ",0,\n" +
                     "192.0.2.2,01:02,,100,1100,1,0,0,ok,0,\n";
  std::vector<std::string> errors;
  auto r = Read(file, 0, &errors);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].hostname, "ok");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], HasSubstr("line 2: row longer than"));
}

TEST(LeaseCsvTest, WriteThenReadRoundTrips) {
  std::vector<Lease4> leases;
  for (uint32_t i = 1; i <= 100; ++i) {
    Lease4 l;
    l.address = dhcp::Ipv4Address(0xc0000200 + i);
    l.hwaddr = {1, 2, 3, 4, 5, static_cast<uint8_t>(i)};
    if (i % 2) l.client_id = {1, static_cast<uint8_t>(i), 9};
    l.valid_lifetime = i % 10 == 0 ? Lease4::kInfinite : 100 * i;
    l.cltt = 1'700'000'000 + i;
    l.subnet_id = i % 4;
    l.fqdn_fwd = i % 3 == 0;
    l.fqdn_rev = i % 5 == 0;
    l.hostname = i % 7 ? "h," + std::to_string(i) : "";
    l.state = static_cast<LeaseState>(i % 3);
    if (i % 4 == 0) l.user_context = R"({"k":"v,&"})";
    leases.push_back(l);
  }
  std::stringstream s;
  ASSERT_TRUE(WriteLease4Csv(s, leases).ok());
  auto back = ReadLease4Csv(s, {});
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, leases);

  Lease4 zero = leases[0];
  zero.valid_lifetime = 0;
  std::stringstream z;
  EXPECT_EQ(WriteLease4Csv(z, {zero}).code(), absl::StatusCode::kInvalidArgument);
}

TEST(LeaseCsvTest, IncrementalParserReportsDeletions) {
  auto parser = Lease4CsvRowParser::Create(kHeader);
  ASSERT_TRUE(parser.ok()) << parser.status();
  auto row = parser->Parse("192.0.2.9,01:02:03:04:05:06,,0,1000,1,0,0,,0,");
  ASSERT_TRUE(row.ok()) << row.status();
  EXPECT_EQ(row->valid_lifetime, 0u);
  EXPECT_EQ(row->cltt, 1000);
  EXPECT_FALSE(Lease4CsvRowParser::Create("address,address,hwaddr").ok());
}

}  // namespace
}  // namespace shoal::lease_backend
