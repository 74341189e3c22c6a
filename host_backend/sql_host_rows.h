// Reading Kea's host tables (`hosts`, host rows of `dhcp4_options`) and
// shoal's host change feed (`hosts4_head`, `hosts4_change`, schema 2.7).
//
// Rows are read as stored: an option keeps its `formatted_value` text or
// binary `value`, encoded later with the option definitions of the
// configuration that serves it (HostSources). Errors: the connection's
// (Unavailable when the database is gone). A row that is not a valid
// reservation (an unknown identifier type, an address of 0, ...) is left
// out and described in `problems` (by host_id), so one bad row written by
// hand costs that reservation only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "config/config.h"
#include "db/connection.h"

namespace shoal::host_backend {

// A host option as stored (dhcp4_options, scope 3).
struct StoredHostOption {
  uint16_t code = 0;
  std::string space = "dhcp4";
  std::string formatted_value;  // Kea's CSV text; used when not empty
  std::vector<uint8_t> value;   // wire bytes otherwise
  bool persistent = false;      // always-send
};

// One row of `hosts` with a DHCPv4 subnet id, and its options.
struct StoredHost {
  uint64_t host_id = 0;
  config::Reservation reservation;  // options left empty; see `options`
  std::vector<StoredHostOption> options;
};
using StoredHostPtr = std::shared_ptr<const StoredHost>;

// host_id -> why its row is not served.
using HostProblems = std::map<uint64_t, std::string>;

struct HostsHead {
  uint64_t revision = 0;
  uint64_t pruned_through = 0;  // feed rows up to here are gone
};

// Kea's host_identifier_type codes (0 hw-address, 1 duid, 2 circuit-id,
// 3 client-id, 4 flex-id).
std::optional<config::IdentifierType> IdentifierTypeFromCode(int64_t code);
int IdentifierTypeCode(config::IdentifierType type);

absl::StatusOr<HostsHead> ReadHostsHead(db::Connection& c);
// Every host with a DHCPv4 reservation (dhcp4_subnet_id not NULL).
absl::StatusOr<std::vector<StoredHost>> ReadAllHosts(db::Connection& c,
                                                     HostProblems* problems);
// The hosts among `ids` that still exist with a DHCPv4 reservation.
absl::StatusOr<std::vector<StoredHost>> ReadHosts(db::Connection& c,
                                                  std::span<const uint64_t> ids,
                                                  HostProblems* problems);
// The hosts changed by revisions after `after`, up to `through`.
absl::StatusOr<std::vector<uint64_t>> ReadChangedHosts(db::Connection& c, uint64_t after,
                                                       uint64_t through);
// Removes feed rows older than `retention_seconds` and records the newest
// removed revision in hosts4_head.pruned_through. Returns the rows removed.
absl::StatusOr<uint64_t> PruneHostChanges(db::Connection& c, int64_t retention_seconds);

}  // namespace shoal::host_backend
