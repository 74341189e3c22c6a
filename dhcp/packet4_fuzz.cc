// libFuzzer target for the DHCPv4 codec (build with -DSHOAL_FUZZ=ON and
// clang; see docs/fuzzing.md). Any input Parse() accepts must serialize and
// parse back to an equal packet, both without overload (a large size limit,
// options keep their order) and with the 576-byte limit (overload may reorder
// options, so they are compared sorted). A violated property aborts.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "dhcp/packet4.h"

namespace {

using shoal::dhcp::Packet4;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "packet4_fuzz: %s\n", what);
    std::abort();
  }
}

std::vector<Packet4::Option> Sorted(const Packet4& p) {
  std::vector<Packet4::Option> options = p.options();
  std::sort(options.begin(), options.end());
  return options;
}

bool SameFields(const Packet4& a, const Packet4& b) {
  return a.op == b.op && a.htype == b.htype && a.hlen == b.hlen && a.hops == b.hops &&
         a.xid == b.xid && a.secs == b.secs && a.flags == b.flags && a.ciaddr == b.ciaddr &&
         a.yiaddr == b.yiaddr && a.siaddr == b.siaddr && a.giaddr == b.giaddr &&
         a.chaddr == b.chaddr && a.sname == b.sname && a.file == b.file;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parsed = Packet4::Parse(std::span<const uint8_t>(data, size));
  if (!parsed.ok()) {
    Check(parsed.status().code() == absl::StatusCode::kInvalidArgument,
          "Parse failed with a code other than InvalidArgument");
    return 0;
  }
  const Packet4& p = *parsed;
  (void)p.Describe();
  (void)p.message_type();
  Check(p.hw_address().size() <= 16, "hw_address longer than 16 bytes");
  if (const auto* rai = p.GetOption(shoal::dhcp::kOptionRelayAgentInfo)) {
    (void)shoal::dhcp::ParseRelayAgentInfo(*rai);
  }

  // No overload: exact round trip, option order included.
  auto wire = p.Serialize(size + 65536);
  Check(wire.ok(), "Serialize failed on a parsed packet");
  auto back = Packet4::Parse(*wire);
  Check(back.ok(), "Parse failed on Serialize output");
  Check(*back == p, "round trip changed the packet");

  // With the 576-byte default: may need overload, or not fit at all.
  auto small = p.Serialize();
  if (!small.ok()) {
    Check(small.status().code() == absl::StatusCode::kResourceExhausted,
          "Serialize(576) failed with a code other than ResourceExhausted");
    return 0;
  }
  Check(small->size() >= Packet4::kMinSerializedSize && small->size() <= 576,
        "Serialize(576) size out of range");
  auto back_small = Packet4::Parse(*small);
  Check(back_small.ok(), "Parse failed on overloaded Serialize output");
  Check(SameFields(*back_small, p) && Sorted(*back_small) == Sorted(p),
        "overloaded round trip changed the packet");
  return 0;
}
