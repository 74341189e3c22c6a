// How a DHCPv4 client is recognised: by its client identifier (option 61)
// when `match-client-id` is true and the client sent one, else by chaddr.
// Mirrors Kea's Lease4::belongsToClient.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "dhcp/packet4.h"
#include "lease_backend/lease.h"

namespace shoal::server {

struct ClientIdentity {
  std::vector<uint8_t> hwaddr;
  uint8_t htype = 1;
  std::vector<uint8_t> client_id;      // empty when absent or ignored (match-client-id false)
  std::vector<uint8_t> raw_client_id;  // option 61 as sent; stored in the lease either way

  static ClientIdentity FromPacket(const dhcp::Packet4& packet, bool match_client_id);

  // True when `lease` was given to this client.
  bool Owns(const lease_backend::Lease4& lease) const;
  // A stable key for maps: client id if present, else hwaddr, with a prefix.
  std::string Key() const;
};

}  // namespace shoal::server
