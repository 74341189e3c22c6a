#include "host_backend/host_cache.h"

#include <algorithm>
#include <mutex>

namespace shoal::host_backend {
namespace {

std::string AsKey(std::span<const uint8_t> bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace

void HostCache::InsertLocked(StoredHostPtr host) {
  const config::Reservation& r = host->reservation;
  const uint64_t id = host->host_id;
  by_identifier_[IdentifierKey{r.subnet_id, static_cast<int>(r.identifier_type),
                               AsKey(r.identifier)}] = id;
  if (r.address) {
    std::vector<uint64_t>& ids = by_address_[AddressKey{r.subnet_id, r.address->value()}];
    ids.insert(std::lower_bound(ids.begin(), ids.end(), id), id);
  }
  by_subnet_[r.subnet_id].insert(id);
  hosts_[id] = std::move(host);
}

void HostCache::RemoveLocked(uint64_t host_id) {
  auto it = hosts_.find(host_id);
  if (it == hosts_.end()) return;
  const config::Reservation& r = it->second->reservation;
  IdentifierKey key{r.subnet_id, static_cast<int>(r.identifier_type), AsKey(r.identifier)};
  if (auto i = by_identifier_.find(key); i != by_identifier_.end() && i->second == host_id) {
    by_identifier_.erase(i);
  }
  if (r.address) {
    auto a = by_address_.find(AddressKey{r.subnet_id, r.address->value()});
    if (a != by_address_.end()) {
      std::erase(a->second, host_id);
      if (a->second.empty()) by_address_.erase(a);
    }
  }
  if (auto s = by_subnet_.find(r.subnet_id); s != by_subnet_.end()) {
    s->second.erase(host_id);
    if (s->second.empty()) by_subnet_.erase(s);
  }
  hosts_.erase(it);
}

void HostCache::ReplaceAll(std::vector<StoredHost> hosts) {
  std::vector<StoredHostPtr> built;
  built.reserve(hosts.size());
  for (StoredHost& h : hosts) built.push_back(std::make_shared<const StoredHost>(std::move(h)));
  std::unique_lock lock(mu_);
  hosts_.clear();
  by_identifier_.clear();
  by_address_.clear();
  by_subnet_.clear();
  for (StoredHostPtr& h : built) InsertLocked(std::move(h));
}

void HostCache::Update(std::span<const uint64_t> changed, std::vector<StoredHost> current) {
  std::vector<StoredHostPtr> built;
  built.reserve(current.size());
  for (StoredHost& h : current) built.push_back(std::make_shared<const StoredHost>(std::move(h)));
  std::unique_lock lock(mu_);
  for (uint64_t id : changed) RemoveLocked(id);
  // A host whose identifier another changed host gave up in the same
  // revision must not be shadowed by the order of removal: remove first,
  // insert after.
  for (StoredHostPtr& h : built) {
    RemoveLocked(h->host_id);
    InsertLocked(std::move(h));
  }
}

StoredHostPtr HostCache::Find(uint32_t subnet_id, config::IdentifierType type,
                              std::span<const uint8_t> identifier) const {
  std::shared_lock lock(mu_);
  auto it = by_identifier_.find(IdentifierKey{subnet_id, static_cast<int>(type), AsKey(identifier)});
  if (it == by_identifier_.end()) return nullptr;
  return hosts_.at(it->second);
}

StoredHostPtr HostCache::FindByAddress(uint32_t subnet_id, dhcp::Ipv4Address address) const {
  std::shared_lock lock(mu_);
  auto it = by_address_.find(AddressKey{subnet_id, address.value()});
  if (it == by_address_.end() || it->second.empty()) return nullptr;
  return hosts_.at(it->second.front());
}

std::vector<StoredHostPtr> HostCache::BySubnet(uint32_t subnet_id) const {
  std::shared_lock lock(mu_);
  std::vector<StoredHostPtr> out;
  auto it = by_subnet_.find(subnet_id);
  if (it == by_subnet_.end()) return out;
  for (uint64_t id : it->second) out.push_back(hosts_.at(id));
  std::sort(out.begin(), out.end(),
            [](const StoredHostPtr& a, const StoredHostPtr& b) { return a->host_id < b->host_id; });
  return out;
}

std::vector<StoredHostPtr> HostCache::All() const {
  std::vector<StoredHostPtr> out;
  std::shared_lock lock(mu_);
  out.reserve(hosts_.size());
  for (const auto& [id, host] : hosts_) out.push_back(host);
  return out;
}

std::vector<StoredHostPtr> HostCache::Page(uint64_t after, size_t limit,
                                           std::optional<uint32_t> subnet_id) const {
  std::vector<StoredHostPtr> out;
  std::shared_lock lock(mu_);
  for (auto it = hosts_.upper_bound(after); it != hosts_.end() && out.size() < limit; ++it) {
    if (!subnet_id || it->second->reservation.subnet_id == *subnet_id) out.push_back(it->second);
  }
  return out;
}

size_t HostCache::size() const {
  std::shared_lock lock(mu_);
  return hosts_.size();
}

}  // namespace shoal::host_backend
