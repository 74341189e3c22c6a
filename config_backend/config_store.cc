#include "config_backend/config_store.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "db/schema.h"

namespace shoal::config_backend {
namespace {

using db::Param;
using db::Row;
using db::Statement;

const Statement kReadHead("SELECT revision, pruned_through FROM config4_head WHERE id = 1");
const Statement kReadChanges(
    "SELECT revision, object_type, object_key FROM config4_change "
    "WHERE revision > ? AND revision <= ? ORDER BY revision, id");

const Statement kGlobals(
    "SELECT name, server_tag, value FROM config4_global_parameter WHERE server_tag IN (?, 'all')");
const Statement kOptionDefs(
    "SELECT code, space, server_tag, definition FROM config4_option_def "
    "WHERE server_tag IN (?, 'all')");
const Statement kOptions(
    "SELECT code, space, server_tag, definition FROM config4_option "
    "WHERE server_tag IN (?, 'all')");
const Statement kClasses(
    "SELECT c.name, c.position, c.definition FROM config4_client_class c WHERE EXISTS "
    "(SELECT 1 FROM config4_client_class_server t WHERE t.name = c.name "
    "AND t.server_tag IN (?, 'all'))");
const Statement kNetworks(
    "SELECT n.name, n.definition FROM config4_shared_network n WHERE EXISTS "
    "(SELECT 1 FROM config4_shared_network_server t WHERE t.name = n.name "
    "AND t.server_tag IN (?, 'all'))");
const Statement kNetwork(
    "SELECT n.name, n.definition FROM config4_shared_network n WHERE n.name = ? AND EXISTS "
    "(SELECT 1 FROM config4_shared_network_server t WHERE t.name = n.name "
    "AND t.server_tag IN (?, 'all'))");
const Statement kSubnets(
    "SELECT s.subnet_id, s.prefix, s.shared_network, s.definition FROM config4_subnet s "
    "WHERE EXISTS (SELECT 1 FROM config4_subnet_server t WHERE t.subnet_id = s.subnet_id "
    "AND t.server_tag IN (?, 'all'))");
const Statement kSubnet(
    "SELECT s.subnet_id, s.prefix, s.shared_network, s.definition FROM config4_subnet s "
    "WHERE s.subnet_id = ? AND EXISTS (SELECT 1 FROM config4_subnet_server t "
    "WHERE t.subnet_id = s.subnet_id AND t.server_tag IN (?, 'all'))");

const Statement kPublishNode(
    "INSERT INTO config4_node (node_id, server_tag, hostname, version, applied_revision, "
    "config_state, lease_database_state, hosts_database_state) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    "ON DUPLICATE KEY UPDATE applied_revision = VALUES(applied_revision), "
    "config_state = VALUES(config_state), lease_database_state = VALUES(lease_database_state), "
    "hosts_database_state = VALUES(hosts_database_state), heartbeat_at = CURRENT_TIMESTAMP(6)",
    "INSERT INTO config4_node (node_id, server_tag, hostname, version, applied_revision, "
    "config_state, lease_database_state, hosts_database_state) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (node_id) DO UPDATE SET applied_revision = EXCLUDED.applied_revision, "
    "config_state = EXCLUDED.config_state, lease_database_state = EXCLUDED.lease_database_state, "
    "hosts_database_state = EXCLUDED.hosts_database_state, heartbeat_at = now()");
const Statement kRemoveNode("DELETE FROM config4_node WHERE node_id = ?");
const Statement kListNodes(
    "SELECT node_id, server_tag, hostname, version, applied_revision, config_state, "
    "lease_database_state, hosts_database_state, UNIX_TIMESTAMP(started_at), "
    "UNIX_TIMESTAMP(heartbeat_at), TIMESTAMPDIFF(SECOND, heartbeat_at, CURRENT_TIMESTAMP(6)) "
    "FROM config4_node ORDER BY heartbeat_at DESC, node_id",
    "SELECT node_id, server_tag, hostname, version, applied_revision, config_state, "
    "lease_database_state, hosts_database_state, CAST(EXTRACT(EPOCH FROM started_at) AS BIGINT), "
    "CAST(EXTRACT(EPOCH FROM heartbeat_at) AS BIGINT), "
    "CAST(EXTRACT(EPOCH FROM now() - heartbeat_at) AS BIGINT) "
    "FROM config4_node ORDER BY heartbeat_at DESC, node_id");

const Statement kLiveMinimum(
    "SELECT MIN(applied_revision) FROM config4_node "
    "WHERE heartbeat_at > CURRENT_TIMESTAMP(6) - INTERVAL ? SECOND",
    "SELECT MIN(applied_revision) FROM config4_node "
    "WHERE heartbeat_at > now() - CAST(? AS BIGINT) * INTERVAL '1 second'");
const Statement kRetainedFrom(
    "SELECT MAX(revision) FROM config4_revision "
    "WHERE committed_at < CURRENT_TIMESTAMP(6) - INTERVAL ? SECOND",
    "SELECT MAX(revision) FROM config4_revision "
    "WHERE committed_at < now() - CAST(? AS BIGINT) * INTERVAL '1 second'");
const Statement kPruneChanges("DELETE FROM config4_change WHERE revision <= ?");
const Statement kPruneRevisions("DELETE FROM config4_revision WHERE revision <= ?");
const Statement kMarkPruned(
    "UPDATE config4_head SET pruned_through = ? WHERE id = 1 AND pruned_through < ?");
const Statement kPruneNodes(
    "DELETE FROM config4_node WHERE heartbeat_at < CURRENT_TIMESTAMP(6) - INTERVAL ? SECOND",
    "DELETE FROM config4_node WHERE heartbeat_at < now() - CAST(? AS BIGINT) * INTERVAL '1 second'");

absl::StatusOr<uint64_t> Unsigned(const Row& row, size_t i) {
  auto v = row.Int64(i);
  if (!v.ok()) return v.status();
  if (*v < 0) return absl::InvalidArgumentError(absl::StrCat("column ", i, " is negative"));
  return static_cast<uint64_t>(*v);
}

// Keeps, for each key, the row bound to the node's own tag over `all`.
template <typename Key>
void OwnTagWins(std::map<Key, std::string>& out, std::set<Key>& own, const Key& key,
                const std::string& row_tag, std::string value) {
  bool is_own = row_tag != "all";
  if (!is_own && own.contains(key)) return;
  if (is_own) own.insert(key);
  out[key] = std::move(value);
}

absl::Status ReadGlobals(db::Connection& c, const std::string& tag, ConfigObjects& objects) {
  auto rs = c.Query(kGlobals, {tag});
  if (!rs.ok()) return rs.status();
  objects.globals.clear();
  std::set<std::string> own;
  for (const Row& row : rs->rows) {
    OwnTagWins(objects.globals, own, row.StringOr(0), row.StringOr(1), row.StringOr(2));
  }
  return absl::OkStatus();
}

absl::Status ReadOptionKind(db::Connection& c, const Statement& statement, const std::string& tag,
                            std::map<OptionKey, std::string>& out) {
  auto rs = c.Query(statement, {tag});
  if (!rs.ok()) return rs.status();
  out.clear();
  std::set<OptionKey> own;
  for (const Row& row : rs->rows) {
    auto code = Unsigned(row, 0);
    if (!code.ok()) return code.status();
    OwnTagWins(out, own, OptionKey{static_cast<uint32_t>(*code), row.StringOr(1)},
               row.StringOr(2), row.StringOr(3));
  }
  return absl::OkStatus();
}

absl::Status ReadClasses(db::Connection& c, const std::string& tag, ConfigObjects& objects) {
  auto rs = c.Query(kClasses, {tag});
  if (!rs.ok()) return rs.status();
  objects.client_classes.clear();
  for (const Row& row : rs->rows) {
    auto position = row.Int64(1);
    if (!position.ok()) return position.status();
    StoredClientClass c{row.StringOr(0), *position, row.StringOr(2)};
    objects.client_classes[c.name] = std::move(c);
  }
  return absl::OkStatus();
}

void AddNetworks(const db::ResultSet& rs, ConfigObjects& objects) {
  for (const Row& row : rs.rows) objects.shared_networks[row.StringOr(0)] = row.StringOr(1);
}

absl::Status AddSubnets(const db::ResultSet& rs, ConfigObjects& objects) {
  for (const Row& row : rs.rows) {
    auto id = Unsigned(row, 0);
    if (!id.ok()) return id.status();
    StoredSubnet s{static_cast<uint32_t>(*id), row.StringOr(1), row.StringOr(2), row.StringOr(3)};
    objects.subnets[s.id] = std::move(s);
  }
  return absl::OkStatus();
}

}  // namespace

std::string NormalizeServerTag(std::string_view tag) {
  std::string out = absl::AsciiStrToLower(absl::string_view(tag.data(), tag.size()));
  return out.empty() ? "all" : out;
}

absl::StatusOr<std::unique_ptr<SqlConfigStore>> SqlConfigStore::Create(
    const db::DatabaseParams& params) {
  auto pool = db::ConnectionPool::Create(params, {.max_connections = 2});
  if (!pool.ok()) return pool.status();
  {
    auto c = (*pool)->Acquire();
    if (!c.ok()) return c.status();
    if (absl::Status s = db::CheckSchemaVersion(**c); !s.ok()) return s;
  }
  return std::unique_ptr<SqlConfigStore>(new SqlConfigStore(std::move(*pool)));
}

absl::StatusOr<FeedHead> SqlConfigStore::ReadHead() {
  auto c = pool_->Acquire();
  if (!c.ok()) return c.status();
  auto rs = (*c)->Query(kReadHead);
  if (!rs.ok()) return rs.status();
  if (rs->rows.empty()) {
    return absl::FailedPreconditionError(
        "config4_head has no row: the configuration schema is damaged; recreate it with "
        "shoal-admin db-init");
  }
  auto revision = Unsigned(rs->rows[0], 0);
  auto pruned = Unsigned(rs->rows[0], 1);
  if (!revision.ok()) return revision.status();
  if (!pruned.ok()) return pruned.status();
  return FeedHead{*revision, *pruned};
}

absl::StatusOr<std::vector<Change>> SqlConfigStore::ReadChanges(uint64_t after, uint64_t through) {
  auto c = pool_->Acquire();
  if (!c.ok()) return c.status();
  auto rs = (*c)->Query(kReadChanges,
                        {static_cast<int64_t>(after), static_cast<int64_t>(through)});
  if (!rs.ok()) return rs.status();
  std::vector<Change> out;
  out.reserve(rs->rows.size());
  for (const Row& row : rs->rows) {
    auto revision = Unsigned(row, 0);
    if (!revision.ok()) return revision.status();
    out.push_back(Change{*revision, row.StringOr(1), row.StringOr(2)});
  }
  return out;
}

absl::StatusOr<ConfigObjects> ReadObjectsForTag(db::Connection& c, const std::string& tag,
                                                ObjectsRead what) {
  std::string t = NormalizeServerTag(tag);
  ConfigObjects objects;
  if (absl::Status s = ReadGlobals(c, t, objects); !s.ok()) return s;
  if (absl::Status s = ReadOptionKind(c, kOptionDefs, t, objects.option_defs); !s.ok()) return s;
  if (absl::Status s = ReadOptionKind(c, kOptions, t, objects.options); !s.ok()) return s;
  if (absl::Status s = ReadClasses(c, t, objects); !s.ok()) return s;
  auto networks = c.Query(kNetworks, {t});
  if (!networks.ok()) return networks.status();
  AddNetworks(*networks, objects);
  if (what == ObjectsRead::kWithoutSubnets) return objects;
  auto subnets = c.Query(kSubnets, {t});
  if (!subnets.ok()) return subnets.status();
  if (absl::Status s = AddSubnets(*subnets, objects); !s.ok()) return s;
  return objects;
}

absl::StatusOr<ConfigObjects> SqlConfigStore::ReadAll(const std::string& tag) {
  auto c = pool_->Acquire();
  if (!c.ok()) return c.status();
  return ReadObjectsForTag(**c, tag, ObjectsRead::kEverything);
}

absl::Status SqlConfigStore::Refresh(const std::string& tag, const std::vector<Change>& changes,
                                     ConfigObjects& objects) {
  std::string t = NormalizeServerTag(tag);
  std::set<std::string> kinds;
  std::set<uint32_t> subnets;
  std::set<std::string> networks;
  for (const Change& change : changes) {
    if (change.object_type == "subnet") {
      uint32_t id = 0;
      if (absl::SimpleAtoi(change.object_key, &id)) subnets.insert(id);
    } else if (change.object_type == "shared-network") {
      networks.insert(change.object_key);
    } else {
      kinds.insert(change.object_type);
    }
  }
  auto c = pool_->Acquire();
  if (!c.ok()) return c.status();
  if (kinds.contains("global-parameter")) {
    if (absl::Status s = ReadGlobals(**c, t, objects); !s.ok()) return s;
  }
  if (kinds.contains("option-def")) {
    if (absl::Status s = ReadOptionKind(**c, kOptionDefs, t, objects.option_defs); !s.ok()) {
      return s;
    }
  }
  if (kinds.contains("option")) {
    if (absl::Status s = ReadOptionKind(**c, kOptions, t, objects.options); !s.ok()) return s;
  }
  if (kinds.contains("client-class")) {
    if (absl::Status s = ReadClasses(**c, t, objects); !s.ok()) return s;
  }
  for (const std::string& name : networks) {
    auto rs = (*c)->Query(kNetwork, {name, t});
    if (!rs.ok()) return rs.status();
    objects.shared_networks.erase(name);
    AddNetworks(*rs, objects);
  }
  for (uint32_t id : subnets) {
    auto rs = (*c)->Query(kSubnet, {id, t});
    if (!rs.ok()) return rs.status();
    objects.subnets.erase(id);
    if (absl::Status s = AddSubnets(*rs, objects); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status SqlConfigStore::PublishNode(const NodeRecord& node) {
  auto c = pool_->Acquire();
  if (!c.ok()) return c.status();
  return (*c)
      ->Execute(kPublishNode, {node.node_id, node.server_tag, node.hostname, node.version,
                               static_cast<int64_t>(node.applied_revision), node.config_state,
                               node.lease_database_state, node.hosts_database_state})
      .status();
}

absl::Status SqlConfigStore::RemoveNode(const std::string& node_id) {
  auto c = pool_->Acquire();
  if (!c.ok()) return c.status();
  return (*c)->Execute(kRemoveNode, {node_id}).status();
}

absl::StatusOr<std::vector<NodeRecord>> SqlConfigStore::ListNodes() {
  auto c = pool_->Acquire();
  if (!c.ok()) return c.status();
  auto rs = (*c)->Query(kListNodes);
  if (!rs.ok()) return rs.status();
  std::vector<NodeRecord> out;
  for (const Row& row : rs->rows) {
    NodeRecord n;
    n.node_id = row.StringOr(0);
    n.server_tag = row.StringOr(1);
    n.hostname = row.StringOr(2);
    n.version = row.StringOr(3);
    auto applied = Unsigned(row, 4);
    if (!applied.ok()) return applied.status();
    n.applied_revision = *applied;
    n.config_state = row.StringOr(5);
    n.lease_database_state = row.StringOr(6);
    n.hosts_database_state = row.StringOr(7);
    n.started_at = row.Int64Or(8, 0).value_or(0);
    n.heartbeat_at = row.Int64Or(9, 0).value_or(0);
    n.heartbeat_age_seconds = row.Int64Or(10, 0).value_or(0);
    out.push_back(std::move(n));
  }
  return out;
}

absl::StatusOr<uint64_t> SqlConfigStore::Prune(int64_t retention_seconds, int64_t live_seconds) {
  auto c = pool_->Acquire();
  if (!c.ok()) return c.status();
  auto head = (*c)->Query(kReadHead);
  if (!head.ok()) return head.status();
  if (head->rows.empty()) return absl::FailedPreconditionError("config4_head has no row");
  auto pruned = Unsigned(head->rows[0], 1);
  if (!pruned.ok()) return pruned.status();
  auto old = (*c)->Query(kRetainedFrom, {retention_seconds});
  if (!old.ok()) return old.status();
  if (old->rows.empty() || old->rows[0].IsNull(0)) return *pruned;
  auto target = Unsigned(old->rows[0], 0);
  if (!target.ok()) return target.status();
  auto live = (*c)->Query(kLiveMinimum, {live_seconds});
  if (!live.ok()) return live.status();
  if (!live->rows.empty() && !live->rows[0].IsNull(0)) {
    auto minimum = Unsigned(live->rows[0], 0);
    if (!minimum.ok()) return minimum.status();
    *target = std::min(*target, *minimum);
  }
  if (*target > *pruned) {
    db::Transaction txn(**c);
    if (!txn.status().ok()) return txn.status();
    int64_t through = static_cast<int64_t>(*target);
    for (const Statement* s : {&kPruneChanges, &kPruneRevisions}) {
      if (auto r = (*c)->Execute(*s, {through}); !r.ok()) return r.status();
    }
    if (auto r = (*c)->Execute(kMarkPruned, {through, through}); !r.ok()) return r.status();
    if (absl::Status s = txn.Commit(); !s.ok()) return s;
    *pruned = *target;
  }
  if (auto r = (*c)->Execute(kPruneNodes, {retention_seconds}); !r.ok()) return r.status();
  return *pruned;
}

}  // namespace shoal::config_backend
