// ConfigHostStore: the reservations written in the configuration file
// (per-subnet `reservations` and global `reservations`). Immutable after
// construction, so it is safe to share between threads; a new configuration
// builds a new store.
#pragma once

#include <memory>
#include <string>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "host_backend/host_store.h"

namespace shoal::host_backend {

class ConfigHostStore : public HostStore {
 public:
  explicit ConfigHostStore(const config::Config& config);

  absl::StatusOr<std::optional<Host>> Find(uint32_t subnet_id, config::IdentifierType type,
                                           std::span<const uint8_t> identifier) override;
  absl::StatusOr<std::optional<Host>> FindByAddress(uint32_t subnet_id,
                                                    dhcp::Ipv4Address address) override;
  absl::StatusOr<std::vector<Host>> GetBySubnet(uint32_t subnet_id) override;
  // Every reservation: the global ones, then each subnet's, in file order.
  const std::vector<Host>& all() const { return hosts_; }

 private:
  using IdentifierKey = std::tuple<uint32_t, int, std::string>;
  using AddressKey = std::pair<uint32_t, uint32_t>;

  std::vector<Host> hosts_;
  absl::flat_hash_map<IdentifierKey, size_t> by_identifier_;
  absl::flat_hash_map<AddressKey, size_t> by_address_;
  absl::flat_hash_map<uint32_t, std::vector<size_t>> by_subnet_;
};

}  // namespace shoal::host_backend
