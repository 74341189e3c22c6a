#include "server/free_address_map.h"

#include <algorithm>
#include <bit>

namespace shoal::server {

FreeAddressMap::FreeAddressMap(const config::Subnet4& subnet, uint64_t start_seed) {
  for (const config::Pool& pool : subnet.pools) {
    PoolBits bits{.client_class = pool.client_class,
                  .first = pool.first.value(),
                  .last = pool.last.value()};
    uint64_t size = uint64_t{bits.last} - bits.first + 1;
    bits.used.assign((size + 63) / 64, 0);
    // Bits past the end of the pool stay permanently used.
    if (size % 64 != 0) bits.used.back() = ~uint64_t{0} << (size % 64);
    bits.free = size;
    bits.cursor = static_cast<uint32_t>(start_seed % size);
    total_ += size;
    pools_.push_back(std::move(bits));
  }
}

bool FreeAddressMap::SameLayout(const config::Subnet4& subnet) const {
  if (subnet.pools.size() != pools_.size()) return false;
  for (size_t i = 0; i < pools_.size(); ++i) {
    if (subnet.pools[i].first.value() != pools_[i].first ||
        subnet.pools[i].last.value() != pools_[i].last ||
        subnet.pools[i].client_class != pools_[i].client_class) {
      return false;
    }
  }
  return true;
}

FreeAddressMap::PoolBits* FreeAddressMap::Find(uint32_t address) {
  for (PoolBits& pool : pools_) {
    if (address >= pool.first && address <= pool.last) return &pool;
  }
  return nullptr;
}

const FreeAddressMap::PoolBits* FreeAddressMap::Find(uint32_t address) const {
  return const_cast<FreeAddressMap*>(this)->Find(address);
}

std::optional<uint32_t> FreeAddressMap::TakeFrom(PoolBits& pool) {
  if (pool.free == 0) return std::nullopt;
  const size_t words = pool.used.size();
  size_t word = pool.cursor / 64;
  // Ignore bits below the cursor in the first word; come back to them last.
  uint64_t first_mask = ~uint64_t{0} << (pool.cursor % 64);
  for (size_t step = 0; step <= words; ++step) {
    size_t w = (word + step) % words;
    uint64_t candidates = ~pool.used[w];
    if (step == 0) candidates &= first_mask;
    if (candidates == 0) continue;
    unsigned bit = std::countr_zero(candidates);
    pool.used[w] |= uint64_t{1} << bit;
    --pool.free;
    uint32_t offset = static_cast<uint32_t>(w * 64 + bit);
    pool.cursor = offset + 1 > pool.last - pool.first ? 0 : offset + 1;
    return pool.first + offset;
  }
  return std::nullopt;
}

bool FreeAddressMap::TryTake(dhcp::Ipv4Address address) {
  std::lock_guard lock(mu_);
  PoolBits* pool = Find(address.value());
  if (pool == nullptr) return false;
  uint32_t offset = address.value() - pool->first;
  uint64_t bit = uint64_t{1} << (offset % 64);
  if (pool->used[offset / 64] & bit) return false;
  pool->used[offset / 64] |= bit;
  --pool->free;
  return true;
}

template <typename Visit>
void FreeAddressMap::ForEachWord(const PoolBits& pool, uint32_t first, uint32_t last, Visit visit) {
  const uint32_t lo = std::max(first, pool.first) - pool.first;
  const uint32_t hi = std::min(last, pool.last) - pool.first;
  if (first > pool.last || last < pool.first || lo > hi) return;
  for (uint32_t w = lo / 64; w <= hi / 64; ++w) {
    uint64_t mask = ~uint64_t{0};
    if (w == lo / 64) mask &= ~uint64_t{0} << (lo % 64);
    if (w == hi / 64 && hi % 64 != 63) mask &= (uint64_t{1} << (hi % 64 + 1)) - 1;
    if (visit(w, mask)) return;
  }
}

std::optional<dhcp::Ipv4Address> FreeAddressMap::TakeInRange(dhcp::Ipv4Address first,
                                                             dhcp::Ipv4Address last) {
  std::lock_guard lock(mu_);
  PoolBits* pool = Find(first.value());
  if (pool == nullptr || pool->free == 0) return std::nullopt;
  std::optional<dhcp::Ipv4Address> taken;
  ForEachWord(*pool, first.value(), last.value(), [&](uint32_t w, uint64_t mask) {
    uint64_t candidates = ~pool->used[w] & mask;
    if (candidates == 0) return false;
    unsigned bit = std::countr_zero(candidates);
    pool->used[w] |= uint64_t{1} << bit;
    --pool->free;
    taken = dhcp::Ipv4Address(pool->first + w * 64 + bit);
    return true;
  });
  return taken;
}

uint64_t FreeAddressMap::FreeInRange(dhcp::Ipv4Address first, dhcp::Ipv4Address last) const {
  std::lock_guard lock(mu_);
  const PoolBits* pool = Find(first.value());
  if (pool == nullptr) return 0;
  uint64_t n = 0;
  ForEachWord(*pool, first.value(), last.value(), [&](uint32_t w, uint64_t mask) {
    n += std::popcount(~pool->used[w] & mask);
    return false;
  });
  return n;
}

void FreeAddressMap::MarkUsed(dhcp::Ipv4Address address) { TryTake(address); }

void FreeAddressMap::MarkFree(dhcp::Ipv4Address address) {
  std::lock_guard lock(mu_);
  PoolBits* pool = Find(address.value());
  if (pool == nullptr) return;
  uint32_t offset = address.value() - pool->first;
  uint64_t bit = uint64_t{1} << (offset % 64);
  if (!(pool->used[offset / 64] & bit)) return;
  pool->used[offset / 64] &= ~bit;
  ++pool->free;
}

bool FreeAddressMap::InPool(dhcp::Ipv4Address address) const {
  return Find(address.value()) != nullptr;
}

const config::Pool* FindPool(const config::Subnet4& subnet, dhcp::Ipv4Address address) {
  for (const config::Pool& pool : subnet.pools) {
    if (address.value() >= pool.first.value() && address.value() <= pool.last.value()) {
      return &pool;
    }
  }
  return nullptr;
}

uint64_t FreeAddressMap::free() const {
  std::lock_guard lock(mu_);
  uint64_t n = 0;
  for (const PoolBits& pool : pools_) n += pool.free;
  return n;
}

}  // namespace shoal::server
