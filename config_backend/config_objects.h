// ConfigObjects: what the configuration database holds for one node (its
// server tag and `all`), as Kea-syntax JSON fragments, and the merge of those
// objects into the node's own file (Kea's rules, docs/config-database.md):
//
// - a database global replaces the file's value (deleting it falls back to
//   the file value, then the default: the merge always starts from the file);
// - option definitions and global options replace file entries with the same
//   code and space;
// - if the database holds any client class for the node, the file's classes
//   are ignored and the database's are used, in their `position` order;
// - a database shared network replaces the file's network of that name;
// - a database subnet replaces every file subnet with the same id or prefix,
//   and sits in its shared network when the node has that network, else at
//   the top level.
// Objects bound to the node's own tag override those bound to `all` (the
// store resolves that before filling ConfigObjects).
//
// Plain value types and pure functions; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace shoal::config_backend {

// (code, space): the key of option definitions and options.
using OptionKey = std::pair<uint32_t, std::string>;

// Definitions are kept as the JSON text the database holds: a row that is
// not valid JSON is reported when the configuration is built, naming it.
struct StoredClientClass {
  std::string name;
  int64_t position = 0;
  std::string definition;  // the class map (its "name" is optional)
  friend bool operator==(const StoredClientClass&, const StoredClientClass&) = default;
};

struct StoredSubnet {
  uint32_t id = 0;
  std::string prefix;
  std::string shared_network;  // empty: none
  std::string definition;      // the subnet map ("id" and "subnet" optional)
  friend bool operator==(const StoredSubnet&, const StoredSubnet&) = default;
};

struct ConfigObjects {
  std::map<std::string, std::string> globals;  // name -> JSON value
  std::map<OptionKey, std::string> option_defs;
  std::map<OptionKey, std::string> options;
  std::map<std::string, StoredClientClass> client_classes;
  std::map<std::string, std::string> shared_networks;  // name -> map without "subnet4"
  std::map<uint32_t, StoredSubnet> subnets;

  friend bool operator==(const ConfigObjects&, const ConfigObjects&) = default;

  // A lossless JSON form (the node's on-disk copy) and back. FromJson fails
  // with InvalidArgument on anything it did not write.
  nlohmann::json ToJson() const;
  static absl::StatusOr<ConfigObjects> FromJson(const nlohmann::json& json);
};

// The `Dhcp4` map a node runs: `file_dhcp4` with `objects` merged in by the
// rules above. Errors (InvalidArgument, naming the object): a database
// object whose text is not JSON, or not the map (or value) Kea expects there, a global
// that cannot come from the database, or a definition that contradicts the
// columns identifying it. Everything else is for the configuration parser
// to judge.
absl::StatusOr<nlohmann::json> MergeIntoFile(const nlohmann::json& file_dhcp4,
                                             const ConfigObjects& objects);

}  // namespace shoal::config_backend
