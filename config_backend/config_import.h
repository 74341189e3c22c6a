// Moving a Kea configuration into the configuration database and back
// (shoal-admin config-import / config-export, docs/config-database.md).
//
// PlanImport splits a Kea `Dhcp4` map into what the database holds — scalar
// global parameters, option definitions, global options, client classes (in
// file order), shared networks and subnets with their pools and options —
// and a list of what it cannot hold (host reservations, structured and
// node-local parameters), which the caller shows: nothing is dropped
// silently. ImportConfiguration writes a plan under the given server tags
// as one ConfigWrite (one revision), after checking the whole result with
// the remote-* checks; any conflict refuses the whole import and names
// every conflict it found. ExportConfiguration is the `Dhcp4` map a server
// tag receives, as a file kea-dhcp4 -t and shoal-dhcp4 -t accept.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "config_backend/config_tables.h"
#include "db/connection.h"
#include "nlohmann/json.hpp"

namespace shoal::config_backend {

struct ImportPlan {
  ConfigObjects objects;              // everything but subnets
  std::vector<StoredSubnet> subnets;  // in file order; id 0: allocated at import
  std::vector<std::string> not_imported;  // what the database cannot hold, and why
};

// InvalidArgument naming the entry when the map's shape is wrong (a subnet
// without a prefix, an option without a code or standard name, ...); the
// values themselves are judged by the checks at import.
absl::StatusOr<ImportPlan> PlanImport(const nlohmann::json& dhcp4);

struct ImportResult {
  uint64_t revision = 0;
  size_t subnets = 0;
  size_t shared_networks = 0;
  size_t client_classes = 0;
  size_t option_defs = 0;
  size_t options = 0;
  size_t globals = 0;
};

// FailedPrecondition listing the conflicts (one per line) when the import
// would leave the database refusing; nothing is written then. Tags that
// name no server yet are created.
absl::StatusOr<ImportResult> ImportConfiguration(db::Connection& connection,
                                                 const ImportPlan& plan, const TagSet& tags,
                                                 const std::string& actor);

// {"Dhcp4": {...}}: what server `tag` receives from the database.
absl::StatusOr<nlohmann::json> ExportConfiguration(db::Connection& connection,
                                                   const std::string& tag);

}  // namespace shoal::config_backend
