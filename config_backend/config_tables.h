// ConfigTables: the rows of the configuration database (migration 0006) as
// the remote-* commands read and write them, on one connection the caller
// holds (inside a ConfigWrite for writes). Server tags are stored
// lowercase; callers pass them normalised (NormalizeServerTag).
//
// Non-shareable objects (global parameters, option definitions, global
// options) carry exactly one tag; shareable ones (client classes, shared
// networks, subnets) any number, in a *_server table (none = unassigned).
//
// Errors: the driver's (db/connection.h); AlreadyExists for a duplicate
// key (e.g. a subnet prefix another subnet has).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "config_backend/config_objects.h"
#include "db/connection.h"

namespace shoal::config_backend {

using TagSet = std::set<std::string>;

struct ServerRow {
  std::string tag;
  std::string description;
};

// A non-shareable row: a global parameter (key.second empty, name in
// `name`) or an option definition / global option (key).
struct SingleTagRow {
  std::string name;  // global parameters
  OptionKey key;     // option definitions and options
  std::string tag;
  std::string text;  // the JSON value or definition
};

enum class SingleTagKind { kGlobalParameter, kOptionDef, kOption };
enum class SharedKind { kClientClass, kSharedNetwork, kSubnet };

struct SubnetRow {
  StoredSubnet subnet;
  TagSet tags;
};
struct NetworkRow {
  std::string name;
  std::string definition;
  TagSet tags;
};
struct ClassRow {
  StoredClientClass client_class;
  TagSet tags;
};

// One revision of the change feed's history.
struct RevisionRecord {
  uint64_t revision = 0;
  std::string committed_at;  // UTC, "2026-12-07 21:46:32.123456"
  std::string actor;
  std::string command;       // empty for plain SQL
  struct Object {
    std::string type;        // "subnet", "shared-network", ...
    std::string key;         // subnet id, name, "code/space", ...
    std::string server_tag;  // the binding that changed; empty for the object itself
  };
  std::vector<Object> changes;
};

class ConfigTables {
 public:
  explicit ConfigTables(db::Connection& connection) : c_(connection) {}

  // Servers ('all' is never listed).
  absl::StatusOr<std::vector<ServerRow>> Servers();
  absl::StatusOr<std::optional<ServerRow>> Server(const std::string& tag);
  absl::Status PutServer(const ServerRow& server);
  // Deletes the server, its non-shareable objects, and its bindings of
  // shareable ones (which stay, maybe unassigned). Returns rows deleted
  // from config4_server (0 or 1).
  absl::StatusOr<uint64_t> DeleteServer(const std::string& tag);

  // Non-shareable rows bound to exactly `tag`.
  absl::StatusOr<std::vector<SingleTagRow>> SingleTagRows(SingleTagKind kind,
                                                          const std::string& tag);
  absl::Status PutSingleTagRow(SingleTagKind kind, const SingleTagRow& row);
  absl::StatusOr<uint64_t> DeleteSingleTagRow(SingleTagKind kind, const SingleTagRow& key);

  // Bindings of shareable objects: object key -> tags, for every object of
  // the kind (subnet keys are decimal ids).
  absl::StatusOr<std::map<std::string, TagSet>> AllTags(SharedKind kind);
  absl::StatusOr<TagSet> TagsOf(SharedKind kind, const std::string& key);
  // Makes the object's bindings exactly `tags` (adds and removes rows).
  // `current`, when the caller knows them, saves reading them first.
  absl::Status SetTags(SharedKind kind, const std::string& key, const TagSet& tags,
                       const TagSet* current = nullptr);

  // Subnets.
  absl::StatusOr<std::optional<SubnetRow>> SubnetById(uint32_t id);
  absl::StatusOr<std::optional<SubnetRow>> SubnetByPrefix(const std::string& prefix);
  // Every subnet (definitions included when `with_definitions`).
  absl::StatusOr<std::vector<SubnetRow>> Subnets(bool with_definitions);
  absl::StatusOr<std::vector<SubnetRow>> SubnetsOfNetwork(const std::string& network);
  // The subnets (with tags, without definitions) whose prefix overlaps the
  // CIDR block first..last: those that contain it and those inside it,
  // found by index (config4_subnet.first_address, schema 2.5).
  // `except_id`: a subnet left out (the one being checked).
  absl::StatusOr<std::vector<SubnetRow>> SubnetsOverlapping(uint32_t first, uint32_t last,
                                                            uint32_t except_id = 0);
  absl::StatusOr<uint32_t> NextSubnetId();
  // Inserts or replaces the subnet row (not its tags).
  absl::Status PutSubnet(const StoredSubnet& subnet, bool exists);
  // Inserts new subnets, each bound to `tags`, a few hundred rows per
  // statement (an import of 10,000 subnets is ~100 round trips, not 20,000).
  absl::Status InsertSubnets(const std::vector<StoredSubnet>& subnets, const TagSet& tags);
  absl::StatusOr<uint64_t> DeleteSubnet(uint32_t id);

  // Shared networks.
  absl::StatusOr<std::optional<NetworkRow>> Network(const std::string& name);
  absl::StatusOr<std::vector<NetworkRow>> Networks();
  absl::Status PutNetwork(const std::string& name, const std::string& definition, bool exists);
  absl::StatusOr<uint64_t> DeleteNetwork(const std::string& name);
  // Takes every subnet of the network out of it (they become global).
  absl::Status DetachSubnets(const std::string& network);

  // History: up to `limit` revisions older than `before`, newest first, with
  // the objects each changed.
  absl::StatusOr<std::vector<RevisionRecord>> History(uint64_t before, uint32_t limit);

  // Client classes, in position order.
  absl::StatusOr<std::vector<ClassRow>> Classes();
  absl::Status PutClass(const StoredClientClass& client_class, bool exists);
  // Moves every class at or after `position` one place down.
  absl::Status ShiftClassesFrom(int64_t position);
  absl::StatusOr<uint64_t> DeleteClass(const std::string& name);

 private:
  db::Connection& c_;
};

}  // namespace shoal::config_backend
