// LeaseStore: where a node keeps its DHCPv4 leases (memfile, MySQL,
// PostgreSQL). Every implementation is thread-safe; calls may block on I/O, so
// the server makes them from worker threads, never from packet I/O threads.
//
// Writes are durable when they return OK: a lease the server acknowledges to
// a client survives a crash of the node. Updates and deletes are conditional
// on the expire time the caller read, so a writer never overwrites a newer
// lease written by someone else (another node, an API command).
//
// Errors: NotFound (no such lease), AlreadyExists (address already leased),
// Aborted (the lease changed since it was read), Unavailable (backend down,
// nothing was stored), InvalidArgument, Internal.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lease_backend/address_block_claims.h"
#include "lease_backend/lease.h"

namespace shoal::lease_backend {

struct SubnetLeaseCount {
  uint32_t subnet_id = 0;
  uint64_t assigned = 0;  // state default
  uint64_t declined = 0;  // state declined
};

class LeaseStore {
 public:
  virtual ~LeaseStore() = default;

  virtual absl::Status Add(const Lease4& lease) = 0;
  // Replaces the lease at lease.address if its stored expire() equals
  // `expected_expire`.
  virtual absl::Status Update(const Lease4& lease, int64_t expected_expire) = 0;
  // Deletes the lease at `address` if its stored expire() equals `expected_expire`.
  virtual absl::Status Delete(dhcp::Ipv4Address address, int64_t expected_expire) = 0;

  // nullopt when no lease exists at that address.
  virtual absl::StatusOr<std::optional<Lease4>> Get(dhcp::Ipv4Address address) = 0;
  // subnet_id 0 = every subnet.
  virtual absl::StatusOr<std::vector<Lease4>> GetByHwAddress(std::span<const uint8_t> hwaddr,
                                                             uint32_t subnet_id) = 0;
  virtual absl::StatusOr<std::vector<Lease4>> GetByClientId(std::span<const uint8_t> client_id,
                                                            uint32_t subnet_id) = 0;
  virtual absl::StatusOr<std::vector<Lease4>> GetByHostname(std::string_view hostname) = 0;
  virtual absl::StatusOr<std::vector<Lease4>> GetBySubnet(uint32_t subnet_id) = 0;
  virtual absl::StatusOr<std::vector<Lease4>> GetAll() = 0;
  // Leases with address > `after`, in address order, at most `limit`.
  virtual absl::StatusOr<std::vector<Lease4>> GetPage(dhcp::Ipv4Address after, size_t limit) = 0;
  // Leases with first <= address <= last, in address order (one address
  // block: what a node reads when it claims one).
  virtual absl::StatusOr<std::vector<Lease4>> GetRange(dhcp::Ipv4Address first,
                                                       dhcp::Ipv4Address last) = 0;
  // Leases in state default or declined whose expire() <= now, oldest first.
  virtual absl::StatusOr<std::vector<Lease4>> GetExpired(int64_t now, size_t limit) = 0;
  // Deletes expired-reclaimed leases whose expire() < `before`; returns how many.
  virtual absl::StatusOr<uint64_t> DeleteReclaimedBefore(int64_t before) = 0;
  // Deletes every lease of a subnet (0 = all); returns how many.
  virtual absl::StatusOr<uint64_t> Wipe(uint32_t subnet_id) = 0;
  virtual absl::StatusOr<std::vector<SubnetLeaseCount>> CountBySubnet() = 0;

  // Writes buffered state out (memfile: nothing is buffered past a return, so
  // this only syncs); called on shutdown.
  virtual absl::Status Flush() = 0;

  // Whether the store can be reached now. A shared database is asked one
  // cheap question, reconnecting per its reconnect policy first; Unavailable
  // when it cannot be reached. A local store is always OK.
  virtual absl::Status CheckHealth() { return absl::OkStatus(); }

  // Where nodes sharing this store claim address blocks; nullptr for a store
  // only one node uses (memfile), whose in-memory view is the whole truth.
  virtual AddressBlockClaims* block_claims() { return nullptr; }
};

}  // namespace shoal::lease_backend
