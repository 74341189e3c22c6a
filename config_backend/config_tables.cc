#include "config_backend/config_tables.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "dhcp/ipv4_address.h"

namespace shoal::config_backend {
namespace {

using db::Param;
using db::Row;
using db::Statement;

const Statement kServers(
    "SELECT tag, description FROM config4_server WHERE tag <> 'all' ORDER BY tag");
const Statement kServer("SELECT tag, description FROM config4_server WHERE tag = ?");
const Statement kPutServer(
    "INSERT INTO config4_server (tag, description) VALUES (?, ?) "
    "ON DUPLICATE KEY UPDATE description = VALUES(description)",
    "INSERT INTO config4_server (tag, description) VALUES (?, ?) "
    "ON CONFLICT (tag) DO UPDATE SET description = EXCLUDED.description");
const Statement kDeleteServer("DELETE FROM config4_server WHERE tag = ?");
const Statement kDeleteServerObjects[] = {
    "DELETE FROM config4_global_parameter WHERE server_tag = ?",
    "DELETE FROM config4_option_def WHERE server_tag = ?",
    "DELETE FROM config4_option WHERE server_tag = ?",
    "DELETE FROM config4_client_class_server WHERE server_tag = ?",
    "DELETE FROM config4_shared_network_server WHERE server_tag = ?",
    "DELETE FROM config4_subnet_server WHERE server_tag = ?",
};

struct SingleTagStatements {
  Statement list;
  Statement put;
  Statement del;
};
const SingleTagStatements kGlobalStatements{
    "SELECT name, server_tag, value FROM config4_global_parameter WHERE server_tag = ? "
    "ORDER BY name",
    {"INSERT INTO config4_global_parameter (name, server_tag, value) VALUES (?, ?, ?) "
     "ON DUPLICATE KEY UPDATE value = VALUES(value)",
     "INSERT INTO config4_global_parameter (name, server_tag, value) VALUES (?, ?, ?) "
     "ON CONFLICT (name, server_tag) DO UPDATE SET value = EXCLUDED.value, modified = now()"},
    "DELETE FROM config4_global_parameter WHERE name = ? AND server_tag = ?"};
const SingleTagStatements kOptionDefStatements{
    "SELECT code, space, server_tag, definition FROM config4_option_def WHERE server_tag = ? "
    "ORDER BY space, code",
    {"INSERT INTO config4_option_def (code, space, server_tag, definition) VALUES (?, ?, ?, ?) "
     "ON DUPLICATE KEY UPDATE definition = VALUES(definition)",
     "INSERT INTO config4_option_def (code, space, server_tag, definition) VALUES (?, ?, ?, ?) "
     "ON CONFLICT (code, space, server_tag) DO UPDATE SET definition = EXCLUDED.definition, "
     "modified = now()"},
    "DELETE FROM config4_option_def WHERE code = ? AND space = ? AND server_tag = ?"};
const SingleTagStatements kOptionStatements{
    "SELECT code, space, server_tag, definition FROM config4_option WHERE server_tag = ? "
    "ORDER BY space, code",
    {"INSERT INTO config4_option (code, space, server_tag, definition) VALUES (?, ?, ?, ?) "
     "ON DUPLICATE KEY UPDATE definition = VALUES(definition)",
     "INSERT INTO config4_option (code, space, server_tag, definition) VALUES (?, ?, ?, ?) "
     "ON CONFLICT (code, space, server_tag) DO UPDATE SET definition = EXCLUDED.definition, "
     "modified = now()"},
    "DELETE FROM config4_option WHERE code = ? AND space = ? AND server_tag = ?"};

const SingleTagStatements& StatementsFor(SingleTagKind kind) {
  switch (kind) {
    case SingleTagKind::kGlobalParameter:
      return kGlobalStatements;
    case SingleTagKind::kOptionDef:
      return kOptionDefStatements;
    case SingleTagKind::kOption:
      break;
  }
  return kOptionStatements;
}

struct TagStatements {
  Statement all;
  Statement of;
  Statement add;
  Statement remove;
};
const TagStatements kClassTags{
    "SELECT name, server_tag FROM config4_client_class_server",
    "SELECT server_tag FROM config4_client_class_server WHERE name = ?",
    "INSERT INTO config4_client_class_server (name, server_tag) VALUES (?, ?)",
    "DELETE FROM config4_client_class_server WHERE name = ? AND server_tag = ?"};
const TagStatements kNetworkTags{
    "SELECT name, server_tag FROM config4_shared_network_server",
    "SELECT server_tag FROM config4_shared_network_server WHERE name = ?",
    "INSERT INTO config4_shared_network_server (name, server_tag) VALUES (?, ?)",
    "DELETE FROM config4_shared_network_server WHERE name = ? AND server_tag = ?"};
const TagStatements kSubnetTags{
    "SELECT subnet_id, server_tag FROM config4_subnet_server",
    "SELECT server_tag FROM config4_subnet_server WHERE subnet_id = ?",
    "INSERT INTO config4_subnet_server (subnet_id, server_tag) VALUES (?, ?)",
    "DELETE FROM config4_subnet_server WHERE subnet_id = ? AND server_tag = ?"};

const TagStatements& StatementsFor(SharedKind kind) {
  switch (kind) {
    case SharedKind::kClientClass:
      return kClassTags;
    case SharedKind::kSharedNetwork:
      return kNetworkTags;
    case SharedKind::kSubnet:
      break;
  }
  return kSubnetTags;
}

// Subnet keys are ids: bound as numbers.
absl::StatusOr<Param> KeyParam(SharedKind kind, const std::string& key) {
  if (kind != SharedKind::kSubnet) return Param(key);
  uint32_t id = 0;
  if (!absl::SimpleAtoi(key, &id)) {
    return absl::InvalidArgumentError(absl::StrCat("'", key, "' is not a subnet id"));
  }
  return Param(id);
}

const Statement kSubnetById(
    "SELECT subnet_id, prefix, shared_network, definition FROM config4_subnet "
    "WHERE subnet_id = ?");
const Statement kSubnetByPrefix(
    "SELECT subnet_id, prefix, shared_network, definition FROM config4_subnet WHERE prefix = ?");
const Statement kSubnetsFull(
    "SELECT subnet_id, prefix, shared_network, definition FROM config4_subnet "
    "ORDER BY subnet_id");
const Statement kSubnetsBrief(
    "SELECT subnet_id, prefix, shared_network, '' FROM config4_subnet ORDER BY subnet_id");
const Statement kSubnetsOfNetwork(
    "SELECT subnet_id, prefix, shared_network, definition FROM config4_subnet "
    "WHERE shared_network = ? ORDER BY subnet_id");
// The blocks that may contain a prefix start at the prefix's first address
// with 0..32 host bits cleared (33 values); those inside it start within it.
// Subnets starting at one of the 33 supernet addresses of a block (those
// that contain it) or inside it: one indexed range read.
const Statement kSubnetsOverlapping(
    "SELECT subnet_id, prefix, shared_network, '' FROM config4_subnet WHERE first_address IN "
    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?, ?, ?) OR first_address BETWEEN ? AND ?");
const Statement kNextSubnetId("SELECT COALESCE(MAX(subnet_id), 0) + 1 FROM config4_subnet");
const Statement kInsertSubnet(
    "INSERT INTO config4_subnet (subnet_id, prefix, shared_network, definition) "
    "VALUES (?, ?, ?, ?)");
const Statement kUpdateSubnet(
    "UPDATE config4_subnet SET prefix = ?, shared_network = ?, definition = ? "
    "WHERE subnet_id = ?");
const Statement kDeleteSubnetTags("DELETE FROM config4_subnet_server WHERE subnet_id = ?");
const Statement kDeleteSubnet("DELETE FROM config4_subnet WHERE subnet_id = ?");

const Statement kNetwork("SELECT name, definition FROM config4_shared_network WHERE name = ?");
const Statement kNetworks("SELECT name, definition FROM config4_shared_network ORDER BY name");
const Statement kInsertNetwork(
    "INSERT INTO config4_shared_network (name, definition) VALUES (?, ?)");
const Statement kUpdateNetwork("UPDATE config4_shared_network SET definition = ? WHERE name = ?");
const Statement kDeleteNetworkTags("DELETE FROM config4_shared_network_server WHERE name = ?");
const Statement kDeleteNetwork("DELETE FROM config4_shared_network WHERE name = ?");
const Statement kDetachSubnets(
    "UPDATE config4_subnet SET shared_network = NULL WHERE shared_network = ?");

const Statement kClasses(
    "SELECT name, position, definition FROM config4_client_class ORDER BY position, name");
const Statement kInsertClass(
    "INSERT INTO config4_client_class (name, position, definition) VALUES (?, ?, ?)");
const Statement kUpdateClass(
    "UPDATE config4_client_class SET position = ?, definition = ? WHERE name = ?");
const Statement kShiftClasses(
    "UPDATE config4_client_class SET position = position + 1 WHERE position >= ?");
const Statement kDeleteClassTags("DELETE FROM config4_client_class_server WHERE name = ?");
const Statement kDeleteClass("DELETE FROM config4_client_class WHERE name = ?");

const Statement kHistory(
    "SELECT revision, DATE_FORMAT(committed_at, '%Y-%m-%d %H:%i:%s.%f'), actor, command "
    "FROM config4_revision WHERE revision < ? ORDER BY revision DESC LIMIT ?",
    "SELECT revision, to_char(committed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), "
    "actor, command FROM config4_revision WHERE revision < ? ORDER BY revision DESC LIMIT ?");
const Statement kHistoryChanges(
    "SELECT revision, object_type, object_key, server_tag FROM config4_change "
    "WHERE revision >= ? AND revision <= ? ORDER BY revision, id");

absl::StatusOr<uint32_t> SubnetId(const Row& row, size_t i) {
  auto v = row.Int64(i);
  if (!v.ok()) return v.status();
  if (*v <= 0 || *v > UINT32_MAX) {
    return absl::InvalidArgumentError(absl::StrCat("subnet id ", *v, " is out of range"));
  }
  return static_cast<uint32_t>(*v);
}

absl::StatusOr<std::vector<SubnetRow>> SubnetRows(const db::ResultSet& rs) {
  std::vector<SubnetRow> out;
  out.reserve(rs.rows.size());
  for (const Row& row : rs.rows) {
    auto id = SubnetId(row, 0);
    if (!id.ok()) return id.status();
    out.push_back({StoredSubnet{*id, row.StringOr(1), row.StringOr(2), row.StringOr(3)}, {}});
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<ServerRow>> ConfigTables::Servers() {
  auto rs = c_.Query(kServers);
  if (!rs.ok()) return rs.status();
  std::vector<ServerRow> out;
  for (const Row& row : rs->rows) out.push_back({row.StringOr(0), row.StringOr(1)});
  return out;
}

absl::StatusOr<std::optional<ServerRow>> ConfigTables::Server(const std::string& tag) {
  auto rs = c_.Query(kServer, {tag});
  if (!rs.ok()) return rs.status();
  if (rs->rows.empty()) return std::nullopt;
  return ServerRow{rs->rows[0].StringOr(0), rs->rows[0].StringOr(1)};
}

absl::Status ConfigTables::PutServer(const ServerRow& server) {
  return c_.Execute(kPutServer, {server.tag, server.description}).status();
}

absl::StatusOr<uint64_t> ConfigTables::DeleteServer(const std::string& tag) {
  for (const Statement& s : kDeleteServerObjects) {
    if (auto r = c_.Execute(s, {tag}); !r.ok()) return r.status();
  }
  return c_.Execute(kDeleteServer, {tag});
}

absl::StatusOr<std::vector<SingleTagRow>> ConfigTables::SingleTagRows(SingleTagKind kind,
                                                                      const std::string& tag) {
  auto rs = c_.Query(StatementsFor(kind).list, {tag});
  if (!rs.ok()) return rs.status();
  std::vector<SingleTagRow> out;
  for (const Row& row : rs->rows) {
    SingleTagRow r;
    if (kind == SingleTagKind::kGlobalParameter) {
      r.name = row.StringOr(0);
      r.tag = row.StringOr(1);
      r.text = row.StringOr(2);
    } else {
      auto code = row.Int64(0);
      if (!code.ok()) return code.status();
      r.key = {static_cast<uint32_t>(*code), row.StringOr(1)};
      r.tag = row.StringOr(2);
      r.text = row.StringOr(3);
    }
    out.push_back(std::move(r));
  }
  return out;
}

absl::Status ConfigTables::PutSingleTagRow(SingleTagKind kind, const SingleTagRow& row) {
  const Statement& put = StatementsFor(kind).put;
  if (kind == SingleTagKind::kGlobalParameter) {
    return c_.Execute(put, {row.name, row.tag, row.text}).status();
  }
  return c_.Execute(put, {row.key.first, row.key.second, row.tag, row.text}).status();
}

absl::StatusOr<uint64_t> ConfigTables::DeleteSingleTagRow(SingleTagKind kind,
                                                          const SingleTagRow& key) {
  const Statement& del = StatementsFor(kind).del;
  if (kind == SingleTagKind::kGlobalParameter) return c_.Execute(del, {key.name, key.tag});
  return c_.Execute(del, {key.key.first, key.key.second, key.tag});
}

absl::StatusOr<std::map<std::string, TagSet>> ConfigTables::AllTags(SharedKind kind) {
  auto rs = c_.Query(StatementsFor(kind).all);
  if (!rs.ok()) return rs.status();
  std::map<std::string, TagSet> out;
  for (const Row& row : rs->rows) out[row.StringOr(0)].insert(row.StringOr(1));
  return out;
}

absl::StatusOr<TagSet> ConfigTables::TagsOf(SharedKind kind, const std::string& key) {
  auto param = KeyParam(kind, key);
  if (!param.ok()) return param.status();
  auto rs = c_.Query(StatementsFor(kind).of, {*param});
  if (!rs.ok()) return rs.status();
  TagSet out;
  for (const Row& row : rs->rows) out.insert(row.StringOr(0));
  return out;
}

absl::Status ConfigTables::SetTags(SharedKind kind, const std::string& key, const TagSet& tags,
                                   const TagSet* current) {
  auto param = KeyParam(kind, key);
  if (!param.ok()) return param.status();
  absl::StatusOr<TagSet> have = current != nullptr ? *current : TagsOf(kind, key);
  if (!have.ok()) return have.status();
  const TagStatements& s = StatementsFor(kind);
  for (const std::string& tag : *have) {
    if (tags.contains(tag)) continue;
    if (auto r = c_.Execute(s.remove, {*param, tag}); !r.ok()) return r.status();
  }
  for (const std::string& tag : tags) {
    if (have->contains(tag)) continue;
    if (auto r = c_.Execute(s.add, {*param, tag}); !r.ok()) return r.status();
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<SubnetRow>> ConfigTables::SubnetById(uint32_t id) {
  auto rs = c_.Query(kSubnetById, {id});
  if (!rs.ok()) return rs.status();
  auto rows = SubnetRows(*rs);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::nullopt;
  auto tags = TagsOf(SharedKind::kSubnet, absl::StrCat((*rows)[0].subnet.id));
  if (!tags.ok()) return tags.status();
  (*rows)[0].tags = std::move(*tags);
  return std::move((*rows)[0]);
}

absl::StatusOr<std::optional<SubnetRow>> ConfigTables::SubnetByPrefix(const std::string& prefix) {
  auto rs = c_.Query(kSubnetByPrefix, {prefix});
  if (!rs.ok()) return rs.status();
  auto rows = SubnetRows(*rs);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::nullopt;
  return SubnetById((*rows)[0].subnet.id);
}

absl::StatusOr<std::vector<SubnetRow>> ConfigTables::Subnets(bool with_definitions) {
  auto rs = c_.Query(with_definitions ? kSubnetsFull : kSubnetsBrief);
  if (!rs.ok()) return rs.status();
  auto rows = SubnetRows(*rs);
  if (!rows.ok()) return rows.status();
  auto tags = AllTags(SharedKind::kSubnet);
  if (!tags.ok()) return tags.status();
  for (SubnetRow& row : *rows) {
    if (auto it = tags->find(absl::StrCat(row.subnet.id)); it != tags->end()) {
      row.tags = std::move(it->second);
    }
  }
  return rows;
}

absl::StatusOr<std::vector<SubnetRow>> ConfigTables::SubnetsOfNetwork(const std::string& network) {
  auto rs = c_.Query(kSubnetsOfNetwork, {network});
  if (!rs.ok()) return rs.status();
  auto rows = SubnetRows(*rs);
  if (!rows.ok()) return rows.status();
  for (SubnetRow& row : *rows) {
    auto tags = TagsOf(SharedKind::kSubnet, absl::StrCat(row.subnet.id));
    if (!tags.ok()) return tags.status();
    row.tags = std::move(*tags);
  }
  return rows;
}

absl::StatusOr<std::vector<SubnetRow>> ConfigTables::SubnetsOverlapping(uint32_t first,
                                                                         uint32_t last,
                                                                         uint32_t except_id) {
  std::vector<Param> params;
  for (int host_bits = 0; host_bits <= 32; ++host_bits) {
    uint32_t mask = host_bits == 32 ? 0 : ~uint32_t{0} << host_bits;
    params.emplace_back(static_cast<int64_t>(first & mask));
  }
  params.emplace_back(static_cast<int64_t>(first));
  params.emplace_back(static_cast<int64_t>(last));
  auto rs = c_.Query(kSubnetsOverlapping, params);
  if (!rs.ok()) return rs.status();
  auto rows = SubnetRows(*rs);
  if (!rows.ok()) return rows.status();
  std::map<uint32_t, SubnetRow> found;
  for (SubnetRow& row : *rows) {
    if (row.subnet.id != except_id) found.emplace(row.subnet.id, std::move(row));
  }
  std::vector<SubnetRow> out;
  for (auto& [id, row] : found) {
    std::optional<dhcp::Ipv4Prefix> p = dhcp::Ipv4Prefix::Parse(row.subnet.prefix);
    if (!p) continue;
    uint32_t row_first = p->address.value();
    uint32_t row_last = row_first | ~p->Mask();
    if (row_first > last || row_last < first) continue;
    auto tags = TagsOf(SharedKind::kSubnet, absl::StrCat(id));
    if (!tags.ok()) return tags.status();
    row.tags = std::move(*tags);
    out.push_back(std::move(row));
  }
  return out;
}

absl::StatusOr<uint32_t> ConfigTables::NextSubnetId() {
  auto rs = c_.Query(kNextSubnetId);
  if (!rs.ok()) return rs.status();
  if (rs->rows.empty()) return 1;
  auto id = SubnetId(rs->rows[0], 0);
  if (!id.ok()) {
    return absl::ResourceExhaustedError(
        "no subnet id left to allocate; give the subnet an id of your choice");
  }
  return *id;
}

absl::Status ConfigTables::PutSubnet(const StoredSubnet& subnet, bool exists) {
  Param network = Param::TextOrNull(subnet.shared_network);
  if (exists) {
    return c_.Execute(kUpdateSubnet, {subnet.prefix, network, subnet.definition, subnet.id})
        .status();
  }
  return c_.Execute(kInsertSubnet, {subnet.id, subnet.prefix, network, subnet.definition})
      .status();
}

absl::Status ConfigTables::InsertSubnets(const std::vector<StoredSubnet>& subnets,
                                         const TagSet& tags) {
  constexpr size_t kRowsPerStatement = 250;
  for (size_t begin = 0; begin < subnets.size(); begin += kRowsPerStatement) {
    const size_t end = std::min(subnets.size(), begin + kRowsPerStatement);
    std::string rows;
    std::string tag_rows;
    std::vector<Param> params;
    std::vector<Param> tag_params;
    for (size_t i = begin; i < end; ++i) {
      const StoredSubnet& subnet = subnets[i];
      absl::StrAppend(&rows, i == begin ? "" : ", ", "(?, ?, ?, ?)");
      params.insert(params.end(), {subnet.id, subnet.prefix,
                                   Param::TextOrNull(subnet.shared_network), subnet.definition});
      for (const std::string& tag : tags) {
        absl::StrAppend(&tag_rows, tag_rows.empty() ? "" : ", ", "(?, ?)");
        tag_params.insert(tag_params.end(), {subnet.id, tag});
      }
    }
    const std::string insert = absl::StrCat(
        "INSERT INTO config4_subnet (subnet_id, prefix, shared_network, definition) VALUES ",
        rows);
    if (auto r = c_.Execute(db::Statement(insert), params); !r.ok()) return r.status();
    if (tag_rows.empty()) continue;
    const std::string bind = absl::StrCat(
        "INSERT INTO config4_subnet_server (subnet_id, server_tag) VALUES ", tag_rows);
    if (auto r = c_.Execute(db::Statement(bind), tag_params); !r.ok()) return r.status();
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> ConfigTables::DeleteSubnet(uint32_t id) {
  if (auto r = c_.Execute(kDeleteSubnetTags, {id}); !r.ok()) return r.status();
  return c_.Execute(kDeleteSubnet, {id});
}

absl::StatusOr<std::optional<NetworkRow>> ConfigTables::Network(const std::string& name) {
  auto rs = c_.Query(kNetwork, {name});
  if (!rs.ok()) return rs.status();
  if (rs->rows.empty()) return std::nullopt;
  auto tags = TagsOf(SharedKind::kSharedNetwork, name);
  if (!tags.ok()) return tags.status();
  return NetworkRow{rs->rows[0].StringOr(0), rs->rows[0].StringOr(1), std::move(*tags)};
}

absl::StatusOr<std::vector<NetworkRow>> ConfigTables::Networks() {
  auto rs = c_.Query(kNetworks);
  if (!rs.ok()) return rs.status();
  auto tags = AllTags(SharedKind::kSharedNetwork);
  if (!tags.ok()) return tags.status();
  std::vector<NetworkRow> out;
  for (const Row& row : rs->rows) {
    NetworkRow n{row.StringOr(0), row.StringOr(1), {}};
    if (auto it = tags->find(n.name); it != tags->end()) n.tags = it->second;
    out.push_back(std::move(n));
  }
  return out;
}

absl::Status ConfigTables::PutNetwork(const std::string& name, const std::string& definition,
                                      bool exists) {
  if (exists) return c_.Execute(kUpdateNetwork, {definition, name}).status();
  return c_.Execute(kInsertNetwork, {name, definition}).status();
}

absl::StatusOr<uint64_t> ConfigTables::DeleteNetwork(const std::string& name) {
  if (auto r = c_.Execute(kDeleteNetworkTags, {name}); !r.ok()) return r.status();
  return c_.Execute(kDeleteNetwork, {name});
}

absl::Status ConfigTables::DetachSubnets(const std::string& network) {
  return c_.Execute(kDetachSubnets, {network}).status();
}

absl::StatusOr<std::vector<RevisionRecord>> ConfigTables::History(uint64_t before,
                                                                  uint32_t limit) {
  auto rs = c_.Query(kHistory, {static_cast<int64_t>(std::min<uint64_t>(before, INT64_MAX)),
                                static_cast<int64_t>(limit)});
  if (!rs.ok()) return rs.status();
  std::vector<RevisionRecord> out;
  std::map<uint64_t, size_t> index;
  for (const Row& row : rs->rows) {
    auto revision = row.Int64(0);
    if (!revision.ok()) return revision.status();
    index[*revision] = out.size();
    out.push_back({static_cast<uint64_t>(*revision), row.StringOr(1), row.StringOr(2),
                   row.StringOr(3), {}});
  }
  if (out.empty()) return out;
  auto changes = c_.Query(kHistoryChanges, {static_cast<int64_t>(out.back().revision),
                                            static_cast<int64_t>(out.front().revision)});
  if (!changes.ok()) return changes.status();
  for (const Row& row : changes->rows) {
    auto revision = row.Int64(0);
    if (!revision.ok()) return revision.status();
    auto it = index.find(*revision);
    if (it == index.end()) continue;
    out[it->second].changes.push_back({row.StringOr(1), row.StringOr(2), row.StringOr(3)});
  }
  return out;
}

absl::StatusOr<std::vector<ClassRow>> ConfigTables::Classes() {
  auto rs = c_.Query(kClasses);
  if (!rs.ok()) return rs.status();
  auto tags = AllTags(SharedKind::kClientClass);
  if (!tags.ok()) return tags.status();
  std::vector<ClassRow> out;
  for (const Row& row : rs->rows) {
    auto position = row.Int64(1);
    if (!position.ok()) return position.status();
    ClassRow c{StoredClientClass{row.StringOr(0), *position, row.StringOr(2)}, {}};
    if (auto it = tags->find(c.client_class.name); it != tags->end()) c.tags = it->second;
    out.push_back(std::move(c));
  }
  return out;
}

absl::Status ConfigTables::PutClass(const StoredClientClass& client_class, bool exists) {
  if (exists) {
    return c_
        .Execute(kUpdateClass,
                 {client_class.position, client_class.definition, client_class.name})
        .status();
  }
  return c_
      .Execute(kInsertClass, {client_class.name, client_class.position, client_class.definition})
      .status();
}

absl::Status ConfigTables::ShiftClassesFrom(int64_t position) {
  return c_.Execute(kShiftClasses, {position}).status();
}

absl::StatusOr<uint64_t> ConfigTables::DeleteClass(const std::string& name) {
  if (auto r = c_.Execute(kDeleteClassTags, {name}); !r.ok()) return r.status();
  return c_.Execute(kDeleteClass, {name});
}

}  // namespace shoal::config_backend
