#include "server/block_claimer.h"

#include <algorithm>
#include <bit>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "server/serving_context.h"

namespace shoal::server {
namespace {

using lease_backend::AddressBlock;
using lease_backend::Lease4;

// Claims tried per ClaimMore call before giving up (each one round trip).
constexpr int kClaimTries = 8;
// After a ClaimMore that could claim nothing, the next try for that subnet
// waits this long (the allocator meanwhile picks addresses outside blocks).
constexpr std::chrono::seconds kRetryClaimsAfter(1);

// log2 of the block size for a pool: about a sixteenth of it, 16 to 1024.
int BlockBits(const config::Pool& pool) {
  const uint64_t size = uint64_t{pool.last.value()} - pool.first.value() + 1;
  const int bits = size < 32 ? 0 : static_cast<int>(std::bit_width(size / 16)) - 1;
  return std::clamp(bits, 4, 10);
}

uint64_t BlockSize(const config::Pool& pool) { return uint64_t{1} << BlockBits(pool); }

// The blocks of a subnet's pools, in address order, by index.
struct BlockList {
  struct Span {
    const config::Pool* pool;
    uint64_t first_start;  // aligned start of the pool's first block
    uint64_t count;
    uint64_t size;
  };
  std::vector<Span> spans;
  uint64_t total = 0;

  explicit BlockList(const config::Subnet4& subnet) {
    for (const config::Pool& pool : subnet.pools) {
      const uint64_t size = BlockSize(pool);
      const uint64_t start = pool.first.value() & ~(size - 1);
      const uint64_t count = (uint64_t{pool.last.value()} - start) / size + 1;
      spans.push_back({&pool, start, count, size});
      total += count;
    }
  }

  AddressBlock At(uint64_t index, uint32_t subnet_id) const {
    for (const Span& span : spans) {
      if (index < span.count) {
        const uint64_t start = span.first_start + index * span.size;
        return BlockClaimer::BlockOf(*span.pool, subnet_id,
                                     dhcp::Ipv4Address(static_cast<uint32_t>(start)));
      }
      index -= span.count;
    }
    return {};
  }
};

}  // namespace

BlockClaimer::BlockClaimer(std::shared_ptr<lease_backend::LeaseStore> store, std::string owner,
                           BlockClaimerOptions options, Background background)
    : store_(std::move(store)),
      claims_(*store_->block_claims()),
      owner_(std::move(owner)),
      options_(options),
      background_(std::move(background)),
      last_renew_(Clock::now()) {}

AddressBlock BlockClaimer::BlockOf(const config::Pool& pool, uint32_t subnet_id,
                                   dhcp::Ipv4Address address) {
  const uint64_t size = BlockSize(pool);
  const uint64_t start = address.value() & ~(size - 1);
  return AddressBlock{
      .first =
          dhcp::Ipv4Address(static_cast<uint32_t>(std::max<uint64_t>(start, pool.first.value()))),
      .last = dhcp::Ipv4Address(
          static_cast<uint32_t>(std::min<uint64_t>(start + size - 1, pool.last.value()))),
      .subnet_id = subnet_id};
}

size_t BlockClaimer::held_blocks() const {
  std::lock_guard lock(mu_);
  return held_.size();
}

uint64_t BlockClaimer::LowWater(const config::Subnet4& subnet) {
  if (subnet.pools.empty()) return 1;
  return BlockSize(subnet.pools.front()) / 4;
}

uint64_t BlockClaimer::FreeHeld(uint32_t subnet_id, const FreeAddressMap& map,
                                Clock::time_point now) const {
  uint64_t free = 0;
  for (const auto& [first, held] : held_) {
    if (held.block.subnet_id == subnet_id && !held.full && held.valid_until >= now) {
      free += map.FreeInRange(held.block.first, held.block.last);
    }
  }
  return free;
}

absl::StatusOr<bool> BlockClaimer::ClaimMore(const config::Subnet4& subnet, ServingContext& context,
                                             int64_t now) {
  FreeAddressMap* map = context.free_map(subnet.id);
  if (map == nullptr) return false;
  std::lock_guard claim_lock(claim_mu_);
  const BlockList blocks(subnet);
  if (blocks.total == 0) return false;
  uint64_t start;
  {
    std::lock_guard lock(mu_);
    if (released_) return false;
    // Another caller claimed while this one waited: use that first.
    if (FreeHeld(subnet.id, *map, Clock::now()) >= LowWater(subnet)) return true;
    // Every block looked taken a moment ago: do not ask again per message.
    if (auto quiet = give_up_until_.find(subnet.id);
        quiet != give_up_until_.end() && quiet->second > Clock::now()) {
      return false;
    }
    auto [it, fresh] = cursor_.try_emplace(subnet.id, 0);
    if (fresh) it->second = absl::HashOf(owner_, subnet.id) % blocks.total;
    start = it->second;
  }
  // Blocks the map shows free addresses in first; then any block, since the
  // map may be stale about blocks other nodes used and freed.
  int tries = 0;
  for (bool any : {false, true}) {
    for (uint64_t step = 0; step < blocks.total && tries < kClaimTries; ++step) {
      const uint64_t index = (start + step) % blocks.total;
      const AddressBlock block = blocks.At(index, subnet.id);
      {
        std::lock_guard lock(mu_);
        if (held_.contains(block.first.value())) continue;
        auto foreign = foreign_.find(block.first.value());
        if (foreign != foreign_.end()) {
          if (foreign->second > Clock::now()) continue;
          foreign_.erase(foreign);
        }
      }
      if (!any && map->FreeInRange(block.first, block.last) == 0) continue;
      ++tries;
      auto claimed = ClaimAndLoad(block, context, now);
      if (!claimed.ok()) return claimed.status();
      if (*claimed) {
        std::lock_guard lock(mu_);
        cursor_[subnet.id] = (index + 1) % blocks.total;
        return true;
      }
    }
  }
  std::lock_guard lock(mu_);
  give_up_until_[subnet.id] = Clock::now() + kRetryClaimsAfter;
  return false;
}

void BlockClaimer::TopUp(const config::Subnet4& subnet, ServingContext& context, int64_t now) {
  {
    std::lock_guard lock(mu_);
    if (!topping_up_.insert(subnet.id).second) return;
  }
  // The subnet belongs to the context's configuration: alive while it is
  // (its id is kept apart, for when the context is gone).
  background_([self = weak_from_this(), subnet = &subnet, subnet_id = subnet.id,
               weak_context = context.weak_from_this(), now] {
    std::shared_ptr<BlockClaimer> claimer = self.lock();
    if (claimer == nullptr) return;
    if (std::shared_ptr<ServingContext> alive = weak_context.lock()) {
      (void)claimer->ClaimMore(*subnet, *alive, now);  // a failure: the next Take asks again
    }
    std::lock_guard lock(claimer->mu_);
    claimer->topping_up_.erase(subnet_id);
  });
}

absl::StatusOr<bool> BlockClaimer::ClaimAndLoad(const AddressBlock& block, ServingContext& context,
                                                int64_t now) {
  const Clock::time_point asked = Clock::now();
  auto claimed = claims_.Claim(block, owner_, options_.claim_seconds);
  if (!claimed.ok()) return claimed.status();
  if (!*claimed) {
    std::lock_guard lock(mu_);
    // Its holder gives it up once it is full, within renew_seconds: ask
    // again after that.
    foreign_[block.first.value()] = asked + std::chrono::seconds(options_.renew_seconds);
    return false;
  }
  const uint64_t size = uint64_t{block.last.value()} - block.first.value() + 1;
  absl::StatusOr<std::vector<Lease4>> leases = store_->GetRange(block.first, block.last);
  if (!leases.ok()) {
    (void)claims_.Release(block.first, owner_);
    return leases.status();
  }
  Held held{
      .block = block,
      .valid_until = asked + std::chrono::seconds(options_.claim_seconds - options_.margin_seconds),
      .inactive_rows = {}};
  FreeAddressMap* map = context.free_map(block.subnet_id);
  std::vector<bool> active(size, false);
  for (const Lease4& lease : *leases) {
    if (lease.active(now)) {
      active[lease.address.value() - block.first.value()] = true;
    } else {
      held.inactive_rows[lease.address.value()] = lease.expire();
    }
  }
  // The map is brought up to date with the database: addresses other nodes
  // leased since this node read them become used, addresses they gave up
  // become free (unless offered or reserved here).
  for (uint64_t i = 0; i < size; ++i) {
    const dhcp::Ipv4Address address(static_cast<uint32_t>(block.first.value() + i));
    if (active[i]) {
      map->MarkUsed(address);
      continue;
    }
    if (context.offers().IsOffered(address)) continue;
    bool reserved = false;
    for (uint32_t scope : {block.subnet_id, uint32_t{0}}) {
      auto host = context.hosts().FindByAddress(scope, address);
      reserved = reserved || !host.ok() || host->has_value();
    }
    if (!reserved) map->MarkFree(address);
  }
  std::lock_guard lock(mu_);
  held_.insert_or_assign(block.first.value(), std::move(held));
  return true;
}

absl::Status BlockClaimer::Maintain(ServingContext& context) {
  const Clock::time_point now = Clock::now();
  {
    std::lock_guard lock(mu_);
    if (now - last_renew_ < std::chrono::seconds(options_.renew_seconds)) return absl::OkStatus();
  }
  // Not while a ClaimMore is between claiming a block in the database and
  // recording it in held_: the renewal would find a claim this node does not
  // track (and give it up while the node goes on to use the block), or miss
  // one it tracks a moment later (and forget it while the claim stays).
  // Lock order: claim_mu_, then mu_ (as in ClaimMore).
  std::lock_guard claim_lock(claim_mu_);
  auto renewed = claims_.Renew(owner_, options_.claim_seconds);
  if (!renewed.ok()) return renewed.status();
  std::vector<dhcp::Ipv4Address> release;
  {
    std::lock_guard lock(mu_);
    last_renew_ = now;
    absl::flat_hash_set<uint32_t> still_ours;
    for (dhcp::Ipv4Address first : *renewed) {
      still_ours.insert(first.value());
      // A claim in the table this node no longer tracks (e.g. its subnet was removed).
      if (!held_.contains(first.value())) release.push_back(first);
    }
    for (auto it = held_.begin(); it != held_.end();) {
      Held& held = it->second;
      if (!still_ours.contains(it->first)) {
        it = held_.erase(it);  // lapsed and taken over by another node
        continue;
      }
      FreeAddressMap* map = context.free_map(held.block.subnet_id);
      if (held.full || map == nullptr || map->FreeInRange(held.block.first, held.block.last) == 0) {
        release.push_back(held.block.first);
        it = held_.erase(it);
        continue;
      }
      held.valid_until =
          now + std::chrono::seconds(options_.claim_seconds - options_.margin_seconds);
      ++it;
    }
  }
  for (dhcp::Ipv4Address first : release) {
    if (absl::Status s = claims_.Release(first, owner_); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status BlockClaimer::ReleaseAll() {
  // After a ClaimMore in progress, so its claim is given up too.
  std::lock_guard claim_lock(claim_mu_);
  {
    std::lock_guard lock(mu_);
    held_.clear();
    released_ = true;
  }
  return claims_.ReleaseAll(owner_);
}

}  // namespace shoal::server
