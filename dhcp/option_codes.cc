#include "dhcp/option_codes.h"

namespace shoal::dhcp {

const char* MessageTypeName(MessageType type) {
  switch (type) {
    case MessageType::kNone:
      return "NONE";
    case MessageType::kDiscover:
      return "DHCPDISCOVER";
    case MessageType::kOffer:
      return "DHCPOFFER";
    case MessageType::kRequest:
      return "DHCPREQUEST";
    case MessageType::kDecline:
      return "DHCPDECLINE";
    case MessageType::kAck:
      return "DHCPACK";
    case MessageType::kNak:
      return "DHCPNAK";
    case MessageType::kRelease:
      return "DHCPRELEASE";
    case MessageType::kInform:
      return "DHCPINFORM";
  }
  return "UNKNOWN";
}

}  // namespace shoal::dhcp
