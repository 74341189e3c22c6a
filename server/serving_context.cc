#include "server/serving_context.h"

#include "host_backend/host_sources.h"

namespace shoal::server {

ServingContext::ServingContext(std::shared_ptr<const config::Config> config,
                               std::shared_ptr<lease_backend::LeaseStore> leases,
                               std::shared_ptr<OfferBook> offers,
                               std::shared_ptr<BlockClaimer> claimer, SqlHosts sql_hosts)
    : config_(std::move(config)),
      leases_(std::move(leases)),
      selector_(*config_),
      hosts_(std::make_unique<host_backend::HostSources>(*config_, std::move(sql_hosts.caches),
                                                         std::move(sql_hosts.log))),
      offers_(offers ? std::move(offers) : std::make_shared<OfferBook>()),
      claimer_(std::move(claimer)) {
}

absl::StatusOr<std::shared_ptr<ServingContext>> ServingContext::Create(
    std::shared_ptr<const config::Config> config, std::shared_ptr<lease_backend::LeaseStore> leases,
    uint64_t allocation_seed, std::shared_ptr<OfferBook> offers,
    std::shared_ptr<BlockClaimer> claimer, const ServingContext* previous, SqlHosts sql_hosts) {
  const std::vector<std::shared_ptr<const host_backend::HostCache>> sql_hosts_caches =
      sql_hosts.caches;
  std::shared_ptr<ServingContext> context(new ServingContext(std::move(config), std::move(leases),
                                                             std::move(offers), std::move(claimer),
                                                             std::move(sql_hosts)));
  // Subnets whose state carries over share their map; the pools of the
  // others are still to be read.
  std::vector<const config::Pool*> unread;
  std::vector<uint32_t> fresh;  // subnets with a new map
  for (const config::Subnet4& subnet : context->config_->subnets) {
    std::shared_ptr<FreeAddressMap> map;
    if (previous != nullptr) {
      if (auto it = previous->free_maps_.find(subnet.id);
          it != previous->free_maps_.end() && it->second->SameLayout(subnet)) {
        map = it->second;
      }
    }
    if (map == nullptr) {
      map = std::make_shared<FreeAddressMap>(subnet, allocation_seed);
      for (const config::Pool& pool : subnet.pools) unread.push_back(&pool);
      fresh.push_back(subnet.id);
    }
    context->free_maps_.emplace(subnet.id, std::move(map));
  }
  for (const OfferBook::Offer& offer : context->offers_->All()) context->MarkUsed(offer.address);
  for (const config::Reservation& r : context->config_->global_reservations) {
    if (r.address) context->MarkUsed(*r.address);
  }
  for (const config::Subnet4& subnet : context->config_->subnets) {
    for (const config::Reservation& r : subnet.reservations) {
      if (r.address) context->MarkUsed(*r.address);
    }
  }
  // Reservations of the hosts databases known now, in the new maps (a
  // shared map has them already); later ones are caught when an address is
  // picked (LeaseAllocator::Allowed).
  if (!fresh.empty()) fresh.push_back(0);  // global reservations may fall in them
  for (const auto& cache : sql_hosts_caches) {
    for (uint32_t subnet_id : fresh) {
      for (const auto& host : cache->BySubnet(subnet_id)) {
        if (host->reservation.address) context->MarkUsed(*host->reservation.address);
      }
    }
  }
  auto mark = [&context](const std::vector<lease_backend::Lease4>& found) {
    for (const lease_backend::Lease4& lease : found) {
      if (lease.state != lease_backend::LeaseState::kExpiredReclaimed)
        context->MarkUsed(lease.address);
    }
  };
  if (unread.empty()) return context;  // a thin node's first context: no pool yet
  if (previous == nullptr) {
    auto all = context->leases_->GetAll();
    if (!all.ok()) return all.status();
    mark(*all);
  } else {
    for (const config::Pool* pool : unread) {
      auto found = context->leases_->GetRange(pool->first, pool->last);
      if (!found.ok()) return found.status();
      mark(*found);
    }
  }
  return context;
}

FreeAddressMap* ServingContext::free_map(uint32_t subnet_id) {
  auto it = free_maps_.find(subnet_id);
  return it == free_maps_.end() ? nullptr : it->second.get();
}

void ServingContext::MarkUsed(dhcp::Ipv4Address address) {
  if (const config::Subnet4* subnet = selector_.FindContaining(address)) {
    if (FreeAddressMap* map = free_map(subnet->id)) map->MarkUsed(address);
  }
}

void ServingContext::MarkFree(dhcp::Ipv4Address address) {
  if (const config::Subnet4* subnet = selector_.FindContaining(address)) {
    if (FreeAddressMap* map = free_map(subnet->id)) map->MarkFree(address);
  }
}

void ServingContext::ReleaseStaleOffers(int64_t now) {
  for (const OfferBook::Offer& stale : offers_->TakeExpired(now)) {
    auto lease = leases_->Get(stale.address);
    if (lease.ok() && !(lease->has_value() && (*lease)->active(now))) MarkFree(stale.address);
  }
}

}  // namespace shoal::server
