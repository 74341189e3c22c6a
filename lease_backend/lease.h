// A DHCPv4 lease, with the fields and encodings of Kea's lease4 table and
// memfile CSV (address as host-order uint32, expire = cltt + valid_lifetime).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dhcp/ipv4_address.h"

namespace shoal::lease_backend {

enum class LeaseState : uint8_t {
  kDefault = 0,           // assigned
  kDeclined = 1,          // after DHCPDECLINE, held for the probation period
  kExpiredReclaimed = 2,  // reclaimed, kept for lease affinity
};

struct Lease4 {
  dhcp::Ipv4Address address;
  std::vector<uint8_t> hwaddr;     // may be empty (declined leases)
  uint8_t hwtype = 1;              // ARP hardware type, 1 = Ethernet
  std::vector<uint8_t> client_id;  // may be empty
  uint32_t valid_lifetime = 0;     // seconds; 0xffffffff = infinite
  int64_t cltt = 0;                // client last transmission time, epoch seconds
  uint32_t subnet_id = 0;
  bool fqdn_fwd = false;
  bool fqdn_rev = false;
  std::string hostname;
  LeaseState state = LeaseState::kDefault;
  std::string user_context;  // JSON text or empty

  static constexpr uint32_t kInfinite = 0xffffffff;
  // Epoch seconds at which the lease expires; cltt for infinite leases, as Kea stores it.
  int64_t expire() const {
    return valid_lifetime == kInfinite ? cltt : cltt + int64_t{valid_lifetime};
  }
  bool expired(int64_t now) const { return valid_lifetime != kInfinite && expire() <= now; }
  // True while the lease holds its address: not reclaimed and not expired.
  bool active(int64_t now) const { return state != LeaseState::kExpiredReclaimed && !expired(now); }
  friend bool operator==(const Lease4&, const Lease4&) = default;
};

}  // namespace shoal::lease_backend
