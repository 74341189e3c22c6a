// FreeAddressMap: which addresses of a subnet's pools are free to hand out,
// kept in memory as one bit per address, so allocation never scans the lease
// store. Finding a free address scans 64 addresses per machine word, starting
// after the last one handed out (an iterative allocator, as Kea's default).
//
// An address is "used" while it is leased (state default or declined),
// reserved for a host, or offered to a client. The map is a cache of that
// truth: the lease store stays authoritative, and a lost race (the store says
// an address the map thought free is taken) is repaired by MarkUsed().
//
// Thread-safe: one mutex per map (one map per subnet).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"

namespace shoal::server {

// The pool of `subnet` that holds `address`, or nullptr.
const config::Pool* FindPool(const config::Subnet4& subnet, dhcp::Ipv4Address address);

class FreeAddressMap {
 public:
  // `start_seed` picks where in each pool the search starts, so nodes sharing
  // a lease database start in different places and rarely race for the same
  // address (0 = the start of each pool).
  explicit FreeAddressMap(const config::Subnet4& subnet, uint64_t start_seed = 0);

  // Whether `subnet` has exactly this map's pools (same ranges and
  // client-class, in order). A new configuration whose subnet has the same
  // layout shares this map with the configuration it replaces, so the
  // allocation state carries over the swap with nothing copied or re-read
  // and no address taken meanwhile is missed. The map keeps nothing of the
  // configuration it was built from.
  bool SameLayout(const config::Subnet4& subnet) const;

  // Takes the next free address from the pools a client may use (pools with
  // a client-class are skipped unless `class_allowed` says yes) and marks it
  // used. nullopt when every pool is full.
  template <typename ClassAllowed>
  std::optional<dhcp::Ipv4Address> Take(ClassAllowed class_allowed);
  std::optional<dhcp::Ipv4Address> Take() {
    return Take([](const std::string&) { return false; });
  }
  // Marks `address` used if it is free; false if it was already used or is
  // outside every pool.
  bool TryTake(dhcp::Ipv4Address address);

  // Takes the lowest free address in [first, last] (a range inside one pool)
  // and marks it used; nullopt when the range has none free.
  std::optional<dhcp::Ipv4Address> TakeInRange(dhcp::Ipv4Address first, dhcp::Ipv4Address last);
  // Free addresses in [first, last] (a range inside one pool).
  uint64_t FreeInRange(dhcp::Ipv4Address first, dhcp::Ipv4Address last) const;

  void MarkUsed(dhcp::Ipv4Address address);
  void MarkFree(dhcp::Ipv4Address address);
  bool InPool(dhcp::Ipv4Address address) const;

  uint64_t total() const { return total_; }
  uint64_t free() const;

 private:
  struct PoolBits {
    std::string client_class;  // the pool's guard; empty: everyone
    uint32_t first;
    uint32_t last;
    std::vector<uint64_t> used;  // bit i = address first + i
    uint32_t cursor = 0;         // next offset to try
    uint64_t free = 0;
  };

  PoolBits* Find(uint32_t address);
  const PoolBits* Find(uint32_t address) const;
  static std::optional<uint32_t> TakeFrom(PoolBits& pool);
  // Calls visit(word index, mask of the range's bits in that word) for each
  // word of `pool` that [first, last] covers; stops when visit returns true.
  template <typename Visit>
  static void ForEachWord(const PoolBits& pool, uint32_t first, uint32_t last, Visit visit);

  mutable std::mutex mu_;
  std::vector<PoolBits> pools_;
  uint64_t total_ = 0;
};

template <typename ClassAllowed>
std::optional<dhcp::Ipv4Address> FreeAddressMap::Take(ClassAllowed class_allowed) {
  std::lock_guard lock(mu_);
  for (PoolBits& pool : pools_) {
    if (!pool.client_class.empty() && !class_allowed(pool.client_class)) continue;
    if (auto address = TakeFrom(pool)) return dhcp::Ipv4Address(*address);
  }
  return std::nullopt;
}

}  // namespace shoal::server
