#include "server/lease_allocator.h"

#include <algorithm>
#include <functional>
#include <random>

namespace shoal::server {
namespace {

using lease_backend::Lease4;
using lease_backend::LeaseState;

// Attempts at picking a free address before giving up on a subnet: each
// failed attempt means the in-memory map was stale and has been repaired.
constexpr int kMaxPicksPerSubnet = 64;

// Random picks tried before the map's iterative search, with a shared lease
// store. Nodes sharing a database do not see each other's offers, and two
// iterative cursors that meet in a pool would then move in step, offering
// the same addresses and losing every other REQUEST to the unique key (a
// NAK). Random picks make such collisions as rare as the offers in flight
// are against the pool's free addresses; when the pool is so full that the
// random picks keep hitting used addresses, the iterative search takes over.
constexpr int kRandomPicks = 4;

// A free address of a pool `class_allowed` permits, picked at random and
// marked used; nullopt if the picks found none.
template <typename ClassAllowed>
std::optional<dhcp::Ipv4Address> TakeRandom(const config::Subnet4& subnet, FreeAddressMap& map,
                                            ClassAllowed class_allowed) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::vector<const config::Pool*> pools;
  for (const config::Pool& pool : subnet.pools) {
    if (pool.client_class.empty() || class_allowed(pool.client_class)) pools.push_back(&pool);
  }
  if (pools.empty()) return std::nullopt;
  for (int i = 0; i < kRandomPicks; ++i) {
    const config::Pool& pool = *pools[rng() % pools.size()];
    const uint64_t size = uint64_t{pool.last.value()} - pool.first.value() + 1;
    dhcp::Ipv4Address address(static_cast<uint32_t>(pool.first.value() + rng() % size));
    if (map.TryTake(address)) return address;
  }
  return std::nullopt;
}

// Forgets the client's offer of `address` once the lease store showed that
// address held by another client (a node's map is stale about addresses
// other nodes leased in its blocks while they picked outside blocks). The
// address stays marked used: left in the book, the offer would be replaced
// by the client's next one, which frees the replaced address in the map, so
// this node would offer the client the same taken addresses again and
// again, each answered by a NAK.
void ForgetTakenOffer(OfferBook& offers, const std::string& client_key, dhcp::Ipv4Address address) {
  if (auto offer = offers.FindByClient(client_key); offer && offer->address == address) {
    offers.Remove(client_key);
  }
}

// A conditional lease write found the row changed since it was read (by
// another node, worker or command): not an error, the caller looks again.
bool LostRace(const absl::Status& written) {
  return absl::IsAborted(written) || absl::IsAlreadyExists(written) || absl::IsNotFound(written);
}

}  // namespace

uint32_t LeaseAllocator::LifetimeFor(const config::Subnet4& subnet,
                                     std::optional<uint32_t> requested) {
  if (!requested) return subnet.valid_lifetime;
  return std::clamp(*requested, subnet.min_valid_lifetime, subnet.max_valid_lifetime);
}

const config::Subnet4* LeaseAllocator::CandidateContaining(
    const std::vector<const config::Subnet4*>& candidates, dhcp::Ipv4Address address) const {
  for (const config::Subnet4* s : candidates) {
    if (s->prefix.Contains(address)) return s;
  }
  return nullptr;
}

absl::StatusOr<std::optional<host_backend::Host>> LeaseAllocator::FindHost(
    const std::vector<const config::Subnet4*>& candidates,
    const std::vector<HostIdentifier>& identifiers) {
  if (candidates.empty()) return std::nullopt;
  auto find_in = [&](uint32_t subnet_id) -> absl::StatusOr<std::optional<host_backend::Host>> {
    for (const HostIdentifier& id : identifiers) {
      auto host = context_.hosts().Find(subnet_id, id.type, id.value);
      if (!host.ok() || host->has_value()) return host;
    }
    return std::nullopt;
  };
  if (candidates.front()->reservations_global) {
    auto host = find_in(0);
    if (!host.ok() || host->has_value()) return host;
  }
  for (const config::Subnet4* s : candidates) {
    if (!s->reservations_in_subnet) continue;
    auto host = find_in(s->id);
    if (!host.ok() || host->has_value()) return host;
  }
  return std::nullopt;
}

absl::StatusOr<std::optional<Lease4>> LeaseAllocator::FindClientLease(
    const std::vector<const config::Subnet4*>& candidates, const ClientIdentity& client) {
  auto owned = [&](const absl::StatusOr<std::vector<Lease4>>& found)
      -> absl::StatusOr<std::optional<Lease4>> {
    if (!found.ok()) return found.status();
    for (const Lease4& lease : *found) {
      if (lease.state != LeaseState::kDeclined && client.Owns(lease)) return lease;
    }
    return std::nullopt;
  };
  for (const config::Subnet4* s : candidates) {
    if (!client.client_id.empty()) {
      auto lease = owned(leases_.GetByClientId(client.client_id, s->id));
      if (!lease.ok() || lease->has_value()) return lease;
    }
    auto lease = owned(leases_.GetByHwAddress(client.hwaddr, s->id));
    if (!lease.ok() || lease->has_value()) return lease;
  }
  return std::nullopt;
}

absl::StatusOr<bool> LeaseAllocator::Allowed(const config::Subnet4& subnet,
                                             dhcp::Ipv4Address address,
                                             const ClientIdentity& client,
                                             const std::optional<host_backend::Host>& host) {
  if (!subnet.prefix.Contains(address)) return false;
  if (address == subnet.prefix.address ||
      address.value() == (subnet.prefix.address.value() | ~subnet.prefix.Mask())) {
    return false;  // network or broadcast address
  }
  const bool reserved_for_client = host && host->address && *host->address == address;
  if (!reserved_for_client) {
    for (uint32_t scope : {subnet.id, uint32_t{0}}) {
      auto other = context_.hosts().FindByAddress(scope, address);
      if (!other.ok()) return other.status();
      if (other->has_value()) return false;  // reserved for someone else
    }
    FreeAddressMap* map = context_.free_map(subnet.id);
    if (map == nullptr || !map->InPool(address)) return false;
  }
  return !context_.offers().OfferedToOther(address, client.Key());
}

absl::StatusOr<bool> LeaseAllocator::Usable(const config::Subnet4& subnet,
                                            dhcp::Ipv4Address address, const ClientIdentity& client,
                                            const std::optional<host_backend::Host>& host,
                                            int64_t now, std::optional<Lease4>* current_out,
                                            const std::optional<Lease4>* already_read) {
  auto allowed = Allowed(subnet, address, client, host);
  if (!allowed.ok() || !*allowed) return allowed;
  std::optional<Lease4> current;
  if (already_read != nullptr) {
    current = *already_read;
  } else {
    auto read = leases_.Get(address);
    if (!read.ok()) return read.status();
    current = *std::move(read);
  }
  const bool taken = current && current->active(now) && !client.Owns(*current);
  if (current_out != nullptr) *current_out = std::move(current);
  return !taken;
}

void LeaseAllocator::RecordOffer(const config::Subnet4& subnet, dhcp::Ipv4Address address,
                                 const AllocationRequest& request, bool row_known,
                                 std::optional<int64_t> row_expire) {
  OfferBook::Offer offer{.address = address,
                         .subnet_id = subnet.id,
                         .client_key = request.client.Key(),
                         .until = request.now + kOfferHoldSeconds,
                         .row_known = row_known,
                         .row_expire = row_expire};
  if (auto replaced = context_.offers().Record(std::move(offer))) {
    context_.MarkFree(replaced->address);
  }
}

absl::StatusOr<std::optional<Allocation>> LeaseAllocator::TakeClaimed(
    BlockClaimer& claimer, const config::Subnet4& subnet, FreeAddressMap& map,
    const AllocationRequest& request, const std::optional<host_backend::Host>& host,
    bool client_has_lease, const std::function<bool(const std::string&)>& class_allowed) {
  for (int pick_count = 0; pick_count < kMaxPicksPerSubnet; ++pick_count) {
    std::optional<BlockClaimer::Pick> pick = claimer.Take(subnet, map, class_allowed);
    if (!pick) {
      auto claimed = claimer.ClaimMore(subnet, context_, request.now);
      if (!claimed.ok()) return claimed.status();
      if (!*claimed) return std::nullopt;
      continue;
    }
    if (pick->running_low) claimer.TopUp(subnet, context_, request.now);
    auto allowed = Allowed(subnet, pick->address, request.client, host);
    if (!allowed.ok()) {
      map.MarkFree(pick->address);
      return allowed.status();
    }
    if (!*allowed) continue;  // stays marked used: reserved, or outside the pools
    RecordOffer(subnet, pick->address, request, /*row_known=*/!client_has_lease, pick->row_expire);
    return Allocation{&subnet, pick->address, LifetimeFor(subnet, request.requested_lifetime),
                      host};
  }
  return std::nullopt;
}

absl::StatusOr<std::optional<Allocation>> LeaseAllocator::TakeFree(
    const std::vector<const config::Subnet4*>& candidates, const AllocationRequest& request,
    const std::optional<host_backend::Host>& host, bool client_has_lease) {
  const std::function<bool(const std::string&)> class_allowed =
      [&](const std::string& client_class) {
        if (client_class == "ALL") return true;
        if (client_class == "KNOWN") return host.has_value();
        if (client_class == "UNKNOWN") return !host.has_value();
        return false;
      };
  BlockClaimer* claimer = context_.claimer();
  for (int round = 0; round < 2; ++round) {
    for (const config::Subnet4* s : candidates) {
      FreeAddressMap* map = context_.free_map(s->id);
      if (map == nullptr) continue;
      if (claimer != nullptr) {
        auto claimed =
            TakeClaimed(*claimer, *s, *map, request, host, client_has_lease, class_allowed);
        if (!claimed.ok() || claimed->has_value()) return claimed;
      }
      // No block of this node has a free address: pick anywhere, checking
      // each pick in the lease store.
      for (int pick = 0; pick < kMaxPicksPerSubnet; ++pick) {
        std::optional<dhcp::Ipv4Address> address;
        if (claimer != nullptr) address = TakeRandom(*s, *map, class_allowed);  // shared store
        if (!address) address = map->Take(class_allowed);
        if (!address) break;
        std::optional<Lease4> current;
        auto usable = Usable(*s, *address, request.client, host, request.now, &current);
        if (!usable.ok()) {
          map->MarkFree(*address);
          return usable.status();
        }
        if (!*usable) continue;  // stays marked used: the map was stale
        RecordOffer(*s, *address, request, /*row_known=*/!client_has_lease,
                    current ? std::optional(current->expire()) : std::nullopt);
        return Allocation{s, *address, LifetimeFor(*s, request.requested_lifetime), host};
      }
    }
    // Everything looked full: give back offers nobody took up, then retry once.
    context_.ReleaseStaleOffers(request.now);
  }
  return std::nullopt;
}

absl::StatusOr<std::optional<Allocation>> LeaseAllocator::Discover(
    const AllocationRequest& request) {
  const std::vector<const config::Subnet4*> candidates =
      context_.selector().Candidates(*request.subnet);
  auto host = FindHost(candidates, request.identifiers);
  if (!host.ok()) return host.status();

  // 1. The client's reserved address.
  if (*host && (*host)->address) {
    dhcp::Ipv4Address address = *(*host)->address;
    if (const config::Subnet4* s = CandidateContaining(candidates, address)) {
      auto usable = Usable(*s, address, request.client, *host, request.now);
      if (!usable.ok()) return usable.status();
      if (*usable)
        return Allocation{s, address, LifetimeFor(*s, request.requested_lifetime), *host};
    }
  }
  // 2. The address the client already has (or had, with lease affinity).
  auto existing = FindClientLease(candidates, request.client);
  if (!existing.ok()) return existing.status();
  // 3. The address offered to it a moment ago, then the one it asks for.
  std::vector<dhcp::Ipv4Address> preferred;
  if (*existing) preferred.push_back((*existing)->address);
  if (auto offer = context_.offers().FindByClient(request.client.Key())) {
    preferred.push_back(offer->address);
  }
  if (request.requested) preferred.push_back(*request.requested);
  for (dhcp::Ipv4Address address : preferred) {
    const config::Subnet4* s = CandidateContaining(candidates, address);
    if (s == nullptr) continue;
    const bool own_lease = *existing && (*existing)->address == address;
    std::optional<Lease4> current;
    auto usable = Usable(*s, address, request.client, *host, request.now, &current,
                         own_lease ? &*existing : nullptr);
    if (!usable.ok()) return usable.status();
    if (!*usable) {
      ForgetTakenOffer(context_.offers(), request.client.Key(), address);
      continue;
    }
    FreeAddressMap* map = context_.free_map(s->id);
    if (map != nullptr) map->MarkUsed(address);
    RecordOffer(*s, address, request, /*row_known=*/!*existing || own_lease,
                current ? std::optional(current->expire()) : std::nullopt);
    return Allocation{s, address, LifetimeFor(*s, request.requested_lifetime), *host};
  }
  // 4. The next free address.
  return TakeFree(candidates, request, *host, existing->has_value());
}

absl::Status LeaseAllocator::WriteLease(const Lease4& lease,
                                        const std::optional<Lease4>& existing) {
  if (existing) return leases_.Update(lease, existing->expire());
  return leases_.Add(lease);
}

Lease4 LeaseAllocator::NewLease(const AllocationRequest& request, const config::Subnet4& subnet,
                                dhcp::Ipv4Address address,
                                const std::optional<host_backend::Host>& host) {
  Lease4 lease;
  lease.address = address;
  lease.hwaddr = request.client.hwaddr;
  lease.hwtype = request.client.htype;
  lease.client_id = request.client.raw_client_id;
  lease.valid_lifetime = LifetimeFor(subnet, request.requested_lifetime);
  lease.cltt = request.now;
  lease.subnet_id = subnet.id;
  lease.hostname = host && !host->hostname.empty() ? host->hostname : request.hostname;
  return lease;
}

void LeaseAllocator::Committed(const AllocationRequest& request, const config::Subnet4& subnet,
                               dhcp::Ipv4Address address) {
  if (FreeAddressMap* map = context_.free_map(subnet.id)) map->MarkUsed(address);
  if (auto offer = context_.offers().Remove(request.client.Key());
      offer && offer->address != address) {
    context_.MarkFree(offer->address);
  }
}

absl::StatusOr<std::optional<LeaseAllocator::RequestResult>> LeaseAllocator::RequestOffered(
    const AllocationRequest& request, const std::vector<const config::Subnet4*>& candidates,
    const std::optional<host_backend::Host>& host) {
  const dhcp::Ipv4Address address = *request.requested;
  std::optional<OfferBook::Offer> offer = context_.offers().FindByClient(request.client.Key());
  if (!offer || !offer->row_known || offer->address != address || offer->until < request.now) {
    return std::nullopt;
  }
  const config::Subnet4* subnet = CandidateContaining(candidates, address);
  if (subnet == nullptr || subnet->id != offer->subnet_id) return std::nullopt;
  if (host && host->address && *host->address != address) return std::nullopt;
  const Lease4 lease = NewLease(request, *subnet, address, host);
  absl::Status written =
      offer->row_expire ? leases_.Update(lease, *offer->row_expire) : leases_.Add(lease);
  if (LostRace(written)) {
    return std::nullopt;  // the store changed since the offer: check everything
  }
  if (!written.ok()) return written;
  Committed(request, *subnet, address);
  return RequestResult{.outcome = Outcome::kAck,
                       .allocation = Allocation{subnet, address, lease.valid_lifetime, host},
                       .reason = {}};
}

absl::StatusOr<LeaseAllocator::RequestResult> LeaseAllocator::Request(
    const AllocationRequest& request, bool must_know_client) {
  RequestResult result;
  if (!request.requested) {
    result.outcome = Outcome::kNak;
    result.reason = "no address requested";
    return result;
  }
  const dhcp::Ipv4Address address = *request.requested;
  const std::vector<const config::Subnet4*> candidates =
      context_.selector().Candidates(*request.subnet);
  auto host = FindHost(candidates, request.identifiers);
  if (!host.ok()) return host.status();
  // The usual DHCPREQUEST: for the address this node just offered, whose
  // lease row the offer already read.
  if (!must_know_client) {
    auto offered = RequestOffered(request, candidates, *host);
    if (!offered.ok()) return offered.status();
    if (offered->has_value()) return **offered;
  }
  auto existing = FindClientLease(candidates, request.client);
  if (!existing.ok()) return existing.status();

  const bool known = existing->has_value() && (*existing)->state != LeaseState::kExpiredReclaimed;
  if (must_know_client && !known) {
    result.reason = "unknown client in INIT-REBOOT on a non-authoritative subnet";
    return result;  // kIgnore
  }
  if (known && must_know_client && (*existing)->address != address) {
    result.outcome = Outcome::kNak;
    result.reason = "client's lease is for " + (*existing)->address.ToString();
    return result;
  }
  const config::Subnet4* subnet = CandidateContaining(candidates, address);
  if (subnet == nullptr) {
    result.outcome = Outcome::kNak;
    result.reason = "address " + address.ToString() + " is not in the client's subnet";
    return result;
  }
  if (*host && (*host)->address && *(*host)->address != address) {
    // As in Kea, a client whose reserved address another client still
    // holds gets a temporary one until it is free; otherwise it is sent to
    // its reservation.
    const dhcp::Ipv4Address reserved = *(*host)->address;
    const config::Subnet4* reserved_subnet = CandidateContaining(candidates, reserved);
    bool reserved_free = false;
    if (reserved_subnet != nullptr) {
      auto usable = Usable(*reserved_subnet, reserved, request.client, *host, request.now);
      if (!usable.ok()) return usable.status();
      reserved_free = *usable;
    }
    if (reserved_free) {
      result.outcome = Outcome::kNak;
      result.reason = "client has a reservation for " + reserved.ToString();
      return result;
    }
  }
  // A renewal: the client's own lease is the row at that address.
  const bool renewing = *existing && (*existing)->address == address;
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::optional<Lease4> current;
    auto usable = Usable(*subnet, address, request.client, *host, request.now, &current,
                         renewing && attempt == 0 ? &*existing : nullptr);
    if (!usable.ok()) return usable.status();
    if (!*usable) {
      ForgetTakenOffer(context_.offers(), request.client.Key(), address);
      result.outcome = Outcome::kNak;
      result.reason = "address " + address.ToString() + " is not available to this client";
      return result;
    }
    const Lease4 lease = NewLease(request, *subnet, address, *host);
    absl::Status written = WriteLease(lease, current);
    if (LostRace(written)) {
      continue;  // someone else wrote this address meanwhile: look again
    }
    if (!written.ok()) return written;

    Committed(request, *subnet, address);
    // A client that moved to another address gives up its old one.
    if (*existing && (*existing)->address != address) {
      if (leases_.Delete((*existing)->address, (*existing)->expire()).ok()) {
        context_.MarkFree((*existing)->address);
      }
    }
    result.outcome = Outcome::kAck;
    result.allocation = Allocation{subnet, address, lease.valid_lifetime, *host};
    return result;
  }
  ForgetTakenOffer(context_.offers(), request.client.Key(), address);
  result.outcome = Outcome::kNak;
  result.reason = "address " + address.ToString() + " was taken concurrently";
  return result;
}

absl::Status LeaseAllocator::Release(const ClientIdentity& client, dhcp::Ipv4Address address) {
  auto lease = leases_.Get(address);
  if (!lease.ok()) return lease.status();
  if (!lease->has_value() || !client.Owns(**lease)) {
    return absl::NotFoundError("client has no lease for " + address.ToString());
  }
  absl::Status deleted = leases_.Delete(address, (*lease)->expire());
  if (!deleted.ok()) return deleted;
  context_.MarkFree(address);
  return absl::OkStatus();
}

absl::Status LeaseAllocator::Decline(const ClientIdentity& client, dhcp::Ipv4Address address,
                                     int64_t now, uint32_t probation_period) {
  auto lease = leases_.Get(address);
  if (!lease.ok()) return lease.status();
  if (!lease->has_value() || !client.Owns(**lease)) {
    return absl::NotFoundError("client has no lease for " + address.ToString());
  }
  Lease4 declined = **lease;
  declined.hwaddr.clear();
  declined.client_id.clear();
  declined.hostname.clear();
  declined.fqdn_fwd = declined.fqdn_rev = false;
  declined.cltt = now;
  declined.valid_lifetime = probation_period;
  declined.state = LeaseState::kDeclined;
  return leases_.Update(declined, (*lease)->expire());
}

}  // namespace shoal::server
