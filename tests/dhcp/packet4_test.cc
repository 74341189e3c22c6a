#include "dhcp/packet4.h"

#include <cstdint>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/dhcp/packet4_test_util.h"

namespace shoal::dhcp {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

using Bytes = std::vector<uint8_t>;

// A 240-byte fixed header with the magic cookie, followed by `options`.
Bytes Wire(const Bytes& options = {}) {
  Bytes w(Packet4::kOptionsOffset, 0);
  w[0] = kBootRequest;
  w[1] = 1;
  w[2] = 6;
  w[4] = 0xde, w[5] = 0xad, w[6] = 0xbe, w[7] = 0xef;  // xid
  for (int i = 0; i < 6; ++i) w[28 + i] = 0x10 + i;    // chaddr
  w[236] = 0x63, w[237] = 0x82, w[238] = 0x53, w[239] = 0x63;
  w.insert(w.end(), options.begin(), options.end());
  return w;
}

Packet4 Discover() {
  Packet4 p;
  p.xid = 0x12345678;
  p.flags = 0x8000;
  p.chaddr = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
  p.set_message_type(MessageType::kDiscover);
  p.SetOption(kOptionParameterRequestList, {1, 3, 6, 15});
  p.SetOption(kOptionClientId, {1, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55});
  return p;
}

Packet4 RoundTrip(const Packet4& p, size_t max_size = 576) {
  auto wire = p.Serialize(max_size);
  EXPECT_TRUE(wire.ok()) << wire.status();
  if (!wire.ok()) return {};
  auto back = Packet4::Parse(*wire);
  EXPECT_TRUE(back.ok()) << back.status();
  if (!back.ok()) return {};
  return *back;
}

Bytes Filled(size_t n, uint8_t seed) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = uint8_t(seed + i * 7);
  return b;
}

// ---- Parse: valid input --------------------------------------------------

TEST(Packet4ParseTest, ReadsFixedHeaderAndOptions) {
  Bytes w = Wire({53, 1, 3, 50, 4, 192, 0, 2, 10, 255});
  w[3] = 2;                                     // hops
  w[8] = 0x00, w[9] = 0x05;                     // secs
  w[10] = 0x80;                                 // broadcast flag
  w[12] = 10, w[13] = 0, w[14] = 0, w[15] = 1;  // ciaddr
  w[24] = 10, w[25] = 9, w[26] = 8, w[27] = 7;  // giaddr
  auto p = Packet4::Parse(w);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->op, kBootRequest);
  EXPECT_EQ(p->hops, 2);
  EXPECT_EQ(p->xid, 0xdeadbeefu);
  EXPECT_EQ(p->secs, 5);
  EXPECT_TRUE(p->broadcast_flag());
  EXPECT_EQ(p->ciaddr.ToString(), "10.0.0.1");
  EXPECT_EQ(p->giaddr.ToString(), "10.9.8.7");
  EXPECT_THAT(p->hw_address(), ElementsAre(0x10, 0x11, 0x12, 0x13, 0x14, 0x15));
  EXPECT_EQ(p->message_type(), MessageType::kRequest);
  ASSERT_NE(p->GetOption(kOptionRequestedAddress), nullptr);
  EXPECT_THAT(*p->GetOption(kOptionRequestedAddress), ElementsAre(192, 0, 2, 10));
  EXPECT_EQ(p->GetOption(kOptionLeaseTime), nullptr);
}

TEST(Packet4ParseTest, MinimalMessageHasNoOptions) {
  auto p = Packet4::Parse(Wire());
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_TRUE(p->options().empty());
  EXPECT_EQ(p->message_type(), MessageType::kNone);
}

TEST(Packet4ParseTest, AllPadIsEmpty) {
  auto p = Packet4::Parse(Wire(Bytes(300, 0)));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_TRUE(p->options().empty());
}

TEST(Packet4ParseTest, PadBetweenOptionsAndJunkAfterEnd) {
  auto p = Packet4::Parse(Wire({0, 0, 53, 1, 1, 0, 12, 2, 'h', 'i', 255, 51, 200, 1}));
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->options().size(), 2u);
  EXPECT_THAT(*p->GetOption(kOptionHostName), ElementsAre('h', 'i'));
  EXPECT_EQ(p->GetOption(kOptionLeaseTime), nullptr);  // after END: ignored
}

TEST(Packet4ParseTest, MissingEndToleratedAtBufferEnd) {
  auto p = Packet4::Parse(Wire({53, 1, 1, 12, 3, 'a', 'b', 'c'}));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->message_type(), MessageType::kDiscover);
  EXPECT_THAT(*p->GetOption(kOptionHostName), ElementsAre('a', 'b', 'c'));
}

TEST(Packet4ParseTest, ZeroLengthOption) {
  auto p = Packet4::Parse(Wire({80, 0, 53, 1, 1, 255}));
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_NE(p->GetOption(80), nullptr);
  EXPECT_TRUE(p->GetOption(80)->empty());
}

TEST(Packet4ParseTest, MessageTypeIsFirst) {
  auto p = Packet4::Parse(Wire({12, 1, 'x', 53, 1, 8, 255}));
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->options().size(), 2u);
  EXPECT_EQ(p->options()[0].first, kOptionMessageType);
  EXPECT_EQ(p->message_type(), MessageType::kInform);
}

TEST(Packet4ParseTest, ConcatenatesRepeatedOptions) {  // RFC 3396
  auto p = Packet4::Parse(Wire({12, 2, 'a', 'b', 53, 1, 1, 12, 0, 12, 3, 'c', 'd', 'e', 255}));
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->options().size(), 2u);
  EXPECT_THAT(*p->GetOption(kOptionHostName), ElementsAre('a', 'b', 'c', 'd', 'e'));
}

TEST(Packet4ParseTest, GiantRepeatedOptions) {
  // A jumbo-frame-sized message: option 43 repeated 35 times at 255 bytes.
  Bytes opts = {53, 1, 1};
  Bytes expected;
  for (int i = 0; i < 35; ++i) {
    Bytes chunk = Filled(255, uint8_t(i));
    opts.push_back(43);
    opts.push_back(255);
    opts.insert(opts.end(), chunk.begin(), chunk.end());
    expected.insert(expected.end(), chunk.begin(), chunk.end());
  }
  opts.push_back(255);
  auto p = Packet4::Parse(Wire(opts));
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->options().size(), 2u);
  EXPECT_EQ(*p->GetOption(43), expected);
  // And back: Serialize splits it into 255-byte instances again.
  EXPECT_EQ(RoundTrip(*p, 65535), *p);
}

TEST(Packet4ParseTest, EveryCodeRepeatedMaxTimes) {
  // 254 distinct codes, each twice: the concatenation index must not overflow.
  Bytes opts;
  for (int round = 0; round < 2; ++round) {
    for (int code = 1; code <= 254; ++code) {
      if (code == kOptionOverload) continue;
      opts.insert(opts.end(), {uint8_t(code), 1, uint8_t(round)});
    }
  }
  auto p = Packet4::Parse(Wire(opts));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->options().size(), 253u);
  for (int code = 1; code <= 254; ++code) {
    if (code == kOptionOverload) continue;
    ASSERT_NE(p->GetOption(uint8_t(code)), nullptr) << code;
    EXPECT_THAT(*p->GetOption(uint8_t(code)), ElementsAre(0, 1)) << code;
  }
}

TEST(Packet4ParseTest, OverloadFileThenSname) {
  Bytes w = Wire({53, 1, 5, 52, 1, 3, 12, 1, 'a', 255});
  // file (offset 108) carries more of option 12 and option 51.
  Bytes file = {12, 1, 'b', 51, 4, 0, 0, 0x0e, 0x10, 255};
  std::copy(file.begin(), file.end(), w.begin() + Packet4::kFileOffset);
  // sname (offset 44) is read after file: more of 12, then 15.
  Bytes sname = {12, 1, 'c', 15, 3, 'e', 'x', 'y', 255};
  std::copy(sname.begin(), sname.end(), w.begin() + Packet4::kSnameOffset);
  auto p = Packet4::Parse(w);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->GetOption(kOptionOverload), nullptr);  // consumed by the codec
  EXPECT_THAT(*p->GetOption(kOptionHostName), ElementsAre('a', 'b', 'c'));
  EXPECT_THAT(*p->GetOption(kOptionLeaseTime), ElementsAre(0, 0, 0x0e, 0x10));
  EXPECT_THAT(*p->GetOption(kOptionDomainName), ElementsAre('e', 'x', 'y'));
  EXPECT_EQ(p->file, decltype(p->file){});
  EXPECT_EQ(p->sname, decltype(p->sname){});
}

TEST(Packet4ParseTest, OverloadFileOnlyKeepsSname) {
  Bytes w = Wire({53, 1, 5, 52, 1, 1, 255});
  Bytes file = {15, 2, 'x', 'y'};  // no END: ends... not at field end, rest is PAD
  std::copy(file.begin(), file.end(), w.begin() + Packet4::kFileOffset);
  w[Packet4::kSnameOffset] = 's';
  auto p = Packet4::Parse(w);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_THAT(*p->GetOption(kOptionDomainName), ElementsAre('x', 'y'));
  EXPECT_EQ(p->sname[0], 's');
}

TEST(Packet4ParseTest, OverloadOptionFillingWholeFileWithoutEnd) {
  Bytes w = Wire({53, 1, 5, 52, 1, 1, 255});
  w[Packet4::kFileOffset] = 43;
  w[Packet4::kFileOffset + 1] = 126;  // exactly to the end of the 128-byte field
  auto p = Packet4::Parse(w);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->GetOption(43)->size(), 126u);
}

// ---- Parse: malformed input ----------------------------------------------

void ExpectInvalid(const Bytes& w, const std::string& message_part) {
  auto p = Packet4::Parse(w);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(p.status().message()), HasSubstr(message_part));
}

TEST(Packet4MalformedTest, EmptyBuffer) {
  ExpectInvalid({}, "truncated: 0 bytes, a DHCPv4 message needs at least 240");
}

TEST(Packet4MalformedTest, TruncatedHeader) {
  Bytes w = Wire();
  w.resize(120);
  ExpectInvalid(w, "truncated: 120 bytes, a DHCPv4 message needs at least 240");
  w = Wire();
  w.resize(239);  // header complete, cookie cut short
  ExpectInvalid(w, "truncated: 239 bytes");
}

TEST(Packet4MalformedTest, MissingMagicCookie) {
  Bytes w = Wire({53, 1, 1, 255});
  w[239] = 0x64;
  ExpectInvalid(w, "missing magic cookie");
  ExpectInvalid(w, "63 82 53 64");
}

TEST(Packet4MalformedTest, HlenTooLarge) {
  Bytes w = Wire({53, 1, 1, 255});
  w[2] = 17;
  ExpectInvalid(w, "hlen is 17 but chaddr holds at most 16 bytes");
  w[2] = 16;
  EXPECT_TRUE(Packet4::Parse(w).ok());
}

TEST(Packet4MalformedTest, TruncatedOption) {
  // 240 + 20 = offset 260 for option 51, claiming 4 bytes with 2 left.
  Bytes opts(20, 0);
  opts.insert(opts.end(), {51, 4, 0, 0});
  ExpectInvalid(Wire(opts), "option 51 at offset 260 claims 4 bytes but only 2 remain");
}

TEST(Packet4MalformedTest, OptionWithoutLengthByte) {
  ExpectInvalid(Wire({53, 1, 1, 12}), "option 12 at offset 243 has no length byte");
}

TEST(Packet4MalformedTest, LengthOverflowsBuffer) {
  ExpectInvalid(Wire({53, 1, 1, 12, 255, 'a', 'b'}), "claims 255 bytes but only 2 remain");
}

TEST(Packet4MalformedTest, BadOverloadValue) {
  ExpectInvalid(Wire({53, 1, 1, 52, 1, 4, 255}), "option 52 (overload) must be 1 byte");
  ExpectInvalid(Wire({53, 1, 1, 52, 1, 0, 255}), "with value 0");
  ExpectInvalid(Wire({53, 1, 1, 52, 2, 1, 1, 255}), "got 2 bytes");
  ExpectInvalid(Wire({53, 1, 1, 52, 1, 1, 52, 1, 1, 255}), "got 2 bytes");  // concatenated
}

TEST(Packet4MalformedTest, TruncatedOptionInOverloadedFile) {
  Bytes w = Wire({53, 1, 1, 52, 1, 1, 255});
  w[Packet4::kFileOffset + 120] = 43;
  w[Packet4::kFileOffset + 121] = 10;
  ExpectInvalid(w,
                "option 43 at offset 228 claims 10 bytes but only 6 remain in the "
                "overloaded 'file' field");
}

TEST(Packet4MalformedTest, TruncatedOptionInOverloadedSname) {
  Bytes w = Wire({53, 1, 1, 52, 1, 2, 255});
  w[Packet4::kSnameOffset + 63] = 43;
  ExpectInvalid(w, "option 43 at offset 107 has no length byte: the overloaded 'sname' field");
}

TEST(Packet4MalformedTest, OverloadInsideFile) {
  Bytes w = Wire({53, 1, 1, 52, 1, 1, 255});
  w[Packet4::kFileOffset] = 52;
  w[Packet4::kFileOffset + 1] = 1;
  w[Packet4::kFileOffset + 2] = 2;
  ExpectInvalid(w, "option 52 (overload) at offset 108");
}

// ---- Serialize -----------------------------------------------------------

TEST(Packet4SerializeTest, LayoutAndMinimumSize) {
  Packet4 p = Discover();
  p.ciaddr = *Ipv4Address::Parse("192.0.2.5");
  auto wire = p.Serialize();
  ASSERT_TRUE(wire.ok()) << wire.status();
  ASSERT_EQ(wire->size(), 300u);
  const Bytes& w = *wire;
  EXPECT_EQ(w[0], kBootRequest);
  EXPECT_EQ(w[2], 6);
  EXPECT_THAT(Bytes(w.begin() + 4, w.begin() + 8), ElementsAre(0x12, 0x34, 0x56, 0x78));
  EXPECT_THAT(Bytes(w.begin() + 10, w.begin() + 12), ElementsAre(0x80, 0x00));
  EXPECT_THAT(Bytes(w.begin() + 12, w.begin() + 16), ElementsAre(192, 0, 2, 5));
  EXPECT_THAT(Bytes(w.begin() + 236, w.begin() + 243),
              ElementsAre(0x63, 0x82, 0x53, 0x63, 53, 1, 1));
  // 53, 55, 61, END, then zero padding.
  EXPECT_EQ(w[243], kOptionParameterRequestList);
  EXPECT_EQ(w[243 + 6], kOptionClientId);
  EXPECT_EQ(w[243 + 6 + 9], kOptionEnd);
  EXPECT_TRUE(std::all_of(w.begin() + 259, w.end(), [](uint8_t b) { return b == 0; }));
}

TEST(Packet4SerializeTest, MessageTypeWrittenFirstEvenIfSetLast) {
  Packet4 p;
  p.SetOption(kOptionHostName, {'h'});
  p.set_message_type(MessageType::kAck);
  auto wire = p.Serialize();
  ASSERT_TRUE(wire.ok());
  EXPECT_EQ((*wire)[240], kOptionMessageType);
  EXPECT_EQ(p.options()[0].first, kOptionMessageType);
}

TEST(Packet4SerializeTest, RoundTrip) {
  Packet4 p = Discover();
  p.op = kBootReply;
  p.hops = 3;
  p.secs = 65535;
  p.yiaddr = *Ipv4Address::Parse("192.0.2.100");
  p.siaddr = *Ipv4Address::Parse("192.0.2.1");
  p.giaddr = *Ipv4Address::Parse("198.51.100.1");
  p.sname[0] = 's';
  p.file[0] = 'f';
  p.SetOption(80, {});  // rapid commit: empty option
  EXPECT_EQ(RoundTrip(p), p);
}

TEST(Packet4SerializeTest, LongOptionSplitIntoInstances) {
  Packet4 p = Discover();
  Bytes big = Filled(600, 3);
  p.SetOption(43, big);
  auto wire = p.Serialize(1500);
  ASSERT_TRUE(wire.ok()) << wire.status();
  // Three instances: 255 + 255 + 90.
  size_t pos = 240, instances = 0;
  while ((*wire)[pos] != kOptionEnd) {
    if ((*wire)[pos] == 43) {
      ++instances;
      EXPECT_EQ((*wire)[pos + 1], instances < 3 ? 255 : 90);
    }
    pos += 2 + (*wire)[pos + 1];
  }
  EXPECT_EQ(instances, 3u);
  EXPECT_EQ(RoundTrip(p, 1500), p);
}

TEST(Packet4SerializeTest, OverloadIntoFileThenSname) {
  Packet4 p = Discover();
  // 576 - 240 = 336 bytes of options field; add ~450 bytes of options.
  p.SetOption(43, Filled(250, 1));
  p.SetOption(125, Filled(100, 2));
  p.SetOption(124, Filled(60, 3));
  p.SetOption(77, Filled(30, 4));
  auto wire = p.Serialize(576);
  ASSERT_TRUE(wire.ok()) << wire.status();
  EXPECT_EQ(wire->size(), 576u);
  // Option 52 is right after option 53 and says "both".
  EXPECT_THAT(Bytes(wire->begin() + 240, wire->begin() + 246), ElementsAre(53, 1, 1, 52, 1, 3));
  Packet4 back = RoundTrip(p, 576);
  EXPECT_EQ(Normalized(back), Normalized(p));
  EXPECT_EQ(back.GetOption(kOptionOverload), nullptr);
}

TEST(Packet4SerializeTest, OverloadFileOnlyWhenSnameInUse) {
  Packet4 p = Discover();
  p.sname[0] = 'n';
  p.SetOption(43, Filled(250, 1));
  p.SetOption(125, Filled(100, 2));
  auto wire = p.Serialize(576);
  ASSERT_TRUE(wire.ok()) << wire.status();
  EXPECT_THAT(Bytes(wire->begin() + 243, wire->begin() + 246), ElementsAre(52, 1, 1));
  EXPECT_EQ((*wire)[Packet4::kSnameOffset], 'n');
  EXPECT_EQ(Normalized(RoundTrip(p, 576)), Normalized(p));
}

TEST(Packet4SerializeTest, OverloadSnameOnlyWhenFileInUse) {
  Packet4 p = Discover();
  p.file[0] = 'b';
  p.SetOption(43, Filled(250, 1));
  p.SetOption(124, Filled(50, 2));
  p.SetOption(125, Filled(30, 3));  // 355 bytes of options: 125 goes to sname
  auto wire = p.Serialize(576);
  ASSERT_TRUE(wire.ok()) << wire.status();
  EXPECT_THAT(Bytes(wire->begin() + 243, wire->begin() + 246), ElementsAre(52, 1, 2));
  EXPECT_EQ((*wire)[Packet4::kFileOffset], 'b');
  EXPECT_EQ((*wire)[Packet4::kSnameOffset], 125);
  EXPECT_EQ(RoundTrip(p, 576), p);
}

TEST(Packet4SerializeTest, DoesNotFitEvenWithOverload) {
  Packet4 p = Discover();
  p.SetOption(43, Filled(600, 1));
  auto wire = p.Serialize(576);
  ASSERT_FALSE(wire.ok());
  EXPECT_EQ(wire.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(wire.status().message()), HasSubstr("576-byte message"));
  // A larger limit works without overload.
  auto big = p.Serialize(1500);
  ASSERT_TRUE(big.ok()) << big.status();
  EXPECT_EQ((*big)[243], 55);  // no option 52
}

TEST(Packet4SerializeTest, MaxSizeBelow576IsRaised) {
  Packet4 p = Discover();
  p.SetOption(43, Filled(300, 1));
  auto wire = p.Serialize(100);
  ASSERT_TRUE(wire.ok()) << wire.status();
  EXPECT_LE(wire->size(), 576u);
  EXPECT_EQ(Normalized(RoundTrip(p, 100)), Normalized(p));
}

TEST(Packet4SerializeTest, StoredOverloadOptionIsIgnored) {
  Packet4 p = Discover();
  p.SetOption(kOptionOverload, {3});
  Packet4 back = RoundTrip(p);
  EXPECT_EQ(back.GetOption(kOptionOverload), nullptr);
  p.RemoveOption(kOptionOverload);
  EXPECT_EQ(back, p);
}

TEST(Packet4SerializeTest, RejectsBadHlenAndPadEndCodes) {
  Packet4 p = Discover();
  p.hlen = 17;
  EXPECT_EQ(p.Serialize().status().code(), absl::StatusCode::kInvalidArgument);
  p.hlen = 6;
  p.SetOption(kOptionEnd, {1});
  EXPECT_EQ(p.Serialize().status().code(), absl::StatusCode::kInvalidArgument);
  p.RemoveOption(kOptionEnd);
  p.SetOption(kOptionPad, {});
  EXPECT_EQ(p.Serialize().status().code(), absl::StatusCode::kInvalidArgument);
}

// ---- Accessors -----------------------------------------------------------

TEST(Packet4Test, SetGetRemoveOption) {
  Packet4 p;
  EXPECT_EQ(p.GetOption(12), nullptr);
  p.SetOption(12, {'a'});
  p.SetOption(15, {'b'});
  p.SetOption(12, {'c', 'd'});  // replaces in place
  ASSERT_EQ(p.options().size(), 2u);
  EXPECT_EQ(p.options()[0].first, 12);
  EXPECT_THAT(*p.GetOption(12), ElementsAre('c', 'd'));
  p.RemoveOption(12);
  EXPECT_EQ(p.GetOption(12), nullptr);
  p.RemoveOption(99);  // absent: no-op
  EXPECT_EQ(p.options().size(), 1u);
}

TEST(Packet4Test, MessageTypeMalformed) {
  Packet4 p;
  p.SetOption(kOptionMessageType, {1, 2});
  EXPECT_EQ(p.message_type(), MessageType::kNone);
  p.SetOption(kOptionMessageType, {});
  EXPECT_EQ(p.message_type(), MessageType::kNone);
}

TEST(Packet4Test, HwAddressFollowsHlen) {
  Packet4 p;
  p.chaddr.fill(0xaa);
  p.hlen = 0;
  EXPECT_TRUE(p.hw_address().empty());
  p.hlen = 16;
  EXPECT_EQ(p.hw_address().size(), 16u);
  p.hlen = 200;  // never past chaddr
  EXPECT_EQ(p.hw_address().size(), 16u);
}

TEST(Packet4Test, Describe) {
  Packet4 p = Discover();
  p.giaddr = *Ipv4Address::Parse("10.0.0.1");
  EXPECT_EQ(p.Describe(),
            "DHCPDISCOVER xid=0x12345678 chaddr=00:11:22:33:44:55 ciaddr=0.0.0.0 giaddr=10.0.0.1");
  p.RemoveOption(kOptionMessageType);
  p.hlen = 0;
  EXPECT_EQ(p.Describe(), "type=0 xid=0x12345678 chaddr=- ciaddr=0.0.0.0 giaddr=10.0.0.1");
}

TEST(Packet4Test, MessageTypeNames) {
  EXPECT_STREQ(MessageTypeName(MessageType::kDiscover), "DHCPDISCOVER");
  EXPECT_STREQ(MessageTypeName(MessageType::kOffer), "DHCPOFFER");
  EXPECT_STREQ(MessageTypeName(MessageType::kRequest), "DHCPREQUEST");
  EXPECT_STREQ(MessageTypeName(MessageType::kDecline), "DHCPDECLINE");
  EXPECT_STREQ(MessageTypeName(MessageType::kAck), "DHCPACK");
  EXPECT_STREQ(MessageTypeName(MessageType::kNak), "DHCPNAK");
  EXPECT_STREQ(MessageTypeName(MessageType::kRelease), "DHCPRELEASE");
  EXPECT_STREQ(MessageTypeName(MessageType::kInform), "DHCPINFORM");
  EXPECT_STREQ(MessageTypeName(static_cast<MessageType>(42)), "UNKNOWN");
}

// ---- Relay agent information ---------------------------------------------

TEST(RelayAgentInfoTest, ParsesSubOptions) {
  auto subs = ParseRelayAgentInfo(Bytes{1, 3, 'e', 't', '0', 2, 2, 0xab, 0xcd, 9, 0});
  ASSERT_TRUE(subs.ok()) << subs.status();
  ASSERT_EQ(subs->size(), 3u);
  EXPECT_EQ((*subs)[0].first, kRaiCircuitId);
  EXPECT_THAT((*subs)[0].second, ElementsAre('e', 't', '0'));
  EXPECT_EQ((*subs)[1].first, kRaiRemoteId);
  EXPECT_THAT((*subs)[1].second, ElementsAre(0xab, 0xcd));
  EXPECT_EQ((*subs)[2].first, 9);
  EXPECT_TRUE((*subs)[2].second.empty());
}

TEST(RelayAgentInfoTest, EmptyIsEmpty) {
  auto subs = ParseRelayAgentInfo({});
  ASSERT_TRUE(subs.ok());
  EXPECT_TRUE(subs->empty());
}

TEST(RelayAgentInfoTest, RejectsMalformed) {
  auto a = ParseRelayAgentInfo(Bytes{1, 5, 'a', 'b'});
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(a.status().message()),
              HasSubstr("sub-option 1 at offset 0 claims 5 bytes but only 2 remain"));
  auto b = ParseRelayAgentInfo(Bytes{1, 1, 'a', 2});
  ASSERT_FALSE(b.ok());
  EXPECT_THAT(std::string(b.status().message()),
              HasSubstr("sub-option 2 at offset 3 has no length byte"));
}

// ---- PeekMessageType ------------------------------------------------------

TEST(PeekMessageTypeTest, FindsOption53AfterOtherOptionsAndPad) {
  EXPECT_EQ(PeekMessageType(Wire({kOptionMessageType, 1, 3, kOptionEnd})), MessageType::kRequest);
  EXPECT_EQ(PeekMessageType(Wire({kOptionPad, 12, 2, 'h', 'i', kOptionPad, kOptionMessageType, 1,
                                  1, kOptionEnd})),
            MessageType::kDiscover);
  auto wire = Discover().Serialize();
  ASSERT_TRUE(wire.ok());
  EXPECT_EQ(PeekMessageType(*wire), MessageType::kDiscover);
}

TEST(PeekMessageTypeTest, NoneForMalformedOrMissing) {
  EXPECT_EQ(PeekMessageType(Wire()), MessageType::kNone);                          // no options
  EXPECT_EQ(PeekMessageType(Wire({kOptionEnd, kOptionMessageType, 1, 3})), MessageType::kNone);
  EXPECT_EQ(PeekMessageType(Wire({kOptionMessageType, 2, 3, 3})), MessageType::kNone);  // length 2
  EXPECT_EQ(PeekMessageType(Wire({kOptionMessageType, 1})), MessageType::kNone);  // truncated
  EXPECT_EQ(PeekMessageType(Wire({12, 200, 'x'})), MessageType::kNone);           // runs past the end
  Bytes no_cookie = Wire({kOptionMessageType, 1, 3});
  no_cookie[236] = 0;
  EXPECT_EQ(PeekMessageType(no_cookie), MessageType::kNone);
  EXPECT_EQ(PeekMessageType(Bytes(100, 0)), MessageType::kNone);  // shorter than a header
}

}  // namespace
}  // namespace shoal::dhcp
