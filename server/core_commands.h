// Kea's core daemon commands for shoal-dhcp4: list-commands, version-get,
// build-report, status-get, config-get/-test/-set/-reload/-write, shutdown,
// dhcp-disable/-enable, leases-reclaim, server-tag-get — with Kea's argument
// names, result codes and texts (kea-api-facts.md §2.1).
#pragma once

#include <functional>

#include "control/command_registry.h"
#include "server/dhcp4_server.h"

namespace shoal::server {

// Adds to status-get's arguments (e.g. the configuration database's state).
using StatusExtension = std::function<void(nlohmann::json& status)>;

// Registers the commands on `registry`; `server` must outlive it.
void RegisterCoreCommands(control::CommandRegistry& registry, Dhcp4Server& server,
                          StatusExtension extend_status = nullptr);

// The Dhcp4 map with every database password replaced by "*****", as
// config-get shows it.
nlohmann::json RedactPasswords(nlohmann::json config);

}  // namespace shoal::server
