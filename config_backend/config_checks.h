// ConfigChecks: what a remote-* write must not leave behind, checked inside
// the write's transaction before it commits (so it sees the write itself and
// every write committed before it, and no other write can slip in between:
// ConfigWrite holds the feed's head row). Each check fails with
// FailedPrecondition naming both objects and the server tag, e.g.
//   subnet 10.0.0.0/24 (id 7) overlaps subnet 10.0.0.0/16 (id 3) for server
//   tag 'site-a'
//
// The configuration a tag receives is validated by the parser the nodes run
// (config::ParseDhcp4Map), on the database's objects alone: a node's file
// adds interfaces, the lease database and its own extras, never the objects
// these checks are about. Stricter than Kea 2.2 on purpose: overlapping
// subnets a server would share are refused, and a subnet must not be bound
// to a server its shared network is not bound to (Kea's documented trap).
//
// Not thread-safe: one connection, one user.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "config_backend/config_tables.h"

namespace shoal::config_backend {

class ConfigChecks {
 public:
  explicit ConfigChecks(db::Connection& connection) : c_(connection), tables_(connection) {}

  // The server tags whose configuration objects bound to `tags` reach:
  // `tags`, or every server and 'all' when 'all' is among them.
  absl::StatusOr<TagSet> Reach(const TagSet& tags);

  // Everything each tag of `tags` receives merges and parses as a node's
  // configuration, no two of its subnets overlap, and its client classes
  // depend only on classes defined before them. Reads all of it: for writes
  // of global objects, classes and shared networks.
  absl::Status CheckWholeConfiguration(const TagSet& tags);
  // The same checks, collecting up to `limit` conflicts instead of stopping
  // at the first (an import lists them all).
  absl::StatusOr<std::vector<std::string>> ConflictsIn(const TagSet& tags, size_t limit);

  // One subnet as just written: valid with everything else its tags
  // receive, no overlap with any subnet those tags receive, and its shared
  // network (if any) exists and is bound to every tag the subnet is. Reads
  // other subnets' prefixes only.
  absl::Status CheckSubnet(const SubnetRow& subnet);

  // A shared network as just written: each of its subnets is bound only to
  // tags the network is bound to.
  absl::Status CheckNetworkBindings(const NetworkRow& network);

  // Before deleting client class `name`: no class reachable with it tests
  // member('name'), and no subnet, pool or shared network names it.
  absl::Status CheckClassUnused(const std::string& name, const TagSet& tags);

 private:
  // Appends to `out` (up to `limit` entries) what is wrong with `objects`
  // as the configuration of `tag`.
  void CollectConflicts(const std::string& tag, const ConfigObjects& objects, size_t limit,
                        std::vector<std::string>& out);

  db::Connection& c_;
  ConfigTables tables_;
};

// The classes `test` names in member('...'), in order of appearance.
std::vector<std::string> MemberReferences(std::string_view test);

// Kea 2.2's built-in classes, which need no definition: ALL, KNOWN,
// UNKNOWN, BOOTP, and VENDOR_CLASS_*, HA_*, AFTER_*, EXTERNAL_*.
bool IsBuiltInClass(std::string_view name);

}  // namespace shoal::config_backend
