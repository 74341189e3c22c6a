// AddressBlockClaims: how nodes sharing a lease database divide the pools
// between them. A node claims a block of addresses (a range inside one pool)
// for a while; while its claim lasts no other node claims that block, so the
// node can hand out the block's free addresses without first asking the
// database whether another node just did. Claims expire on the database's
// clock unless renewed, so the blocks of a node that stopped or lost the
// database go back to the others after `ttl_seconds`.
//
// A claim is an optimisation, not a lock: lease writes stay conditional and
// the unique key on the lease address decides any race that remains (a node
// whose claim lapsed while it was paused, two nodes with different pools).
//
// Errors: Unavailable (the database cannot be reached), Internal.
// Thread-safe.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dhcp/ipv4_address.h"

namespace shoal::lease_backend {

struct AddressBlock {
  dhcp::Ipv4Address first;  // identifies the block
  dhcp::Ipv4Address last;
  uint32_t subnet_id = 0;
};

class AddressBlockClaims {
 public:
  virtual ~AddressBlockClaims() = default;

  // Claims `block` for `owner` for `ttl_seconds` unless another owner holds
  // an unexpired claim on it; renews it if `owner` holds it already. True
  // when `owner` holds the block afterwards.
  virtual absl::StatusOr<bool> Claim(const AddressBlock& block, std::string_view owner,
                                     int ttl_seconds) = 0;
  // Extends every claim `owner` still holds by `ttl_seconds` from now and
  // returns the first address of each (a claim that expired and was taken
  // by another owner meanwhile is no longer among them).
  virtual absl::StatusOr<std::vector<dhcp::Ipv4Address>> Renew(std::string_view owner,
                                                               int ttl_seconds) = 0;
  // Gives up `owner`'s claim on the block starting at `first`, if it holds it.
  virtual absl::Status Release(dhcp::Ipv4Address first, std::string_view owner) = 0;
  // Gives up every claim of `owner`.
  virtual absl::Status ReleaseAll(std::string_view owner) = 0;
};

}  // namespace shoal::lease_backend
