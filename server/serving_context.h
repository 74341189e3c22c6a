// ServingContext: everything derived from one configuration snapshot that
// the packet path needs — the Config itself, the subnet selector, the
// reservations of the file, the in-memory free-address maps and outstanding
// offers. Built completely (and checked against the lease store) before it
// replaces the previous one; packets in flight keep the context they started
// with (std::shared_ptr). The context also owns the lease store it was built
// on, so a reconfiguration that opens a new store swaps both together.
#pragma once

#include <memory>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "config/config.h"
#include "host_backend/host_cache.h"
#include "host_backend/host_store.h"
#include "spdlog/logger.h"
#include "lease_backend/lease_store.h"
#include "server/block_claimer.h"
#include "server/free_address_map.h"
#include "server/offer_book.h"
#include "server/subnet_selector.h"

namespace shoal::server {

// The node's SQL hosts databases as a context serves them: their caches in
// search order, and where to report a stored option that does not encode.
struct SqlHosts {
  std::vector<std::shared_ptr<const host_backend::HostCache>> caches;
  std::shared_ptr<spdlog::logger> log;
};

// Always held by std::shared_ptr (Create).
class ServingContext : public std::enable_shared_from_this<ServingContext> {
 public:
  // Reads every lease from `leases` to mark used addresses. Fails if the
  // lease store cannot be read.
  // `allocation_seed`: see FreeAddressMap (non-zero when the lease store is
  // shared with other nodes). `offers`: the outstanding offers of the
  // context this one replaces, so an address offered just before a
  // reconfiguration is not offered to someone else just after it (packets
  // still finishing on the old context record into the same book); null
  // starts an empty book. `claimer`: this node's address blocks when the
  // lease store is shared (null: every address is checked in the store).
  // `previous`: the context this one replaces on the same lease store; a
  // subnet with the same id and pool layout shares its free-address map
  // (FreeAddressMap::SameLayout), and only the pools of new or changed
  // subnets are read from the store (null: every lease is read).
  // `sql_hosts`: reservations searched after the file's.
  static absl::StatusOr<std::shared_ptr<ServingContext>> Create(
      std::shared_ptr<const config::Config> config,
      std::shared_ptr<lease_backend::LeaseStore> leases, uint64_t allocation_seed = 0,
      std::shared_ptr<OfferBook> offers = nullptr, std::shared_ptr<BlockClaimer> claimer = nullptr,
      const ServingContext* previous = nullptr, SqlHosts sql_hosts = {});

  const config::Config& config() const { return *config_; }
  std::shared_ptr<const config::Config> config_ptr() const { return config_; }
  const SubnetSelector& selector() const { return selector_; }
  host_backend::HostStore& hosts() { return *hosts_; }
  lease_backend::LeaseStore& leases() { return *leases_; }
  std::shared_ptr<lease_backend::LeaseStore> leases_ptr() const { return leases_; }
  // nullptr for an unknown subnet id.
  FreeAddressMap* free_map(uint32_t subnet_id);
  OfferBook& offers() { return *offers_; }
  std::shared_ptr<OfferBook> offers_ptr() const { return offers_; }
  // nullptr unless the lease store is shared with other nodes.
  BlockClaimer* claimer() { return claimer_.get(); }
  std::shared_ptr<BlockClaimer> claimer_ptr() const { return claimer_; }
  // Marks `address` used or free in the map of the subnet that contains it.
  void MarkUsed(dhcp::Ipv4Address address);
  void MarkFree(dhcp::Ipv4Address address);
  // Forgets offers whose hold time ended before `now` and frees their
  // addresses unless a lease holds them meanwhile (one store read each).
  void ReleaseStaleOffers(int64_t now);

 private:
  ServingContext(std::shared_ptr<const config::Config> config,
                 std::shared_ptr<lease_backend::LeaseStore> leases,
                 std::shared_ptr<OfferBook> offers, std::shared_ptr<BlockClaimer> claimer,
                 SqlHosts sql_hosts);

  std::shared_ptr<const config::Config> config_;
  std::shared_ptr<lease_backend::LeaseStore> leases_;
  SubnetSelector selector_;
  std::unique_ptr<host_backend::HostStore> hosts_;
  absl::flat_hash_map<uint32_t, std::shared_ptr<FreeAddressMap>> free_maps_;
  std::shared_ptr<OfferBook> offers_;
  std::shared_ptr<BlockClaimer> claimer_;
};

}  // namespace shoal::server
