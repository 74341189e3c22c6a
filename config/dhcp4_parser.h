// Kea-syntax parser for shoal-dhcp4's configuration (Kea 2.2's `Dhcp4` map).
//
// Builds a complete, validated Config or fails with an InvalidArgument
// status whose message names the key path, what is wrong and what is
// expected, and - for text input - where it is:
//   "subnet4[0].pools[1].pool: 'x' is not a valid pool, expected
//    'first - last' or 'prefix/len' (shoal.conf:12:17)"
// Inherited parameters are resolved onto every Subnet4 (global -> shared
// network -> subnet) with Kea's defaults. Unknown keys are rejected. Kea
// parameters shoal accepts but does not act on are recorded in
// Config::warnings. Pure functions: thread-safe, no I/O except
// ParseDhcp4ConfigFile reading its file and HTTP credential files named by
// `control-sockets[].authentication.clients[]`.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "config/config.h"
#include "nlohmann/json.hpp"

namespace shoal::config {

// A whole configuration file: a map with "Dhcp4" and optionally Kea's other
// top-level keys ("Dhcp6", "DhcpDdns", "Control-agent", "Netconf",
// "Logging"), which are ignored as Kea does.
absl::StatusOr<Config> ParseDhcp4ConfigText(std::string_view text, std::string_view source_name);
absl::StatusOr<Config> ParseDhcp4ConfigFile(const std::string& path);

// The Dhcp4 map itself (config-set, config-test over the API): errors name
// the key path but carry no file location.
absl::StatusOr<Config> ParseDhcp4Map(const nlohmann::json& dhcp4, std::string_view source_name);

// One `reservations` entry, checked as the file's are (one identifier, the
// address inside `subnet` — null for a global reservation —, option data
// encoded with `config`'s definitions). `name` prefixes error paths.
absl::StatusOr<Reservation> ParseReservationMap(const nlohmann::json& reservation,
                                                const Config& config, const Subnet4* subnet,
                                                std::string_view name);

}  // namespace shoal::config
