// Writing reservations into a hosts database (the reservation-* commands).
// Each call is one transaction; the database's triggers put it in the hosts
// change feed, so every node follows it like any other write. Returns the
// feed revision after the commit (a node that has applied it serves the
// change). Errors: the connection's; AlreadyExists when the database's own
// unique key (identifier, type, subnet) refuses the row.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "absl/status/statusor.h"
#include "config/config.h"
#include "db/connection.h"

namespace shoal::host_backend {

// Which reservation a delete means: by identifier, or by address.
struct HostKey {
  uint32_t subnet_id = 0;
  std::optional<config::IdentifierType> type;  // with identifier
  std::vector<uint8_t> identifier;
  std::optional<dhcp::Ipv4Address> address;    // when no identifier
};

// Inserts `host` (options stored as Kea's CSV text where `defs` can format
// them, else as wire bytes). With `replacing`, the reservation of the same
// identifier in the same subnet is deleted first, in the same transaction.
absl::StatusOr<uint64_t> WriteHost(db::Connection& c, const config::Reservation& host,
                                   const dhcp::OptionDefinitionSet& defs, bool replacing);
// Deletes the reservations `key` names; returns {rows deleted, revision}.
absl::StatusOr<std::pair<uint64_t, uint64_t>> DeleteHost(db::Connection& c, const HostKey& key);

}  // namespace shoal::host_backend
