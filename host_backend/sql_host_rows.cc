#include "host_backend/sql_host_rows.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace shoal::host_backend {
namespace {

using db::Param;
using db::Row;
using db::Statement;

constexpr const char* kHostColumns =
    "SELECT host_id, dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, ipv4_address, "
    "hostname, dhcp4_client_classes, dhcp4_next_server, dhcp4_server_hostname, "
    "dhcp4_boot_file_name FROM hosts WHERE dhcp4_subnet_id IS NOT NULL";
constexpr const char* kOptionColumns =
    "SELECT host_id, code, value, formatted_value, space, persistent FROM dhcp4_options "
    "WHERE scope_id = 3 AND host_id IS NOT NULL";

const Statement kHead("SELECT revision, pruned_through FROM hosts4_head WHERE id = 1");
const Statement kChanged(
    "SELECT DISTINCT host_id FROM hosts4_change WHERE revision > ? AND revision <= ?");
const Statement kPrunable(
    "SELECT MAX(revision) FROM hosts4_change WHERE committed_at < FROM_UNIXTIME(?)",
    "SELECT MAX(revision) FROM hosts4_change WHERE committed_at < to_timestamp(?)");
const Statement kPrune("DELETE FROM hosts4_change WHERE revision <= ?");
const Statement kMarkPruned(
    "UPDATE hosts4_head SET pruned_through = GREATEST(pruned_through, ?) WHERE id = 1");

// Hosts are re-read this many ids per statement.
constexpr size_t kIdsPerStatement = 100;

absl::Status BadRow(uint64_t host_id, const std::string& what) {
  return absl::DataLossError(absl::StrCat("hosts row ", host_id, ": ", what));
}

absl::StatusOr<StoredHost> HostFromRow(const Row& row) {
  auto id = row.Int64(0);
  if (!id.ok()) return id.status();
  StoredHost host;
  host.host_id = static_cast<uint64_t>(*id);
  config::Reservation& r = host.reservation;
  r.identifier = row.BytesOrEmpty(1);
  if (r.identifier.empty()) return BadRow(host.host_id, "dhcp_identifier is empty");
  auto type_code = row.Int64(2);
  if (!type_code.ok()) return type_code.status();
  std::optional<config::IdentifierType> type = IdentifierTypeFromCode(*type_code);
  if (!type) {
    return BadRow(host.host_id, absl::StrCat("dhcp_identifier_type ", *type_code,
                                             " is not 0-4 (hw-address, duid, circuit-id, "
                                             "client-id, flex-id)"));
  }
  r.identifier_type = *type;
  auto subnet = row.Int64(3);
  if (!subnet.ok()) return subnet.status();
  if (*subnet < 0 || *subnet > 0xffffffffLL) {
    return BadRow(host.host_id, absl::StrCat("dhcp4_subnet_id ", *subnet, " is out of range"));
  }
  r.subnet_id = static_cast<uint32_t>(*subnet);
  if (!row.IsNull(4)) {
    auto address = row.Int64(4);
    if (!address.ok()) return address.status();
    if (*address <= 0 || *address > 0xffffffffLL) {
      return BadRow(host.host_id, absl::StrCat("ipv4_address ", *address,
                                               " is not an IPv4 address as an integer"));
    }
    r.address = dhcp::Ipv4Address(static_cast<uint32_t>(*address));
  }
  r.hostname = row.StringOr(5);
  for (absl::string_view name : absl::StrSplit(row.StringOr(6), ',', absl::SkipWhitespace())) {
    r.client_classes.emplace_back(absl::StripAsciiWhitespace(name));
  }
  if (!row.IsNull(7)) {
    auto next = row.Int64(7);
    if (!next.ok()) return next.status();
    if (*next < 0 || *next > 0xffffffffLL) {
      return BadRow(host.host_id, absl::StrCat("dhcp4_next_server ", *next, " is out of range"));
    }
    r.next_server = dhcp::Ipv4Address(static_cast<uint32_t>(*next));
  }
  r.server_hostname = row.StringOr(8);
  r.boot_file_name = row.StringOr(9);
  return host;
}

absl::StatusOr<std::pair<uint64_t, StoredHostOption>> OptionFromRow(const Row& row) {
  auto host = row.Int64(0);
  if (!host.ok()) return host.status();
  auto code = row.Int64(1);
  if (!code.ok()) return code.status();
  if (*code < 0 || *code > 255) {
    return BadRow(static_cast<uint64_t>(*host),
                  absl::StrCat("option code ", *code, " is not a DHCPv4 option code (0-255)"));
  }
  StoredHostOption option;
  option.code = static_cast<uint16_t>(*code);
  option.value = row.BytesOrEmpty(2);
  option.formatted_value = row.StringOr(3);
  option.space = row.StringOr(4, "dhcp4");
  if (option.space.empty()) option.space = "dhcp4";
  auto persistent = row.IsNull(5) ? absl::StatusOr<bool>(false) : row.Bool(5);
  if (!persistent.ok()) return persistent.status();
  option.persistent = *persistent;
  return std::pair{static_cast<uint64_t>(*host), std::move(option)};
}

// Reads hosts and their options with `where` ("" or " AND host_id IN (...)").
absl::StatusOr<std::vector<StoredHost>> ReadWhere(db::Connection& c, const std::string& where,
                                                  const std::vector<Param>& params,
                                                  HostProblems* problems) {
  const std::string host_sql = absl::StrCat(kHostColumns, where);
  auto hosts = c.Query(Statement(host_sql), params);
  if (!hosts.ok()) return hosts.status();
  std::vector<StoredHost> out;
  std::map<uint64_t, size_t> index;
  for (const Row& row : hosts->rows) {
    auto host = HostFromRow(row);
    if (!host.ok()) {
      (*problems)[static_cast<uint64_t>(row.Int64Or(0, 0).value_or(0))] = std::string(host.status().message());
      continue;
    }
    index[host->host_id] = out.size();
    out.push_back(std::move(*host));
  }
  if (out.empty()) return out;
  const std::string option_sql = absl::StrCat(kOptionColumns, where, " ORDER BY option_id");
  auto options = c.Query(Statement(option_sql), params);
  if (!options.ok()) return options.status();
  std::set<uint64_t> bad;
  for (const Row& row : options->rows) {
    auto option = OptionFromRow(row);
    if (!option.ok()) {
      const auto id = static_cast<uint64_t>(row.Int64Or(0, 0).value_or(0));
      (*problems)[id] = std::string(option.status().message());
      bad.insert(id);
      continue;
    }
    auto it = index.find(option->first);
    if (it != index.end()) out[it->second].options.push_back(std::move(option->second));
  }
  // A host with an unreadable option is left out whole: served without it,
  // the client would get a different answer than the operator wrote.
  if (!bad.empty()) {
    std::erase_if(out, [&](const StoredHost& h) { return bad.contains(h.host_id); });
  }
  return out;
}

}  // namespace

std::optional<config::IdentifierType> IdentifierTypeFromCode(int64_t code) {
  switch (code) {
    case 0:
      return config::IdentifierType::kHwAddress;
    case 1:
      return config::IdentifierType::kDuid;
    case 2:
      return config::IdentifierType::kCircuitId;
    case 3:
      return config::IdentifierType::kClientId;
    case 4:
      return config::IdentifierType::kFlexId;
    default:
      return std::nullopt;
  }
}

int IdentifierTypeCode(config::IdentifierType type) {
  switch (type) {
    case config::IdentifierType::kHwAddress:
      return 0;
    case config::IdentifierType::kDuid:
      return 1;
    case config::IdentifierType::kCircuitId:
      return 2;
    case config::IdentifierType::kClientId:
      return 3;
    case config::IdentifierType::kFlexId:
      break;
  }
  return 4;
}

absl::StatusOr<HostsHead> ReadHostsHead(db::Connection& c) {
  auto rs = c.Query(kHead);
  if (!rs.ok()) return rs.status();
  if (rs->rows.empty()) {
    return absl::FailedPreconditionError(
        "hosts4_head has no row: the hosts schema is damaged; recreate it with shoal-admin "
        "db-init");
  }
  auto revision = rs->rows[0].Int64(0);
  if (!revision.ok()) return revision.status();
  auto pruned = rs->rows[0].Int64(1);
  if (!pruned.ok()) return pruned.status();
  return HostsHead{static_cast<uint64_t>(*revision), static_cast<uint64_t>(*pruned)};
}

absl::StatusOr<std::vector<StoredHost>> ReadAllHosts(db::Connection& c,
                                                     HostProblems* problems) {
  return ReadWhere(c, "", {}, problems);
}

absl::StatusOr<std::vector<StoredHost>> ReadHosts(db::Connection& c,
                                                  std::span<const uint64_t> ids,
                                                  HostProblems* problems) {
  std::vector<StoredHost> out;
  for (size_t begin = 0; begin < ids.size(); begin += kIdsPerStatement) {
    const size_t end = std::min(ids.size(), begin + kIdsPerStatement);
    std::string where = " AND host_id IN (";
    std::vector<Param> params;
    for (size_t i = begin; i < end; ++i) {
      absl::StrAppend(&where, i == begin ? "?" : ", ?");
      params.emplace_back(static_cast<int64_t>(ids[i]));
    }
    where += ")";
    auto some = ReadWhere(c, where, params, problems);
    if (!some.ok()) return some.status();
    for (StoredHost& h : *some) out.push_back(std::move(h));
  }
  return out;
}

absl::StatusOr<std::vector<uint64_t>> ReadChangedHosts(db::Connection& c, uint64_t after,
                                                       uint64_t through) {
  auto rs = c.Query(kChanged, {static_cast<int64_t>(after), static_cast<int64_t>(through)});
  if (!rs.ok()) return rs.status();
  std::vector<uint64_t> ids;
  for (const Row& row : rs->rows) {
    auto id = row.Int64(0);
    if (!id.ok()) return id.status();
    ids.push_back(static_cast<uint64_t>(*id));
  }
  return ids;
}

absl::StatusOr<uint64_t> PruneHostChanges(db::Connection& c, int64_t retention_seconds) {
  const int64_t cutoff = absl::ToUnixSeconds(absl::Now()) - retention_seconds;
  auto rs = c.Query(kPrunable, {cutoff});
  if (!rs.ok()) return rs.status();
  if (rs->rows.empty() || rs->rows[0].IsNull(0)) return 0;
  auto through = rs->rows[0].Int64(0);
  if (!through.ok()) return through.status();
  // The mark and the removal commit together: a node never finds rows
  // missing that pruned_through does not announce.
  if (absl::Status s = c.Begin(); !s.ok()) return s;
  auto removed = c.Execute(kPrune, {*through});
  absl::Status marked =
      removed.ok() ? c.Execute(kMarkPruned, {*through}).status() : removed.status();
  if (!marked.ok()) {
    (void)c.Rollback();
    return marked;
  }
  if (absl::Status s = c.Commit(); !s.ok()) return s;
  return *removed;
}

}  // namespace shoal::host_backend
