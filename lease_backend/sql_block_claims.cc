#include "lease_backend/sql_block_claims.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace shoal::lease_backend {
namespace {

// MySQL: the assignments run left to right, so `owner` changes only when
// the old claim expired (or was ours) and `expires` then moves only if the
// row is ours after that; the SELECT tells who holds the block.
// PostgreSQL: the conflict update applies only under the same condition and
// RETURNING yields a row only when the block is ours.
const db::Statement kClaim(
    "INSERT INTO lease4_block_claim (first_address, last_address, subnet_id, owner, expires) "
    "VALUES (?, ?, ?, ?, NOW() + INTERVAL ? SECOND) "
    "ON DUPLICATE KEY UPDATE "
    "last_address = IF(expires < NOW() OR owner = VALUES(owner), VALUES(last_address), "
    "last_address), "
    "subnet_id = IF(expires < NOW() OR owner = VALUES(owner), VALUES(subnet_id), subnet_id), "
    "owner = IF(expires < NOW() OR owner = VALUES(owner), VALUES(owner), owner), "
    "expires = IF(owner = VALUES(owner), VALUES(expires), expires)",
    "INSERT INTO lease4_block_claim (first_address, last_address, subnet_id, owner, expires) "
    "VALUES (?, ?, ?, ?, now() + make_interval(secs => ?)) "
    "ON CONFLICT (first_address) DO UPDATE SET last_address = EXCLUDED.last_address, "
    "subnet_id = EXCLUDED.subnet_id, owner = EXCLUDED.owner, expires = EXCLUDED.expires "
    "WHERE lease4_block_claim.expires < now() OR lease4_block_claim.owner = EXCLUDED.owner "
    "RETURNING owner");
const db::Statement kOwnerOf("SELECT owner FROM lease4_block_claim WHERE first_address = ?");
const db::Statement kRenew(
    "UPDATE lease4_block_claim SET expires = NOW() + INTERVAL ? SECOND WHERE owner = ?",
    "UPDATE lease4_block_claim SET expires = now() + make_interval(secs => ?) WHERE owner = ?");
const db::Statement kOwned("SELECT first_address FROM lease4_block_claim WHERE owner = ?");
const db::Statement kRelease(
    "DELETE FROM lease4_block_claim WHERE first_address = ? AND owner = ?");
const db::Statement kReleaseAll("DELETE FROM lease4_block_claim WHERE owner = ?");

absl::Status BadOwner(std::string_view owner) {
  if (owner.empty() || owner.size() > 128) {
    return absl::InvalidArgumentError(
        absl::StrCat("a block claim owner must be 1 to 128 characters, got ", owner.size()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<bool> SqlBlockClaims::Claim(const AddressBlock& block, std::string_view owner,
                                           int ttl_seconds) {
  if (absl::Status s = BadOwner(owner); !s.ok()) return s;
  auto handle = pool_.Acquire();
  if (!handle.ok()) return handle.status();
  std::vector<db::Param> params = {int64_t{block.first.value()}, int64_t{block.last.value()},
                                   block.subnet_id, std::string(owner), int64_t{ttl_seconds}};
  if ((*handle)->dialect() == db::Dialect::kPostgreSql) {
    auto result = (*handle)->Query(kClaim, params);
    if (!result.ok()) return result.status();
    return !result->rows.empty();
  }
  if (auto n = (*handle)->Execute(kClaim, params); !n.ok()) return n.status();
  auto holder = (*handle)->Query(kOwnerOf, {int64_t{block.first.value()}});
  if (!holder.ok()) return holder.status();
  return !holder->rows.empty() && holder->rows[0].StringOr(0, "") == owner;
}

absl::StatusOr<std::vector<dhcp::Ipv4Address>> SqlBlockClaims::Renew(std::string_view owner,
                                                                     int ttl_seconds) {
  if (absl::Status s = BadOwner(owner); !s.ok()) return s;
  auto handle = pool_.Acquire();
  if (!handle.ok()) return handle.status();
  if (auto n = (*handle)->Execute(kRenew, {int64_t{ttl_seconds}, std::string(owner)}); !n.ok()) {
    return n.status();
  }
  auto owned = (*handle)->Query(kOwned, {std::string(owner)});
  if (!owned.ok()) return owned.status();
  std::vector<dhcp::Ipv4Address> firsts;
  firsts.reserve(owned->rows.size());
  for (const db::Row& row : owned->rows) {
    auto first = row.Int64(0);
    if (!first.ok() || *first < 0 || *first > 0xffffffffLL) {
      return absl::InternalError(absl::StrCat(
          "lease4_block_claim: unexpected first_address '", row.StringOr(0, "NULL"), "'"));
    }
    firsts.push_back(dhcp::Ipv4Address(static_cast<uint32_t>(*first)));
  }
  return firsts;
}

absl::Status SqlBlockClaims::Release(dhcp::Ipv4Address first, std::string_view owner) {
  if (absl::Status s = BadOwner(owner); !s.ok()) return s;
  auto handle = pool_.Acquire();
  if (!handle.ok()) return handle.status();
  return (*handle)->Execute(kRelease, {int64_t{first.value()}, std::string(owner)}).status();
}

absl::Status SqlBlockClaims::ReleaseAll(std::string_view owner) {
  if (absl::Status s = BadOwner(owner); !s.ok()) return s;
  auto handle = pool_.Acquire();
  if (!handle.ok()) return handle.status();
  return (*handle)->Execute(kReleaseAll, {std::string(owner)}).status();
}

}  // namespace shoal::lease_backend
