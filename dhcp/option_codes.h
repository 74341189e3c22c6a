// DHCPv4 constants from RFC 2131/2132 and friends.
#pragma once

#include <cstdint>

namespace shoal::dhcp {

inline constexpr uint8_t kBootRequest = 1;
inline constexpr uint8_t kBootReply = 2;
inline constexpr uint32_t kMagicCookie = 0x63825363;
inline constexpr uint16_t kServerPort = 67;
inline constexpr uint16_t kClientPort = 68;

enum class MessageType : uint8_t {
  kNone = 0,
  kDiscover = 1,
  kOffer = 2,
  kRequest = 3,
  kDecline = 4,
  kAck = 5,
  kNak = 6,
  kRelease = 7,
  kInform = 8,
};

const char* MessageTypeName(MessageType type);

// Option codes the server itself reads or writes.
inline constexpr uint8_t kOptionPad = 0;
inline constexpr uint8_t kOptionSubnetMask = 1;
inline constexpr uint8_t kOptionRouters = 3;
inline constexpr uint8_t kOptionDomainNameServers = 6;
inline constexpr uint8_t kOptionHostName = 12;
inline constexpr uint8_t kOptionDomainName = 15;
inline constexpr uint8_t kOptionBroadcastAddress = 28;
inline constexpr uint8_t kOptionRequestedAddress = 50;
inline constexpr uint8_t kOptionLeaseTime = 51;
inline constexpr uint8_t kOptionOverload = 52;
inline constexpr uint8_t kOptionMessageType = 53;
inline constexpr uint8_t kOptionServerIdentifier = 54;
inline constexpr uint8_t kOptionParameterRequestList = 55;
inline constexpr uint8_t kOptionMessage = 56;
inline constexpr uint8_t kOptionMaxMessageSize = 57;
inline constexpr uint8_t kOptionRenewalTime = 58;
inline constexpr uint8_t kOptionRebindingTime = 59;
inline constexpr uint8_t kOptionVendorClassId = 60;
inline constexpr uint8_t kOptionClientId = 61;
inline constexpr uint8_t kOptionClientFqdn = 81;
inline constexpr uint8_t kOptionRelayAgentInfo = 82;
inline constexpr uint8_t kOptionSubnetSelection = 118;
inline constexpr uint8_t kOptionEnd = 255;

// Relay agent information sub-options (RFC 3046).
inline constexpr uint8_t kRaiCircuitId = 1;
inline constexpr uint8_t kRaiRemoteId = 2;

}  // namespace shoal::dhcp
