#include "admin/lease_sql.h"

#include "absl/strings/str_cat.h"

namespace shoal::admin {
namespace {

using lease_backend::Lease4;
using lease_backend::LeaseState;

const db::Statement kSelectAll(
    "SELECT address, hwaddr, client_id, valid_lifetime, UNIX_TIMESTAMP(expire), subnet_id, "
    "fqdn_fwd, fqdn_rev, hostname, state, user_context FROM lease4 ORDER BY address",
    "SELECT address, hwaddr, client_id, valid_lifetime, "
    "CAST(EXTRACT(EPOCH FROM expire) AS BIGINT), subnet_id, fqdn_fwd, fqdn_rev, hostname, state, "
    "user_context FROM lease4 ORDER BY address");

const db::Statement kInsert(
    "INSERT INTO lease4 (address, hwaddr, client_id, valid_lifetime, expire, subnet_id, "
    "fqdn_fwd, fqdn_rev, hostname, state, user_context) "
    "VALUES (?, ?, ?, ?, FROM_UNIXTIME(?), ?, ?, ?, ?, ?, ?)",
    "INSERT INTO lease4 (address, hwaddr, client_id, valid_lifetime, expire, subnet_id, "
    "fqdn_fwd, fqdn_rev, hostname, state, user_context) "
    "VALUES (?, ?, ?, ?, to_timestamp(?), ?, ?, ?, ?, ?, ?)");

absl::StatusOr<Lease4> FromRow(const db::Row& row) {
  Lease4 l;
  auto address = row.Int64(0);
  if (!address.ok() || *address < 0 || *address > 0xffffffffLL) {
    return absl::InvalidArgumentError(
        absl::StrCat("lease4 row with bad address '", row.StringOr(0, "NULL"), "'"));
  }
  l.address = dhcp::Ipv4Address(static_cast<uint32_t>(*address));
  std::string where = absl::StrCat("lease4 row for ", l.address.ToString(), ": ");
  l.hwaddr = row.BytesOrEmpty(1);
  l.client_id = row.BytesOrEmpty(2);
  auto valid = row.Int64Or(3, 0);
  auto expire = row.Int64Or(4, 0);
  auto subnet = row.Int64Or(5, 0);
  auto fwd = row.Int64Or(6, 0);
  auto rev = row.Int64Or(7, 0);
  auto state = row.Int64Or(9, 0);
  for (const auto* v : {&valid, &expire, &subnet, &fwd, &rev, &state}) {
    if (!v->ok()) return absl::InvalidArgumentError(absl::StrCat(where, v->status().message()));
  }
  if (*valid < 0 || *valid > 0xffffffffLL || *subnet < 0 || *subnet > 0xffffffffLL || *state < 0 ||
      *state > 2) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, "valid_lifetime, subnet_id or state out of range"));
  }
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

}  // namespace

absl::StatusOr<std::vector<Lease4>> DumpLeases(db::Connection& connection) {
  auto result = connection.Query(kSelectAll);
  if (!result.ok()) return result.status();
  std::vector<Lease4> leases;
  leases.reserve(result->rows.size());
  for (const db::Row& row : result->rows) {
    auto lease = FromRow(row);
    if (!lease.ok()) return lease.status();
    leases.push_back(*std::move(lease));
  }
  return leases;
}

absl::Status UploadLeases(db::Connection& connection, const std::vector<Lease4>& leases) {
  db::Transaction txn(connection);
  if (!txn.status().ok()) return txn.status();
  for (const Lease4& l : leases) {
    absl::StatusOr<uint64_t> r = connection.Execute(
        kInsert,
        {int64_t{l.address.value()}, db::Param(l.hwaddr), db::Param::BytesOrNull(l.client_id),
         l.valid_lifetime, l.expire(), l.subnet_id, l.fqdn_fwd, l.fqdn_rev, l.hostname,
         static_cast<int64_t>(l.state), db::Param::TextOrNull(l.user_context)});
    if (!r.ok()) {
      std::string what = absl::StrCat("lease ", l.address.ToString());
      if (absl::IsAlreadyExists(r.status())) {
        return absl::AlreadyExistsError(
            absl::StrCat(what, " is already in the database; nothing was uploaded (",
                         r.status().message(), ")"));
      }
      return absl::Status(r.status().code(),
                          absl::StrCat(what, ": ", r.status().message(), "; nothing was uploaded"));
    }
  }
  return txn.Commit();
}

}  // namespace shoal::admin
