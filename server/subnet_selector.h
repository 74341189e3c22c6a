// SubnetSelector: picks the subnet a DHCPv4 message belongs to, following
// Kea's order: relay `ip-addresses` matching giaddr, giaddr inside a subnet,
// the subnet-selection option (118), ciaddr for a client that already has an
// address, then the receiving interface (by `interface` name, then by the
// interface's own address).
//
// Built once per configuration snapshot and immutable afterwards, so lookups
// are lock-free. Lookups cost a few hash probes (longest-prefix match over at
// most 33 prefix lengths), independent of the number of subnets.
// Holds pointers into the Config it was built from; the Config must outlive it.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "config/config.h"

namespace shoal::server {

struct SelectionInput {
  dhcp::Ipv4Address giaddr;
  dhcp::Ipv4Address ciaddr;
  std::optional<dhcp::Ipv4Address> subnet_selection;   // option 118
  std::string interface_name;                          // receiving interface
  std::vector<dhcp::Ipv4Address> interface_addresses;  // its IPv4 addresses
};

class SubnetSelector {
 public:
  explicit SubnetSelector(const config::Config& config);

  // nullptr when no subnet matches (the message is then dropped, as in Kea).
  const config::Subnet4* Select(const SelectionInput& input) const;
  const config::Subnet4* FindById(uint32_t id) const;
  // The subnet whose prefix contains `address` (longest match).
  const config::Subnet4* FindContaining(dhcp::Ipv4Address address) const;
  // The subnets that may serve a client of `subnet`: the subnet itself first,
  // then the other subnets of its shared network.
  std::vector<const config::Subnet4*> Candidates(const config::Subnet4& subnet) const;

 private:
  const config::Config& config_;
  absl::flat_hash_map<uint32_t, const config::Subnet4*> by_id_;
  absl::flat_hash_map<uint32_t, const config::Subnet4*> by_relay_;
  absl::flat_hash_map<std::string, const config::Subnet4*> by_interface_;
  // by_prefix_[len] maps a masked network address to its subnet.
  std::array<absl::flat_hash_map<uint32_t, const config::Subnet4*>, 33> by_prefix_;
  std::vector<uint8_t> lengths_in_use_;  // longest first
};

}  // namespace shoal::server
