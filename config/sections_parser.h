// Internal to the config parser: the self-contained sections of the Dhcp4
// map (everything except subnets, shared networks, reservations and
// options). Errors are thrown as internal::ParseError (parse_context.h).
#pragma once

#include <vector>

#include "config/config.h"
#include "config/parse_context.h"

namespace shoal::config::internal {

InterfacesConfig ParseInterfacesConfig(const Node& n);
// `lease-database`, `hosts-database`, `config-databases` entries.
// `hosts` allows `readonly`.
DatabaseConfig ParseDatabase(const Node& n, bool hosts);
ExpiredLeasesProcessing ParseExpiredLeasesProcessing(const Node& n);
std::vector<LoggerConfig> ParseLoggers(const Node& n);
ControlSocketConfig ParseKea22ControlSocket(const Node& n);
std::vector<ControlSocketConfig> ParseControlSockets(const Node& n);
ConfigControl ParseConfigControl(const Node& n);
MultiThreadingConfig ParseMultiThreading(const Node& n);
std::vector<HookLibraryConfig> ParseHooksLibraries(const Node& n);
void ParseDhcpDdns(const Node& n);
std::string ParseSanityChecks(const Node& n);
std::vector<IdentifierType> ParseHostReservationIdentifiers(const Node& n);
// "hw-address" -> kHwAddress etc.; nullopt for other names.
std::optional<IdentifierType> IdentifierTypeFromName(std::string_view name);

}  // namespace shoal::config::internal
