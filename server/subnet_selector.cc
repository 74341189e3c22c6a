#include "server/subnet_selector.h"

#include <algorithm>

namespace shoal::server {

SubnetSelector::SubnetSelector(const config::Config& config) : config_(config) {
  for (const config::Subnet4& subnet : config.subnets) {
    by_id_.emplace(subnet.id, &subnet);
    for (dhcp::Ipv4Address relay : subnet.relay_addresses)
      by_relay_.emplace(relay.value(), &subnet);
    if (!subnet.interface.empty()) by_interface_.emplace(subnet.interface, &subnet);
    by_prefix_[subnet.prefix.length].emplace(subnet.prefix.address.value(), &subnet);
  }
  for (int len = 32; len >= 0; --len) {
    if (!by_prefix_[len].empty()) lengths_in_use_.push_back(static_cast<uint8_t>(len));
  }
}

const config::Subnet4* SubnetSelector::FindById(uint32_t id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

const config::Subnet4* SubnetSelector::FindContaining(dhcp::Ipv4Address address) const {
  for (uint8_t len : lengths_in_use_) {
    uint32_t mask = len == 0 ? 0 : ~uint32_t{0} << (32 - len);
    auto it = by_prefix_[len].find(address.value() & mask);
    if (it != by_prefix_[len].end()) return it->second;
  }
  return nullptr;
}

const config::Subnet4* SubnetSelector::Select(const SelectionInput& input) const {
  if (!input.giaddr.IsZero()) {
    auto relay = by_relay_.find(input.giaddr.value());
    if (relay != by_relay_.end()) return relay->second;
    return FindContaining(input.giaddr);
  }
  if (input.subnet_selection) return FindContaining(*input.subnet_selection);
  if (!input.ciaddr.IsZero()) {
    if (const config::Subnet4* subnet = FindContaining(input.ciaddr)) return subnet;
  }
  if (!input.interface_name.empty()) {
    auto named = by_interface_.find(input.interface_name);
    if (named != by_interface_.end()) return named->second;
  }
  for (dhcp::Ipv4Address address : input.interface_addresses) {
    if (const config::Subnet4* subnet = FindContaining(address)) return subnet;
  }
  return nullptr;
}

std::vector<const config::Subnet4*> SubnetSelector::Candidates(
    const config::Subnet4& subnet) const {
  std::vector<const config::Subnet4*> result{&subnet};
  if (subnet.shared_network < 0) return result;
  const config::SharedNetwork& network = config_.shared_networks[subnet.shared_network];
  for (uint32_t id : network.subnet_ids) {
    if (id == subnet.id) continue;
    if (const config::Subnet4* sibling = FindById(id)) result.push_back(sibling);
  }
  return result;
}

}  // namespace shoal::server
