// Kea's host_cmds for DHCPv4, built in (docs/control-api.md, "Host
// reservations"): reservation-add, -update, -del, -get, -get-all,
// -get-page, -get-by-hostname, -get-by-id, -get-by-address.
//
// Reads search the node's sources as it serves them (the file's
// reservations, then each hosts database as this node holds it). Writes go
// to the first hosts database that is not `readonly`, after the checks Kea's
// hook makes (the subnet is this node's, the address inside it, no other
// reservation of the identifier in the subnet, the address not reserved
// twice when `ip-reservations-unique`); a refused write changes nothing and
// says what conflicts. A write answers once this node serves it; every
// other node follows within milliseconds (the hosts change feed).
#pragma once

#include <functional>
#include <memory>

#include "control/command_registry.h"
#include "host_backend/host_databases.h"

namespace shoal::host_backend {

struct ReservationSources {
  // The configuration the node serves now.
  std::function<std::shared_ptr<const config::Config>()> config;
  // The node's hosts databases now.
  std::function<std::shared_ptr<const HostDatabases>()> databases;
};

void RegisterReservationCommands(control::CommandRegistry& registry, ReservationSources sources);

// Kea's JSON form of a DHCPv4 reservation (Host::toElement4), with its
// subnet-id; options formatted with `defs`.
nlohmann::json ReservationToJson(const config::Reservation& host,
                                 const dhcp::OptionDefinitionSet& defs);

}  // namespace shoal::host_backend
