// ConfigStore: the configuration database as one node sees it — the change
// feed (revisions), the objects bound to a server tag, and the table of
// running nodes. SqlConfigStore implements it on MySQL/MariaDB and
// PostgreSQL (migration 0006, docs/config-database.md).
//
// Server tags are case-insensitive: the store lowercases them; an empty tag
// means the node takes only what is bound to `all`.
//
// Threading: every method is thread-safe (connections come from a pool).
// Errors: Unavailable when the database cannot be reached, else the
// driver's mapped error (db/connection.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "config_backend/config_objects.h"
#include "db/connection_pool.h"

namespace shoal::config_backend {

struct FeedHead {
  uint64_t revision = 0;        // the newest committed revision
  uint64_t pruned_through = 0;  // history up to here is gone
};

// One object named by a revision (config4_change).
struct Change {
  uint64_t revision = 0;
  std::string object_type;  // "subnet", "shared-network", "client-class", "global-parameter",
                            // "option-def", "option", "server"
  std::string object_key;   // subnet id, name, parameter name, "code/space", tag
};

// A node's row in config4_node.
struct NodeRecord {
  std::string node_id;  // random, one per process start
  std::string server_tag;
  std::string hostname;
  std::string version;
  uint64_t applied_revision = 0;
  std::string config_state;  // "ok", or the revision refused and why
  std::string lease_database_state;
  std::string hosts_database_state;
  // Filled by ListNodes (database clock, seconds since the epoch).
  int64_t started_at = 0;
  int64_t heartbeat_at = 0;
  int64_t heartbeat_age_seconds = 0;
};

class ConfigStore {
 public:
  virtual ~ConfigStore() = default;

  virtual absl::StatusOr<FeedHead> ReadHead() = 0;
  // The changes with after < revision <= through, in revision order.
  virtual absl::StatusOr<std::vector<Change>> ReadChanges(uint64_t after, uint64_t through) = 0;
  // Everything bound to `tag` or `all` (own tag wins over `all`).
  virtual absl::StatusOr<ConfigObjects> ReadAll(const std::string& tag) = 0;
  // Brings the objects `changes` name up to date in `objects` (reads their
  // current rows; a row that is gone or no longer bound to the tag is
  // removed). Costs one small query per changed subnet or shared network,
  // one per other kind of object that changed.
  virtual absl::Status Refresh(const std::string& tag, const std::vector<Change>& changes,
                               ConfigObjects& objects) = 0;

  // Inserts or updates the node's row; sets its heartbeat to now.
  virtual absl::Status PublishNode(const NodeRecord& node) = 0;
  virtual absl::Status RemoveNode(const std::string& node_id) = 0;
  // Every node row, freshest heartbeat first.
  virtual absl::StatusOr<std::vector<NodeRecord>> ListNodes() = 0;
  // Removes the history every live node (heartbeat within `live_seconds`)
  // has applied and that is older than `retention_seconds`, and node rows
  // silent for longer than the retention. Returns the new pruned_through.
  virtual absl::StatusOr<uint64_t> Prune(int64_t retention_seconds, int64_t live_seconds) = 0;
};

class SqlConfigStore final : public ConfigStore {
 public:
  static absl::StatusOr<std::unique_ptr<SqlConfigStore>> Create(const db::DatabaseParams& params);

  absl::StatusOr<FeedHead> ReadHead() override;
  absl::StatusOr<std::vector<Change>> ReadChanges(uint64_t after, uint64_t through) override;
  absl::StatusOr<ConfigObjects> ReadAll(const std::string& tag) override;
  absl::Status Refresh(const std::string& tag, const std::vector<Change>& changes,
                       ConfigObjects& objects) override;
  absl::Status PublishNode(const NodeRecord& node) override;
  absl::Status RemoveNode(const std::string& node_id) override;
  absl::StatusOr<std::vector<NodeRecord>> ListNodes() override;
  absl::StatusOr<uint64_t> Prune(int64_t retention_seconds, int64_t live_seconds) override;

 private:
  explicit SqlConfigStore(std::unique_ptr<db::ConnectionPool> pool) : pool_(std::move(pool)) {}
  std::unique_ptr<db::ConnectionPool> pool_;
};

// What SqlConfigStore::ReadAll reads, on a connection the caller holds (a
// remote-* write checks its own uncommitted changes this way).
enum class ObjectsRead { kEverything, kWithoutSubnets };
absl::StatusOr<ConfigObjects> ReadObjectsForTag(db::Connection& c, const std::string& tag,
                                                ObjectsRead what);

// "server1" for "Server1"; "all" for "".
std::string NormalizeServerTag(std::string_view tag);

}  // namespace shoal::config_backend
