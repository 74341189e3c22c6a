#include "host_backend/config_host_store.h"

namespace shoal::host_backend {
namespace {

std::string AsKey(std::span<const uint8_t> bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace

ConfigHostStore::ConfigHostStore(const config::Config& config) {
  for (const config::Reservation& r : config.global_reservations) hosts_.push_back(r);
  for (const config::Subnet4& subnet : config.subnets) {
    for (config::Reservation r : subnet.reservations) {
      r.subnet_id = subnet.id;
      hosts_.push_back(std::move(r));
    }
  }
  for (size_t i = 0; i < hosts_.size(); ++i) {
    const Host& h = hosts_[i];
    by_identifier_.emplace(
        IdentifierKey{h.subnet_id, static_cast<int>(h.identifier_type), AsKey(h.identifier)}, i);
    if (h.address) by_address_.emplace(AddressKey{h.subnet_id, h.address->value()}, i);
    by_subnet_[h.subnet_id].push_back(i);
  }
}

absl::StatusOr<std::optional<Host>> ConfigHostStore::Find(uint32_t subnet_id,
                                                          config::IdentifierType type,
                                                          std::span<const uint8_t> identifier) {
  auto it =
      by_identifier_.find(IdentifierKey{subnet_id, static_cast<int>(type), AsKey(identifier)});
  if (it == by_identifier_.end()) return std::nullopt;
  return hosts_[it->second];
}

absl::StatusOr<std::optional<Host>> ConfigHostStore::FindByAddress(uint32_t subnet_id,
                                                                   dhcp::Ipv4Address address) {
  auto it = by_address_.find(AddressKey{subnet_id, address.value()});
  if (it == by_address_.end()) return std::nullopt;
  return hosts_[it->second];
}

absl::StatusOr<std::vector<Host>> ConfigHostStore::GetBySubnet(uint32_t subnet_id) {
  std::vector<Host> result;
  auto it = by_subnet_.find(subnet_id);
  if (it == by_subnet_.end()) return result;
  for (size_t i : it->second) result.push_back(hosts_[i]);
  return result;
}

}  // namespace shoal::host_backend
