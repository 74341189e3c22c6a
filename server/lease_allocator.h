// LeaseAllocator: decides which address a client gets and records leases.
//
// Discover() picks an address without writing a lease (Kea's "fake
// allocation"): the client's reservation, else its existing lease, else the
// address it asked for, else the next free one from the in-memory maps. The
// pick is checked against the lease store once (one lookup per offer, never
// one per candidate) and held in the OfferBook — except a free address of a
// block this node holds (BlockClaimer, shared lease stores), which the block's
// read already covers.
// Request() validates the address a client asks for and writes the lease
// (conditional on what was read, so a concurrent writer is never
// overwritten). A request for the address just offered to the client writes
// at once, conditional on what the offer found, so a DHCPDISCOVER-DHCPREQUEST
// exchange of a new client costs one read (the client's leases) and one
// group-committed write. Release() and Decline() end leases.
//
// Callers serialise messages of one client (the server routes each client to
// one worker); different clients may be handled concurrently.
// Store failures come back as a non-OK Status: the caller must not answer
// the client then.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "host_backend/host_store.h"
#include "lease_backend/lease_store.h"
#include "server/block_claimer.h"
#include "server/client_identity.h"
#include "server/serving_context.h"

namespace shoal::server {

struct HostIdentifier {
  config::IdentifierType type;
  std::vector<uint8_t> value;
};

struct AllocationRequest {
  const config::Subnet4* subnet = nullptr;  // the selected subnet
  ClientIdentity client;
  std::vector<HostIdentifier> identifiers;  // in host-reservation-identifiers order
  std::optional<dhcp::Ipv4Address> requested;
  std::optional<uint32_t> requested_lifetime;  // option 51 from the client
  std::string hostname;
  int64_t now = 0;
};

struct Allocation {
  const config::Subnet4* subnet = nullptr;  // where the address lives
  dhcp::Ipv4Address address;
  uint32_t valid_lifetime = 0;
  std::optional<host_backend::Host> host;
};

// How long an offered address is held for the client that was offered it.
inline constexpr int64_t kOfferHoldSeconds = 30;

class LeaseAllocator {
 public:
  LeaseAllocator(ServingContext& context, lease_backend::LeaseStore& leases)
      : context_(context), leases_(leases) {}

  // nullopt: no address available for this client.
  absl::StatusOr<std::optional<Allocation>> Discover(const AllocationRequest& request);

  enum class Outcome { kAck, kNak, kIgnore };
  struct RequestResult {
    Outcome outcome = Outcome::kIgnore;
    Allocation allocation;  // valid when kAck
    std::string reason;     // why a NAK or an ignore
  };
  // `must_know_client`: INIT-REBOOT on a non-authoritative subnet, where an
  // unknown client is ignored rather than served (RFC 2131 §4.3.2).
  absl::StatusOr<RequestResult> Request(const AllocationRequest& request, bool must_know_client);

  // Deletes the client's lease at `address`; NotFound if it has none there.
  absl::Status Release(const ClientIdentity& client, dhcp::Ipv4Address address);
  // Puts the client's lease at `address` into probation (state declined).
  absl::Status Decline(const ClientIdentity& client, dhcp::Ipv4Address address, int64_t now,
                       uint32_t probation_period);

  // The host reservation for this client among the candidate subnets, honouring
  // reservations-in-subnet / reservations-global.
  absl::StatusOr<std::optional<host_backend::Host>> FindHost(
      const std::vector<const config::Subnet4*>& candidates,
      const std::vector<HostIdentifier>& identifiers);

  // The lease time for a client: its request clamped to [min, max], else the default.
  static uint32_t LifetimeFor(const config::Subnet4& subnet, std::optional<uint32_t> requested);

 private:
  absl::StatusOr<std::optional<lease_backend::Lease4>> FindClientLease(
      const std::vector<const config::Subnet4*>& candidates, const ClientIdentity& client);
  // True if `address` may be given to this client in `subnet` as far as the
  // configuration and this node's offers say (no lease store read).
  absl::StatusOr<bool> Allowed(const config::Subnet4& subnet, dhcp::Ipv4Address address,
                               const ClientIdentity& client,
                               const std::optional<host_backend::Host>& host);
  // Allowed, and no other client's lease is active there right now. The
  // lease at `address` is read from the store unless `already_read` has it;
  // `current` receives it.
  absl::StatusOr<bool> Usable(const config::Subnet4& subnet, dhcp::Ipv4Address address,
                              const ClientIdentity& client,
                              const std::optional<host_backend::Host>& host, int64_t now,
                              std::optional<lease_backend::Lease4>* current = nullptr,
                              const std::optional<lease_backend::Lease4>* already_read = nullptr);
  // Offers `address`; `row_known`/`row_expire` as OfferBook::Offer (known
  // only when the client has no lease elsewhere).
  void RecordOffer(const config::Subnet4& subnet, dhcp::Ipv4Address address,
                   const AllocationRequest& request, bool row_known,
                   std::optional<int64_t> row_expire);
  // `client_has_lease`: the client holds a lease at another address.
  absl::StatusOr<std::optional<Allocation>> TakeFree(
      const std::vector<const config::Subnet4*>& candidates, const AllocationRequest& request,
      const std::optional<host_backend::Host>& host, bool client_has_lease);
  // A free address from this node's own blocks of `subnet` (no store read).
  absl::StatusOr<std::optional<Allocation>> TakeClaimed(
      BlockClaimer& claimer, const config::Subnet4& subnet, FreeAddressMap& map,
      const AllocationRequest& request, const std::optional<host_backend::Host>& host,
      bool client_has_lease, const std::function<bool(const std::string&)>& class_allowed);
  // Acknowledges a request for the address offered to the client when the
  // offer knew the lease row: one conditional write, no read. nullopt when
  // that does not apply or the store changed since (then the full check runs).
  absl::StatusOr<std::optional<RequestResult>> RequestOffered(
      const AllocationRequest& request, const std::vector<const config::Subnet4*>& candidates,
      const std::optional<host_backend::Host>& host);
  static lease_backend::Lease4 NewLease(const AllocationRequest& request,
                                        const config::Subnet4& subnet, dhcp::Ipv4Address address,
                                        const std::optional<host_backend::Host>& host);
  // Bookkeeping after the client's lease at `address` was written.
  void Committed(const AllocationRequest& request, const config::Subnet4& subnet,
                 dhcp::Ipv4Address address);
  absl::Status WriteLease(const lease_backend::Lease4& lease,
                          const std::optional<lease_backend::Lease4>& existing);
  const config::Subnet4* CandidateContaining(const std::vector<const config::Subnet4*>& candidates,
                                             dhcp::Ipv4Address address) const;

  ServingContext& context_;
  lease_backend::LeaseStore& leases_;
};

}  // namespace shoal::server
