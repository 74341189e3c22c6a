// BlockClaimer: this node's share of the pools when its lease database is
// shared with other nodes (lease_backend/address_block_claims.h).
//
// Every pool is cut into blocks: aligned ranges of 2^k addresses (16 to 1024,
// about a sixteenth of the pool) intersected with the pool, so nodes with the
// same pools cut them the same way. A node claims a block when it runs low on
// free addresses in the blocks it holds, reads the block's leases once (one
// range query) to bring its in-memory map up to date, and from then on hands
// out the block's free addresses straight from the map: no other node takes
// a new address in a block this node holds, so an offer needs no read. It
// remembers the expire of every lease row in the block that is not active
// (expired, reclaimed), so taking such an address updates that row
// conditionally without reading it first.
//
// The packet path never waits for a claim while the node still has free
// addresses: when a subnet's held blocks run low, TopUp() claims the next
// block on a background executor (the server's maintenance thread), and only
// a subnet with nothing left claims while a message waits (ClaimMore).
//
// Claims are renewed by Maintain() (every few seconds, from the maintenance
// thread) and given up when their block is full (other nodes may then reuse
// what frees up there) and by ReleaseAll() when the node stops. A block whose
// claim was not renewed in time is no longer used; the allocator then checks
// each address in the database as before. None of this replaces the
// conditional lease writes: they still decide every race.
//
// Thread-safe. Lock order: the claimer's mutex, then a FreeAddressMap's.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "config/config.h"
#include "lease_backend/address_block_claims.h"
#include "lease_backend/lease_store.h"
#include "server/free_address_map.h"

namespace shoal::server {

class ServingContext;

struct BlockClaimerOptions {
  int claim_seconds = 30;   // lifetime of a claim in the database
  int renew_seconds = 5;    // Maintain() renews claims this often
  int margin_seconds = 10;  // stop using a claim this long before it lapses
};

// Always held by std::shared_ptr (TopUp tasks hold it weakly).
class BlockClaimer : public std::enable_shared_from_this<BlockClaimer> {
 public:
  using Clock = std::chrono::steady_clock;

  // Runs a task off the packet path, some time later, on one thread.
  using Background = std::function<void(std::function<void()>)>;

  // `store` must offer block_claims(). `owner`: this node's name in the
  // claims table (unique per running node). `background`: where TopUp()
  // claims.
  BlockClaimer(std::shared_ptr<lease_backend::LeaseStore> store, std::string owner,
               BlockClaimerOptions options, Background background);

  const std::string& owner() const { return owner_; }

  struct Pick {
    dhcp::Ipv4Address address;
    // Set when the block's read found an inactive lease row at the address.
    std::optional<int64_t> row_expire;
    // The subnet's held blocks are nearly used up: claim another (ClaimMore).
    bool running_low = false;
  };
  // Takes a free address of a held block of `subnet` from `map`, in pools
  // `class_allowed` permits (as FreeAddressMap::Take), marking it used.
  template <typename ClassAllowed>
  std::optional<Pick> Take(const config::Subnet4& subnet, FreeAddressMap& map,
                           ClassAllowed class_allowed);

  // Claims one more block of `subnet` with free addresses and reads its
  // leases into `context`'s map. False when no block could be claimed.
  // One caller at a time claims; others wait and see its result.
  absl::StatusOr<bool> ClaimMore(const config::Subnet4& subnet, ServingContext& context,
                                 int64_t now);
  // ClaimMore on the background executor, for a subnet running low (a Pick
  // with running_low): at most one top-up per subnet is queued or running.
  // The task holds `context` (owned by a shared_ptr, as every
  // ServingContext is) only weakly: once it is gone, so is the task.
  void TopUp(const config::Subnet4& subnet, ServingContext& context, int64_t now);

  // Renews the claims (when renew_seconds have passed), forgets blocks
  // another node took over, gives up full blocks.
  absl::Status Maintain(ServingContext& context);
  // Gives up every claim of this node; it claims nothing after that.
  absl::Status ReleaseAll();

  // Blocks held (for status and tests).
  size_t held_blocks() const;

  // The block of `pool` that holds `address` (exposed for tests).
  static lease_backend::AddressBlock BlockOf(const config::Pool& pool, uint32_t subnet_id,
                                             dhcp::Ipv4Address address);

 private:
  struct Held {
    lease_backend::AddressBlock block;
    Clock::time_point valid_until;
    bool full = false;  // the map had no free address left in it
    absl::flat_hash_map<uint32_t, int64_t> inactive_rows;  // address -> expire
  };

  // Below this many free addresses in its held blocks a subnet claims another.
  static uint64_t LowWater(const config::Subnet4& subnet);
  // Free addresses left in the usable held blocks of `subnet_id`.
  uint64_t FreeHeld(uint32_t subnet_id, const FreeAddressMap& map, Clock::time_point now) const;
  // Claims `block` and loads it; false if another node holds it.
  absl::StatusOr<bool> ClaimAndLoad(const lease_backend::AddressBlock& block,
                                    ServingContext& context, int64_t now);

  const std::shared_ptr<lease_backend::LeaseStore> store_;
  lease_backend::AddressBlockClaims& claims_;
  const std::string owner_;
  const BlockClaimerOptions options_;
  const Background background_;

  mutable std::mutex mu_;
  absl::btree_map<uint32_t, Held> held_;                       // by first address
  absl::flat_hash_map<uint32_t, Clock::time_point> foreign_;  // held elsewhere, until
  absl::flat_hash_map<uint32_t, uint64_t> cursor_;            // subnet -> next block index
  absl::flat_hash_map<uint32_t, Clock::time_point> give_up_until_;  // subnet -> no claims
  Clock::time_point last_renew_;
  absl::flat_hash_set<uint32_t> topping_up_;  // subnets with a TopUp queued or running
  bool released_ = false;                     // ReleaseAll was called

  std::mutex claim_mu_;  // one ClaimMore at a time
};

template <typename ClassAllowed>
std::optional<BlockClaimer::Pick> BlockClaimer::Take(const config::Subnet4& subnet,
                                                     FreeAddressMap& map,
                                                     ClassAllowed class_allowed) {
  const Clock::time_point now = Clock::now();
  std::lock_guard lock(mu_);
  for (auto& [first, held] : held_) {
    if (held.block.subnet_id != subnet.id || held.full || held.valid_until < now) continue;
    const config::Pool* pool = FindPool(subnet, held.block.first);
    if (pool == nullptr) continue;
    if (!pool->client_class.empty() && !class_allowed(pool->client_class)) continue;
    std::optional<dhcp::Ipv4Address> address = map.TakeInRange(held.block.first, held.block.last);
    if (!address) {
      held.full = true;
      continue;
    }
    Pick pick{.address = *address, .row_expire = std::nullopt};
    if (auto row = held.inactive_rows.find(address->value()); row != held.inactive_rows.end()) {
      pick.row_expire = row->second;
      held.inactive_rows.erase(row);
    }
    pick.running_low = FreeHeld(subnet.id, map, now) < LowWater(subnet);
    return pick;
  }
  return std::nullopt;
}

}  // namespace shoal::server
