#include "lease_backend/sql_lease_codec.h"

#include <algorithm>
#include <deque>
#include <string>

#include "absl/strings/str_cat.h"

namespace shoal::lease_backend::sql {
namespace {

// Every SELECT returns these columns, in this order (DecodeRow).
#define SHOAL_LEASE4_COLUMNS_MY                                                     \
  "address, hwaddr, client_id, valid_lifetime, UNIX_TIMESTAMP(expire), subnet_id, " \
  "fqdn_fwd, fqdn_rev, hostname, state, user_context"
#define SHOAL_LEASE4_COLUMNS_PG                                                              \
  "address, hwaddr, client_id, valid_lifetime, CAST(EXTRACT(EPOCH FROM expire) AS BIGINT), " \
  "subnet_id, fqdn_fwd, fqdn_rev, hostname, state, user_context"
#define SHOAL_SELECT_MY "SELECT " SHOAL_LEASE4_COLUMNS_MY " FROM lease4 "
#define SHOAL_SELECT_PG "SELECT " SHOAL_LEASE4_COLUMNS_PG " FROM lease4 "

constexpr int64_t kMySqlMinTimestamp = 1;           // 1970-01-01 00:00:01 UTC
constexpr int64_t kMySqlMaxTimestamp = 2147483647;  // 2038-01-19 03:14:07 UTC

}  // namespace

const db::Statement kInsert(
    "INSERT INTO lease4 (address, hwaddr, client_id, valid_lifetime, expire, subnet_id, "
    "fqdn_fwd, fqdn_rev, hostname, state, user_context) "
    "VALUES (?, ?, ?, ?, FROM_UNIXTIME(?), ?, ?, ?, ?, ?, ?)",
    "INSERT INTO lease4 (address, hwaddr, client_id, valid_lifetime, expire, subnet_id, "
    "fqdn_fwd, fqdn_rev, hostname, state, user_context) "
    "VALUES (?, ?, ?, ?, to_timestamp(?), ?, ?, ?, ?, ?, ?) ON CONFLICT (address) DO NOTHING");

namespace {

// A statement whose texts are built at run time, owned with it. Built once
// per program and never moved (std::deque keeps elements in place), so the
// statement's views of its own strings stay valid.
struct BuiltStatement {
  BuiltStatement(std::string my, std::string pg)
      : mysql(std::move(my)), postgresql(std::move(pg)), statement(mysql, postgresql) {}
  BuiltStatement(const BuiltStatement&) = delete;
  BuiltStatement& operator=(const BuiltStatement&) = delete;
  const std::string mysql;
  const std::string postgresql;
  const db::Statement statement;
};

// `count` statements, statement i built by make(i).
using BuiltStatements = std::deque<BuiltStatement>;

template <typename Make>
const BuiltStatements& BuildAll(size_t count, Make make) {
  auto* all = new BuiltStatements();  // lives as long as the program
  for (size_t i = 0; i < count; ++i) make(i, *all);
  return *all;
}

// `n` copies of `group`, comma-separated.
std::string Repeat(size_t n, const char* group) {
  std::string out;
  for (size_t i = 0; i < n; ++i) absl::StrAppend(&out, i == 0 ? "" : ", ", group);
  return out;
}

}  // namespace

const db::Statement& BulkInsert(size_t rows) {
  static const BuiltStatements& kBulk =
      BuildAll(kMaxBulkInsertRows, [](size_t i, BuiltStatements& all) {
        const std::string head =
            "INSERT INTO lease4 (address, hwaddr, client_id, valid_lifetime, expire, subnet_id, "
            "fqdn_fwd, fqdn_rev, hostname, state, user_context) VALUES ";
        all.emplace_back(
            absl::StrCat(head, Repeat(i + 1, "(?, ?, ?, ?, FROM_UNIXTIME(?), ?, ?, ?, ?, ?, ?)")),
            absl::StrCat(head, Repeat(i + 1, "(?, ?, ?, ?, to_timestamp(?), ?, ?, ?, ?, ?, ?)"),
                         " ON CONFLICT (address) DO NOTHING RETURNING address"));
      });
  if (rows == 0 || rows > kMaxBulkInsertRows) return kInsert;  // callers stay in range
  return kBulk[rows - 1].statement;
}

namespace {

// `column` IN (? x keys), one statement per kLookupBatchSizes entry.
const db::Statement& LookupIn(const BuiltStatements& all, size_t keys) {
  for (size_t i = 0; i < std::size(kLookupBatchSizes); ++i) {
    if (kLookupBatchSizes[i] == keys) return all[i].statement;
  }
  return all.back().statement;  // callers pass a batch size
}

// MySQL names the index to use: its sessions estimate an IN list from index
// statistics (DatabaseParams::index_scans_only), and right after lease4 was
// emptied those say the table is empty, so without the hint MariaDB plans a
// table scan per lookup until it recomputes them. PostgreSQL's sessions never
// plan a sequential scan.
const BuiltStatements& BuildLookups(const char* column, const char* mysql_index) {
  return BuildAll(std::size(kLookupBatchSizes), [&](size_t i, BuiltStatements& all) {
    const std::string where =
        absl::StrCat("WHERE ", column, " IN (", Repeat(kLookupBatchSizes[i], "?"), ")");
    all.emplace_back(absl::StrCat(SHOAL_SELECT_MY, "FORCE INDEX (", mysql_index, ") ", where),
                     absl::StrCat(SHOAL_SELECT_PG, where));
  });
}

}  // namespace

const db::Statement& GetByHwAddressIn(size_t keys) {
  static const BuiltStatements& kAll = BuildLookups("hwaddr", "lease4_by_hwaddr_subnet_id");
  return LookupIn(kAll, keys);
}

const db::Statement& GetByClientIdIn(size_t keys) {
  static const BuiltStatements& kAll = BuildLookups("client_id", "lease4_by_client_id_subnet_id");
  return LookupIn(kAll, keys);
}

const db::Statement& GetByAddressIn(size_t keys) {
  static const BuiltStatements& kAll = BuildLookups("address", "PRIMARY");
  return LookupIn(kAll, keys);
}

// Kea's idiom: the row is replaced only if it still has the expire the
// writer read, so a node never overwrites another node's newer lease.
const db::Statement kUpdate(
    "UPDATE lease4 SET hwaddr = ?, client_id = ?, valid_lifetime = ?, "
    "expire = FROM_UNIXTIME(?), subnet_id = ?, fqdn_fwd = ?, fqdn_rev = ?, hostname = ?, "
    "state = ?, user_context = ? WHERE address = ? AND expire = FROM_UNIXTIME(?)",
    "UPDATE lease4 SET hwaddr = ?, client_id = ?, valid_lifetime = ?, "
    "expire = to_timestamp(?), subnet_id = ?, fqdn_fwd = ?, fqdn_rev = ?, hostname = ?, "
    "state = ?, user_context = ? WHERE address = ? AND expire = to_timestamp(?)");

const db::Statement kDelete("DELETE FROM lease4 WHERE address = ? AND expire = FROM_UNIXTIME(?)",
                            "DELETE FROM lease4 WHERE address = ? AND expire = to_timestamp(?)");

const db::Statement kExists("SELECT 1 FROM lease4 WHERE address = ?");

const db::Statement kGet(SHOAL_SELECT_MY "WHERE address = ?", SHOAL_SELECT_PG "WHERE address = ?");
// Exact match, as memfile does. MySQL: the first comparison uses the index
// (case-insensitive collation), the binary one makes it exact. PostgreSQL's
// index is on lower(hostname) (0002), so the query names that expression.
const db::Statement kGetByHostname(
    SHOAL_SELECT_MY
    "WHERE hostname = ? AND CAST(hostname AS BINARY) = CAST(? AS BINARY) ORDER BY address",
    SHOAL_SELECT_PG "WHERE lower(hostname) = lower(?) AND hostname = ? ORDER BY address");
const db::Statement kGetBySubnet(SHOAL_SELECT_MY "WHERE subnet_id = ? ORDER BY address",
                                 SHOAL_SELECT_PG "WHERE subnet_id = ? ORDER BY address");
const db::Statement kGetAll(SHOAL_SELECT_MY "ORDER BY address", SHOAL_SELECT_PG "ORDER BY address");
const db::Statement kGetPage(SHOAL_SELECT_MY "WHERE address > ? ORDER BY address LIMIT ?",
                             SHOAL_SELECT_PG "WHERE address > ? ORDER BY address LIMIT ?");
const db::Statement kGetRange(
    SHOAL_SELECT_MY "WHERE address BETWEEN ? AND ? ORDER BY address",
    SHOAL_SELECT_PG "WHERE address BETWEEN ? AND ? ORDER BY address");
// Kea's reclamation query: index lease4_by_expire_state; infinite leases
// (expire = cltt) never expire.
const db::Statement kGetExpired(
    SHOAL_SELECT_MY
    "WHERE state <> 2 AND valid_lifetime <> 4294967295 AND expire <= FROM_UNIXTIME(?) "
    "ORDER BY expire, address LIMIT ?",
    SHOAL_SELECT_PG
    "WHERE state <> 2 AND valid_lifetime <> 4294967295 AND expire <= to_timestamp(?) "
    "ORDER BY expire, address LIMIT ?");
// An index-only GROUP BY on lease4_by_subnet_id_state (0003): no counter rows.
const db::Statement kCountBySubnet(
    "SELECT subnet_id, state, COUNT(*) FROM lease4 WHERE state IN (0, 1) "
    "GROUP BY subnet_id, state ORDER BY subnet_id, state");

const db::Statement kDeleteReclaimedBefore(
    "DELETE FROM lease4 WHERE state = 2 AND expire < FROM_UNIXTIME(?)",
    "DELETE FROM lease4 WHERE state = 2 AND expire < to_timestamp(?)");
const db::Statement kWipeSubnet("DELETE FROM lease4 WHERE subnet_id = ?");
const db::Statement kWipeAll("DELETE FROM lease4");

absl::Status ValidateLease(const Lease4& l, db::Dialect dialect) {
  auto bad = [&](std::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat("lease ", l.address.ToString(), ": ",
                                                   absl::string_view(what.data(), what.size())));
  };
  if (l.hwaddr.size() > 20) {
    return bad(absl::StrCat("hw-address has ", l.hwaddr.size(), " bytes, at most 20 fit lease4"));
  }
  if (l.client_id.size() > 128) {
    return bad(
        absl::StrCat("client-id has ", l.client_id.size(), " bytes, at most 128 fit lease4"));
  }
  if (l.hostname.size() > 255) {
    return bad(absl::StrCat("hostname has ", l.hostname.size(), " bytes, at most 255 fit lease4"));
  }
  if (l.user_context.size() > 65535) {
    return bad(absl::StrCat("user-context has ", l.user_context.size(),
                            " bytes, at most 65535 fit lease4"));
  }
  if (static_cast<int>(l.state) > 2) {
    return bad(absl::StrCat("state ", static_cast<int>(l.state), " is not 0, 1 or 2"));
  }
  int64_t expire = l.expire();
  if (dialect == db::Dialect::kMySql &&
      (expire < kMySqlMinTimestamp || expire > kMySqlMaxTimestamp)) {
    return bad(absl::StrCat("expire time ", expire,
                            " (cltt + valid-lifetime) is outside what a MySQL TIMESTAMP holds (",
                            kMySqlMinTimestamp, " .. ", kMySqlMaxTimestamp, ")"));
  }
  if (expire < 0) return bad(absl::StrCat("expire time ", expire, " is before 1970"));
  return absl::OkStatus();
}

namespace {

// hwaddr .. user_context, in kInsert's column order.
void AppendColumns(const Lease4& l, std::vector<db::Param>& p) {
  p.emplace_back(l.hwaddr);
  p.push_back(db::Param::BytesOrNull(l.client_id));
  p.emplace_back(l.valid_lifetime);
  p.emplace_back(l.expire());
  p.emplace_back(l.subnet_id);
  p.emplace_back(l.fqdn_fwd);
  p.emplace_back(l.fqdn_rev);
  p.emplace_back(l.hostname);
  p.emplace_back(static_cast<int64_t>(l.state));
  p.push_back(db::Param::TextOrNull(l.user_context));
}

}  // namespace

std::vector<db::Param> InsertParams(const Lease4& l) {
  std::vector<db::Param> p;
  p.reserve(11);
  p.emplace_back(int64_t{l.address.value()});
  AppendColumns(l, p);
  return p;
}

std::vector<db::Param> UpdateParams(const Lease4& l, int64_t expected_expire, db::Dialect dialect) {
  std::vector<db::Param> p;
  p.reserve(12);
  AppendColumns(l, p);
  p.emplace_back(int64_t{l.address.value()});
  p.emplace_back(TimeParam(expected_expire, dialect));
  return p;
}

int64_t TimeParam(int64_t t, db::Dialect dialect) {
  if (dialect == db::Dialect::kMySql) return std::clamp<int64_t>(t, 0, kMySqlMaxTimestamp);
  // to_timestamp() takes a double; keep well inside PostgreSQL's range.
  return std::clamp<int64_t>(t, -210866803200, 9224318015999);
}

absl::StatusOr<Lease4> DecodeRow(const db::Row& row) {
  Lease4 l;
  auto address = row.Int64(0);
  if (!address.ok() || *address < 0 || *address > 0xffffffffLL) {
    return absl::InvalidArgumentError(
        absl::StrCat("lease4 row with bad address '", row.StringOr(0, "NULL"), "'"));
  }
  l.address = dhcp::Ipv4Address(static_cast<uint32_t>(*address));
  auto valid = row.Int64Or(3, 0);
  auto expire = row.Int64Or(4, 0);
  auto subnet = row.Int64Or(5, 0);
  auto fwd = row.Int64Or(6, 0);
  auto rev = row.Int64Or(7, 0);
  auto state = row.Int64Or(9, 0);  // booleans read as 0/1 or t/f
  auto where = [&] { return absl::StrCat("lease4 row for ", l.address.ToString(), ": "); };
  for (const auto* v : {&valid, &expire, &subnet, &fwd, &rev, &state}) {
    if (!v->ok()) return absl::InvalidArgumentError(absl::StrCat(where(), v->status().message()));
  }
  if (*valid < 0 || *valid > 0xffffffffLL || *subnet < 0 || *subnet > 0xffffffffLL || *state < 0 ||
      *state > 2) {
    return absl::InvalidArgumentError(
        absl::StrCat(where(), "valid_lifetime, subnet_id or state out of range"));
  }
  l.hwaddr = row.BytesOrEmpty(1);
  l.client_id = row.BytesOrEmpty(2);
  l.valid_lifetime = static_cast<uint32_t>(*valid);
  l.cltt = l.valid_lifetime == Lease4::kInfinite ? *expire : *expire - *valid;
  l.subnet_id = static_cast<uint32_t>(*subnet);
  l.fqdn_fwd = *fwd != 0;
  l.fqdn_rev = *rev != 0;
  l.hostname = row.StringOr(8);
  l.state = static_cast<LeaseState>(*state);
  l.user_context = row.StringOr(10);
  return l;
}

absl::StatusOr<std::vector<Lease4>> DecodeRows(const db::ResultSet& result) {
  std::vector<Lease4> leases;
  leases.reserve(result.rows.size());
  for (const db::Row& row : result.rows) {
    auto lease = DecodeRow(row);
    if (!lease.ok()) return lease.status();
    leases.push_back(*std::move(lease));
  }
  return leases;
}

}  // namespace shoal::lease_backend::sql
