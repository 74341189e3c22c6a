// HostCache: every DHCPv4 reservation of one hosts database, in memory and
// indexed the way the packet path looks them up, so a lookup never waits on
// the database. A HostFollower keeps it in step with the database; lookups
// come from any thread (a reader lock; the follower's updates take the
// writer lock only to swap entries in).
#pragma once

#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "host_backend/sql_host_rows.h"

namespace shoal::host_backend {

class HostCache {
 public:
  // Replaces everything (a full load).
  void ReplaceAll(std::vector<StoredHost> hosts);
  // Hosts `changed` were written: each is replaced by its entry in
  // `current`, or removed when `current` has none.
  void Update(std::span<const uint64_t> changed, std::vector<StoredHost> current);

  StoredHostPtr Find(uint32_t subnet_id, config::IdentifierType type,
                     std::span<const uint8_t> identifier) const;
  // The first host (lowest host_id) reserving `address` in the subnet.
  StoredHostPtr FindByAddress(uint32_t subnet_id, dhcp::Ipv4Address address) const;
  std::vector<StoredHostPtr> BySubnet(uint32_t subnet_id) const;
  // Every host, by host_id (the reservation-* commands' listings).
  std::vector<StoredHostPtr> All() const;
  // Up to `limit` hosts with a host_id above `after`, by host_id, only of
  // `subnet_id` when given (reservation-get-page).
  std::vector<StoredHostPtr> Page(uint64_t after, size_t limit,
                                  std::optional<uint32_t> subnet_id) const;
  size_t size() const;

 private:
  using IdentifierKey = std::tuple<uint32_t, int, std::string>;
  using AddressKey = std::pair<uint32_t, uint32_t>;

  void InsertLocked(StoredHostPtr host);
  void RemoveLocked(uint64_t host_id);

  mutable std::shared_mutex mu_;
  absl::btree_map<uint64_t, StoredHostPtr> hosts_;  // ordered: pages
  absl::flat_hash_map<IdentifierKey, uint64_t> by_identifier_;
  // Several hosts may reserve one address (ip-reservations-unique false).
  absl::flat_hash_map<AddressKey, std::vector<uint64_t>> by_address_;
  absl::flat_hash_map<uint32_t, absl::flat_hash_set<uint64_t>> by_subnet_;
};

}  // namespace shoal::host_backend
