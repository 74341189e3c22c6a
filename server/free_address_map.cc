#include "server/free_address_map.h"

#include <bit>

namespace shoal::server {

FreeAddressMap::FreeAddressMap(const config::Subnet4& subnet, uint64_t start_seed) {
  for (const config::Pool& pool : subnet.pools) {
    PoolBits bits{.pool = &pool, .first = pool.first.value(), .last = pool.last.value()};
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

const config::Pool* FreeAddressMap::PoolOf(dhcp::Ipv4Address address) const {
  const PoolBits* pool = Find(address.value());
  return pool == nullptr ? nullptr : pool->pool;
}

uint64_t FreeAddressMap::free() const {
  std::lock_guard lock(mu_);
  uint64_t n = 0;
  for (const PoolBits& pool : pools_) n += pool.free;
  return n;
}

}  // namespace shoal::server
