// SqlBlockClaims: AddressBlockClaims in the lease database's
// lease4_block_claim table (migration 0004), one row per claimed block.
// Expiry is computed and compared on the database's clock, so the nodes'
// clocks need not agree. Each call is one or two autocommitted statements on
// a pooled connection of the lease store.
#pragma once

#include "db/connection_pool.h"
#include "lease_backend/address_block_claims.h"

namespace shoal::lease_backend {

class SqlBlockClaims final : public AddressBlockClaims {
 public:
  // `pool` must outlive this object.
  explicit SqlBlockClaims(db::ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<bool> Claim(const AddressBlock& block, std::string_view owner,
                             int ttl_seconds) override;
  absl::StatusOr<std::vector<dhcp::Ipv4Address>> Renew(std::string_view owner,
                                                       int ttl_seconds) override;
  absl::Status Release(dhcp::Ipv4Address first, std::string_view owner) override;
  absl::Status ReleaseAll(std::string_view owner) override;

 private:
  db::ConnectionPool& pool_;
};

}  // namespace shoal::lease_backend
