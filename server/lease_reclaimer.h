// Expired-lease reclamation (Kea's `expired-leases-processing`): leases in
// state default or declined whose lifetime ended are either deleted or kept
// in state expired-reclaimed for lease affinity, and their addresses go back
// to the free-address maps. Every change is conditional on the expire time
// read, so a lease another node renewed meanwhile is left alone.
// Stateless; safe to call from any thread.
#pragma once

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "server/serving_context.h"
#include "spdlog/logger.h"

namespace shoal::server {

struct ReclaimResult {
  size_t reclaimed = 0;  // deleted or moved to expired-reclaimed
  size_t skipped = 0;    // changed by someone else since it was read
};

// Reclaims at most `limit` (0 = all) leases that expired before `now`.
// `remove` deletes them instead of keeping them for affinity; declined
// leases are always deleted (they have no client to be affine to).
absl::StatusOr<ReclaimResult> ReclaimLeases(ServingContext& context, int64_t now, bool remove,
                                            size_t limit, spdlog::logger& log);

}  // namespace shoal::server
