#include "server/lease_reclaimer.h"

#include <limits>

namespace shoal::server {

absl::StatusOr<ReclaimResult> ReclaimLeases(ServingContext& context, int64_t now, bool remove,
                                            size_t limit, spdlog::logger& log) {
  lease_backend::LeaseStore& leases = context.leases();
  auto expired = leases.GetExpired(now, limit == 0 ? std::numeric_limits<size_t>::max() : limit);
  if (!expired.ok()) return expired.status();
  ReclaimResult result;
  for (const lease_backend::Lease4& lease : *expired) {
    absl::Status s;
    if (remove || lease.state == lease_backend::LeaseState::kDeclined) {
      s = leases.Delete(lease.address, lease.expire());
    } else {
      lease_backend::Lease4 reclaimed = lease;
      reclaimed.state = lease_backend::LeaseState::kExpiredReclaimed;
      reclaimed.hostname.clear();
      reclaimed.fqdn_fwd = reclaimed.fqdn_rev = false;
      s = leases.Update(reclaimed, lease.expire());
    }
    if (s.ok()) {
      context.MarkFree(lease.address);
      ++result.reclaimed;
    } else if (absl::IsAborted(s) || absl::IsNotFound(s)) {
      ++result.skipped;  // renewed or removed by someone else meanwhile
    } else if (absl::IsUnavailable(s)) {
      return s;
    } else {
      log.error("reclaiming lease {}: {}", lease.address.ToString(), s.ToString());
    }
  }
  return result;
}

}  // namespace shoal::server
