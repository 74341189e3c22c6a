#include "server/packet_counters.h"

namespace shoal::server {

std::string_view PacketCounterName(PacketCounter counter) {
  switch (counter) {
    case PacketCounter::kReceived:
      return "pkt4-received";
    case PacketCounter::kDiscoverReceived:
      return "pkt4-discover-received";
    case PacketCounter::kOfferReceived:
      return "pkt4-offer-received";
    case PacketCounter::kRequestReceived:
      return "pkt4-request-received";
    case PacketCounter::kAckReceived:
      return "pkt4-ack-received";
    case PacketCounter::kNakReceived:
      return "pkt4-nak-received";
    case PacketCounter::kReleaseReceived:
      return "pkt4-release-received";
    case PacketCounter::kDeclineReceived:
      return "pkt4-decline-received";
    case PacketCounter::kInformReceived:
      return "pkt4-inform-received";
    case PacketCounter::kUnknownReceived:
      return "pkt4-unknown-received";
    case PacketCounter::kParseFailed:
      return "pkt4-parse-failed";
    case PacketCounter::kReceiveDrop:
      return "pkt4-receive-drop";
    case PacketCounter::kSent:
      return "pkt4-sent";
    case PacketCounter::kOfferSent:
      return "pkt4-offer-sent";
    case PacketCounter::kAckSent:
      return "pkt4-ack-sent";
    case PacketCounter::kNakSent:
      return "pkt4-nak-sent";
    case PacketCounter::kCount:
      break;
  }
  return "";
}

PacketCounter ReceivedCounterFor(dhcp::MessageType type) {
  switch (type) {
    case dhcp::MessageType::kDiscover:
      return PacketCounter::kDiscoverReceived;
    case dhcp::MessageType::kOffer:
      return PacketCounter::kOfferReceived;
    case dhcp::MessageType::kRequest:
      return PacketCounter::kRequestReceived;
    case dhcp::MessageType::kAck:
      return PacketCounter::kAckReceived;
    case dhcp::MessageType::kNak:
      return PacketCounter::kNakReceived;
    case dhcp::MessageType::kRelease:
      return PacketCounter::kReleaseReceived;
    case dhcp::MessageType::kDecline:
      return PacketCounter::kDeclineReceived;
    case dhcp::MessageType::kInform:
      return PacketCounter::kInformReceived;
    default:
      return PacketCounter::kUnknownReceived;
  }
}

}  // namespace shoal::server
