// HostStore: where a node looks up host reservations (in the configuration
// file, or in SQL tables operators fill with plain INSERTs).
//
// Implementations are thread-safe and may block on I/O, so the server calls
// them from worker threads. subnet_id 0 means global reservations.
// Errors: Unavailable (backend down), Internal.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "config/config.h"

namespace shoal::host_backend {

using Host = config::Reservation;

class HostStore {
 public:
  virtual ~HostStore() = default;

  // The reservation for this identifier in this subnet, if any.
  virtual absl::StatusOr<std::optional<Host>> Find(uint32_t subnet_id, config::IdentifierType type,
                                                   std::span<const uint8_t> identifier) = 0;
  // The reservation of `address` in this subnet, if any.
  virtual absl::StatusOr<std::optional<Host>> FindByAddress(uint32_t subnet_id,
                                                            dhcp::Ipv4Address address) = 0;
  // Every reservation of a subnet (0 = global); used to keep reserved
  // addresses out of dynamic allocation.
  virtual absl::StatusOr<std::vector<Host>> GetBySubnet(uint32_t subnet_id) = 0;
};

}  // namespace shoal::host_backend
