// A DHCPv4 message (RFC 2131) and its wire codec.
//
// Parse() accepts untrusted bytes: every length is checked and any malformed
// input yields an InvalidArgument status naming what is wrong; it never reads
// past the buffer. Repeated options are concatenated (RFC 3396) and option
// overload (option 52) into `file`/`sname` is honoured.
//
// Option 52 belongs to the codec: Parse() consumes it (the overloaded
// `file`/`sname` fields come back zeroed, their options merged into
// options()), and Serialize() ignores a stored option 52 and writes its own
// when it needs overload. Option 53, when present, is always options()[0].
// Hence Parse(Serialize(p)) == p for every packet Serialize() accepts,
// except that with overload the options may come back in another order.
// A Packet4 is a plain value; it is not shared between threads.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "dhcp/ipv4_address.h"
#include "dhcp/option_codes.h"

namespace shoal::dhcp {

class Packet4 {
 public:
  // Options in the order they will be written. Codes are unique.
  using Option = std::pair<uint8_t, std::vector<uint8_t>>;

  static absl::StatusOr<Packet4> Parse(std::span<const uint8_t> wire);

  // Fixed-header layout (RFC 2131 §2).
  static constexpr size_t kSnameOffset = 44;
  static constexpr size_t kFileOffset = 108;
  static constexpr size_t kCookieOffset = 236;
  static constexpr size_t kOptionsOffset = 240;  // smallest valid message
  static constexpr size_t kMinSerializedSize = 300;
  static constexpr size_t kMinMaxSize = 576;

  // Writes the packet. Options that do not fit in `max_size` bytes (at least
  // 576, RFC 2131 §2; smaller values are raised to 576) go into `file` and
  // `sname` with option overload, but only into a field that is all zero (a
  // boot file or server name is never overwritten); if they still do not fit,
  // ResourceExhausted. Options longer than 255 bytes are split into several
  // instances (RFC 3396). The result is at least 300 bytes (the BOOTP minimum
  // some relays insist on). InvalidArgument if hlen > 16 or an option has
  // code 0 (PAD) or 255 (END).
  absl::StatusOr<std::vector<uint8_t>> Serialize(size_t max_size = 576) const;

  // Option access. Get() returns nullptr when absent.
  const std::vector<uint8_t>* GetOption(uint8_t code) const;
  // Replaces or appends (option 53 is inserted first).
  void SetOption(uint8_t code, std::vector<uint8_t> data);
  void RemoveOption(uint8_t code);
  const std::vector<Option>& options() const { return options_; }

  // Option 53, or 0 when missing or malformed.
  MessageType message_type() const;
  void set_message_type(MessageType type) { SetOption(kOptionMessageType, {uint8_t(type)}); }

  // chaddr truncated to hlen (at most 16 bytes).
  std::span<const uint8_t> hw_address() const;
  bool broadcast_flag() const { return (flags & 0x8000) != 0; }

  // Short description for logs: type, xid, chaddr, ciaddr, giaddr.
  std::string Describe() const;

  uint8_t op = kBootRequest;
  uint8_t htype = 1;
  uint8_t hlen = 6;
  uint8_t hops = 0;
  uint32_t xid = 0;
  uint16_t secs = 0;
  uint16_t flags = 0;
  Ipv4Address ciaddr;
  Ipv4Address yiaddr;
  Ipv4Address siaddr;
  Ipv4Address giaddr;
  std::array<uint8_t, 16> chaddr{};
  std::array<uint8_t, 64> sname{};
  std::array<uint8_t, 128> file{};

  // Field-by-field, options in order.
  friend bool operator==(const Packet4&, const Packet4&) = default;

 private:
  std::vector<Option> options_;
};

// The message type (option 53) of a wire message without parsing it: what a
// server that must shed load looks at before spending anything on a
// message. kNone when the message is too short, has no magic cookie, or
// has no well-formed option 53 among its main options (one hidden in an
// overloaded sname/file is not looked for).
MessageType PeekMessageType(std::span<const uint8_t> wire);

// Sub-options of the relay agent information option (82), RFC 3046.
// Returns InvalidArgument on a malformed option.
absl::StatusOr<std::vector<std::pair<uint8_t, std::vector<uint8_t>>>> ParseRelayAgentInfo(
    std::span<const uint8_t> option82);

}  // namespace shoal::dhcp
