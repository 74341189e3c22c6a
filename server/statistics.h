// Statistics: the node's statistics under Kea's DHCPv4 names, in Kea's sample
// format ({"name": [[value, "YYYY-MM-DD hh:mm:ss.ffffff"], ...]}, newest
// first, local time), for statistic-get/-get-all/-reset/-reset-all/-remove/
// -remove-all and stat-lease4-get.
//
// Where the values come from (nothing here is on the packet path):
//  - pkt4-*: the server's PacketCounters (lock-free atomics), read as is;
//  - subnet[N].total-addresses: the pool sizes of configured subnet N;
//  - subnet[N].assigned-addresses / declined-addresses and the global
//    declined-addresses: LeaseStore::CountBySubnet(), asked when a command
//    reads them, so every node of a cluster sharing one lease database
//    reports the same numbers and no counter row is written per lease.
//    As in Kea, assigned-addresses includes declined leases (a declined
//    address stays "assigned" until it is reclaimed).
// subnet[N].cumulative-assigned-addresses is not kept (it would need a
// counter on the allocation path); statistic-get on it answers {} as for any
// unknown name.
//
// Samples: a statistic's sample list records each value this object observed
// (when a command read it and it differed from the newest sample), with the
// time of that observation; at most kMaxSamples (Kea's default, 20) are kept.
// Reset and remove follow Kea: reset makes the value 0 from now on (the
// reported value is the source value minus the value at reset, exactly what
// Kea's counters show after a reset), remove hides a statistic until its
// source value changes again (Kea re-creates a statistic when it is next
// recorded). Subnet statistics start afresh whenever the configuration
// changes (Kea recalculates them on reconfiguration).
//
// Threading: every method may be called from any thread; one mutex guards the
// sample lists. Lease store errors come back as the store's Status.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "nlohmann/json.hpp"
#include "server/packet_counters.h"
#include "server/serving_context.h"

namespace shoal::server {

// One configured subnet's address usage.
struct SubnetUsage {
  uint32_t subnet_id = 0;
  int64_t total = 0;     // addresses in the subnet's pools
  int64_t assigned = 0;  // leases in state default or declined
  int64_t declined = 0;  // leases in state declined
};

// Usage of every subnet of `context`'s configuration, in configuration order.
absl::StatusOr<std::vector<SubnetUsage>> ComputeSubnetUsage(ServingContext& context);

// "YYYY-MM-DD hh:mm:ss.ffffff" in local time, as Kea prints sample times.
std::string FormatStatisticTime(std::chrono::system_clock::time_point time);

class Statistics {
 public:
  static constexpr size_t kMaxSamples = 20;

  using ContextSource = std::function<std::shared_ptr<ServingContext>()>;
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  // `counters` must outlive this object; `context` returns the current
  // configuration snapshot.
  Statistics(
      const PacketCounters& counters, ContextSource context,
      Clock clock = [] { return std::chrono::system_clock::now(); });
  Statistics(const Statistics&) = delete;
  Statistics& operator=(const Statistics&) = delete;

  // {"<name>": [[value, "time"], ...]}, or nullopt when no such statistic
  // exists (unknown name, or removed and unchanged since).
  absl::StatusOr<std::optional<nlohmann::json>> Get(const std::string& name);
  // Every statistic that exists, as one map of name -> samples.
  absl::StatusOr<nlohmann::json> GetAll();
  // NotFound (naming the statistic) when it does not exist.
  absl::Status Reset(const std::string& name);
  absl::Status Remove(const std::string& name);
  absl::Status ResetAll();
  absl::Status RemoveAll();

  std::shared_ptr<ServingContext> context() const { return context_(); }

 private:
  struct Sample {
    int64_t value;
    std::chrono::system_clock::time_point time;
  };
  struct Entry {
    int64_t baseline = 0;               // source value that reads as 0
    std::optional<int64_t> removed_at;  // set while removed
    std::deque<Sample> samples;         // newest first
  };

  enum class Action { kReset, kRemove };
  // Resets or removes `only` (NotFound when it is unknown or removed) or,
  // when null, every statistic still present.
  absl::Status Apply(const std::string* only, Action action);
  // Source values of every statistic (or of `only`, if given and known).
  absl::StatusOr<std::map<std::string, int64_t>> SourceValues(const std::string* only);
  // Drops subnet entries when the configuration changed since the last call.
  void SyncConfigLocked(const std::shared_ptr<ServingContext>& context)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Records `source` for `name`; the entry's samples, or nullptr if removed.
  const std::deque<Sample>* ObserveLocked(const std::string& name, int64_t source,
                                          std::chrono::system_clock::time_point now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  static nlohmann::json SamplesJson(const std::deque<Sample>& samples);

  const PacketCounters& counters_;
  ContextSource context_;
  Clock clock_;
  absl::Mutex mu_;
  std::map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
  std::weak_ptr<const config::Config> seen_config_ ABSL_GUARDED_BY(mu_);
};

}  // namespace shoal::server
