// Randomized tests of the DHCPv4 codec: random valid packets must round-trip
// through Serialize/Parse, and random or mutated bytes must never crash
// Parse (run under ASan/UBSan to catch reads past the buffer). Seeds are
// fixed so a failure reproduces.
#include <cstdint>
#include <random>
#include <vector>

#include "dhcp/packet4.h"
#include "gtest/gtest.h"
#include "tests/dhcp/packet4_test_util.h"

namespace shoal::dhcp {
namespace {

using Bytes = std::vector<uint8_t>;

class Random {
 public:
  explicit Random(uint32_t seed) : gen_(seed) {}
  size_t Uniform(size_t lo, size_t hi) {  // inclusive
    return std::uniform_int_distribution<size_t>(lo, hi)(gen_);
  }
  uint8_t Byte() { return uint8_t(Uniform(0, 255)); }
  bool OneIn(size_t n) { return Uniform(1, n) == 1; }
  Bytes Fill(size_t n) {
    Bytes b(n);
    for (auto& x : b) x = Byte();
    return b;
  }

 private:
  std::mt19937 gen_;
};

Packet4 RandomPacket(Random& r) {
  Packet4 p;
  p.op = r.Byte();
  p.htype = r.Byte();
  p.hlen = uint8_t(r.Uniform(0, 16));
  p.hops = r.Byte();
  p.xid = uint32_t(r.Uniform(0, UINT32_MAX));
  p.secs = uint16_t(r.Uniform(0, 65535));
  p.flags = uint16_t(r.Uniform(0, 65535));
  p.ciaddr = Ipv4Address(uint32_t(r.Uniform(0, UINT32_MAX)));
  p.yiaddr = Ipv4Address(uint32_t(r.Uniform(0, UINT32_MAX)));
  p.siaddr = Ipv4Address(uint32_t(r.Uniform(0, UINT32_MAX)));
  p.giaddr = Ipv4Address(uint32_t(r.Uniform(0, UINT32_MAX)));
  for (auto& b : p.chaddr) b = r.Byte();
  if (r.OneIn(3)) p.sname[r.Uniform(0, 63)] = r.Byte() | 1;
  if (r.OneIn(3)) p.file[r.Uniform(0, 127)] = r.Byte() | 1;
  if (!r.OneIn(5)) p.set_message_type(MessageType(r.Uniform(1, 8)));
  const size_t count = r.Uniform(0, 20);
  for (size_t i = 0; i < count; ++i) {
    uint8_t code = uint8_t(r.Uniform(1, 254));
    if (code == kOptionOverload || code == kOptionMessageType) continue;
    const size_t len = r.OneIn(10) ? r.Uniform(0, 700) : r.Uniform(0, 40);
    p.SetOption(code, r.Fill(len));
  }
  return p;
}

TEST(Packet4RandomTest, ValidPacketsRoundTrip) {
  Random r(20240601);
  int serialized = 0, overloaded = 0, exhausted = 0;
  for (int i = 0; i < 20000; ++i) {
    Packet4 p = RandomPacket(r);
    const size_t max_size = r.OneIn(2) ? 576 : r.Uniform(576, 1500);
    auto wire = p.Serialize(max_size);
    if (!wire.ok()) {
      ASSERT_EQ(wire.status().code(), absl::StatusCode::kResourceExhausted) << wire.status();
      ++exhausted;
      continue;
    }
    ++serialized;
    ASSERT_GE(wire->size(), 300u);
    ASSERT_LE(wire->size(), max_size);
    const bool overload = (*wire)[243] == kOptionOverload || (*wire)[240] == kOptionOverload;
    overloaded += overload;
    auto back = Packet4::Parse(*wire);
    ASSERT_TRUE(back.ok()) << "iteration " << i << ": " << back.status();
    if (overload) {
      ASSERT_EQ(Normalized(*back), Normalized(p)) << "iteration " << i << ": " << p.Describe();
    } else {
      ASSERT_EQ(*back, p) << "iteration " << i << ": " << p.Describe();  // order kept too
    }
  }
  // The generator must exercise every path, or this test proves little.
  EXPECT_GT(serialized, 10000);
  EXPECT_GT(overloaded, 100);
  EXPECT_GT(exhausted, 100);
}

// Parse must never crash, and whatever it accepts must survive a round trip.
void CheckArbitrary(const Bytes& wire) {
  auto p = Packet4::Parse(wire);
  if (!p.ok()) {
    ASSERT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
    ASSERT_FALSE(p.status().message().empty());
    return;
  }
  (void)p->Describe();
  (void)p->message_type();
  if (const auto* rai = p->GetOption(kOptionRelayAgentInfo)) (void)ParseRelayAgentInfo(*rai);
  auto again = p->Serialize(wire.size() + 65536);
  ASSERT_TRUE(again.ok()) << again.status();
  auto back = Packet4::Parse(*again);
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(*back, *p);
}

TEST(Packet4RandomTest, RandomBytesNeverCrash) {
  Random r(7);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    Bytes wire = r.Fill(r.OneIn(4) ? r.Uniform(0, 300) : r.Uniform(240, 1500));
    if (wire.size() >= 240 && !r.OneIn(10)) {
      wire[2] = uint8_t(r.Uniform(0, 16));
      wire[236] = 0x63, wire[237] = 0x82, wire[238] = 0x53, wire[239] = 0x63;
    }
    ASSERT_NO_FATAL_FAILURE(CheckArbitrary(wire)) << "iteration " << i;
    if (Packet4::Parse(wire).ok()) ++accepted;
  }
  EXPECT_GT(accepted, 0);
}

TEST(Packet4RandomTest, MutatedPacketsNeverCrash) {
  Random r(99);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    auto wire = RandomPacket(r).Serialize(1500);
    if (!wire.ok()) continue;
    Bytes w = std::move(*wire);
    const size_t mutations = r.Uniform(1, 8);
    for (size_t m = 0; m < mutations; ++m) {
      switch (r.Uniform(0, 4)) {
        case 0:  // flip a byte in the options area or the overloadable fields
          if (w.size() > 240) {
            w[r.OneIn(2) ? r.Uniform(240, w.size() - 1) : r.Uniform(44, 239)] = r.Byte();
          }
          break;
        case 1:  // truncate
          w.resize(r.Uniform(std::min<size_t>(230, w.size()), w.size()));
          break;
        case 2:  // insert bytes
          if (w.size() > 240) {
            Bytes extra = r.Fill(r.Uniform(1, 6));
            w.insert(w.begin() + r.Uniform(240, w.size()), extra.begin(), extra.end());
          }
          break;
        case 3:  // force option overload
          if (w.size() > 243) w[241] = 52, w[242] = 1, w[243] = uint8_t(r.Uniform(0, 4));
          break;
        case 4:  // any byte anywhere
          if (!w.empty()) w[r.Uniform(0, w.size() - 1)] = r.Byte();
          break;
      }
      if (w.empty()) break;
    }
    ASSERT_NO_FATAL_FAILURE(CheckArbitrary(w)) << "iteration " << i;
    if (Packet4::Parse(w).ok()) ++accepted;
  }
  EXPECT_GT(accepted, 1000);
}

TEST(Packet4RandomTest, RelayAgentInfoNeverCrashes) {
  Random r(3);
  for (int i = 0; i < 20000; ++i) {
    Bytes data = r.Fill(r.Uniform(0, 255));
    auto subs = ParseRelayAgentInfo(data);
    if (subs.ok()) {
      size_t total = 0;
      for (const auto& [code, value] : *subs) total += 2 + value.size();
      ASSERT_EQ(total, data.size());
    }
  }
}

}  // namespace
}  // namespace shoal::dhcp
