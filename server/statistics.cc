#include "server/statistics.h"

#include <time.h>

#include <cstdio>

#include "absl/container/flat_hash_map.h"

namespace shoal::server {
namespace {

constexpr char kDeclinedAddresses[] = "declined-addresses";

std::string SubnetStatName(uint32_t id, const char* what) {
  return "subnet[" + std::to_string(id) + "]." + what;
}

bool IsPacketStat(const std::string& name) { return name.rfind("pkt4-", 0) == 0; }
bool IsLeaseStat(const std::string& name) {
  return name.rfind("subnet[", 0) == 0 || name == kDeclinedAddresses;
}

}  // namespace

absl::StatusOr<std::vector<SubnetUsage>> ComputeSubnetUsage(ServingContext& context) {
  auto counts = context.leases().CountBySubnet();
  if (!counts.ok()) return counts.status();
  absl::flat_hash_map<uint32_t, lease_backend::SubnetLeaseCount> by_id;
  for (const auto& count : *counts) by_id[count.subnet_id] = count;
  std::vector<SubnetUsage> usage;
  for (const config::Subnet4& subnet : context.config().subnets) {
    SubnetUsage u{.subnet_id = subnet.id};
    for (const config::Pool& pool : subnet.pools) {
      if (pool.last.value() >= pool.first.value()) {
        u.total += int64_t{pool.last.value()} - int64_t{pool.first.value()} + 1;
      }
    }
    if (auto it = by_id.find(subnet.id); it != by_id.end()) {
      u.declined = static_cast<int64_t>(it->second.declined);
      u.assigned = static_cast<int64_t>(it->second.assigned) + u.declined;
    }
    usage.push_back(u);
  }
  return usage;
}

std::string FormatStatisticTime(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto since_epoch = duration_cast<microseconds>(time.time_since_epoch());
  time_t seconds = static_cast<time_t>(duration_cast<std::chrono::seconds>(since_epoch).count());
  int64_t micros = since_epoch.count() % 1000000;
  if (micros < 0) {
    micros += 1000000;
    --seconds;
  }
  struct tm local;
  localtime_r(&seconds, &local);
  char text[64];
  std::snprintf(text, sizeof(text), "%04d-%02d-%02d %02d:%02d:%02d.%06lld", local.tm_year + 1900,
                local.tm_mon + 1, local.tm_mday, local.tm_hour, local.tm_min, local.tm_sec,
                static_cast<long long>(micros));
  return text;
}

Statistics::Statistics(const PacketCounters& counters, ContextSource context, Clock clock)
    : counters_(counters), context_(std::move(context)), clock_(std::move(clock)) {}

absl::StatusOr<std::map<std::string, int64_t>> Statistics::SourceValues(const std::string* only) {
  std::map<std::string, int64_t> values;
  if (only == nullptr || IsPacketStat(*only)) {
    for (size_t i = 0; i < static_cast<size_t>(PacketCounter::kCount); ++i) {
      auto counter = static_cast<PacketCounter>(i);
      std::string name(PacketCounterName(counter));
      if (only != nullptr && name != *only) continue;
      values[name] = counters_.Get(counter);
    }
  }
  if (only == nullptr || IsLeaseStat(*only)) {
    std::shared_ptr<ServingContext> context = context_();
    auto usage = ComputeSubnetUsage(*context);
    if (!usage.ok()) return usage.status();
    int64_t declined = 0;
    for (const SubnetUsage& u : *usage) {
      values[SubnetStatName(u.subnet_id, "total-addresses")] = u.total;
      values[SubnetStatName(u.subnet_id, "assigned-addresses")] = u.assigned;
      values[SubnetStatName(u.subnet_id, "declined-addresses")] = u.declined;
      declined += u.declined;
    }
    values[kDeclinedAddresses] = declined;
    if (only != nullptr) {
      auto it = values.find(*only);
      if (it == values.end()) return std::map<std::string, int64_t>{};
      return std::map<std::string, int64_t>{*it};
    }
  }
  return values;
}

void Statistics::SyncConfigLocked(const std::shared_ptr<ServingContext>& context) {
  std::shared_ptr<const config::Config> current = context->config_ptr();
  if (seen_config_.lock() == current) return;
  seen_config_ = current;
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = IsLeaseStat(it->first) ? entries_.erase(it) : std::next(it);
  }
}

const std::deque<Statistics::Sample>* Statistics::ObserveLocked(
    const std::string& name, int64_t source, std::chrono::system_clock::time_point now) {
  Entry& entry = entries_[name];
  if (entry.removed_at) {
    if (source == *entry.removed_at) return nullptr;
    // Recorded again after remove: a new statistic counting from there.
    entry.baseline = *entry.removed_at;
    entry.removed_at.reset();
    entry.samples.clear();
  }
  const int64_t value = source - entry.baseline;
  if (entry.samples.empty() || entry.samples.front().value != value) {
    entry.samples.push_front({value, now});
    while (entry.samples.size() > kMaxSamples) entry.samples.pop_back();
  }
  return &entry.samples;
}

nlohmann::json Statistics::SamplesJson(const std::deque<Sample>& samples) {
  nlohmann::json list = nlohmann::json::array();
  for (const Sample& s : samples) list.push_back({s.value, FormatStatisticTime(s.time)});
  return list;
}

absl::StatusOr<std::optional<nlohmann::json>> Statistics::Get(const std::string& name) {
  auto values = SourceValues(&name);
  if (!values.ok()) return values.status();
  auto it = values->find(name);
  if (it == values->end()) return std::nullopt;
  std::shared_ptr<ServingContext> context = context_();
  absl::MutexLock lock(&mu_);
  SyncConfigLocked(context);
  const std::deque<Sample>* samples = ObserveLocked(name, it->second, clock_());
  if (samples == nullptr) return std::nullopt;
  return nlohmann::json{{name, SamplesJson(*samples)}};
}

absl::StatusOr<nlohmann::json> Statistics::GetAll() {
  auto values = SourceValues(nullptr);
  if (!values.ok()) return values.status();
  std::shared_ptr<ServingContext> context = context_();
  const auto now = clock_();
  nlohmann::json all = nlohmann::json::object();
  absl::MutexLock lock(&mu_);
  SyncConfigLocked(context);
  for (const auto& [name, source] : *values) {
    if (const std::deque<Sample>* samples = ObserveLocked(name, source, now)) {
      all[name] = SamplesJson(*samples);
    }
  }
  return all;
}

absl::Status Statistics::Reset(const std::string& name) { return Apply(&name, Action::kReset); }

absl::Status Statistics::Remove(const std::string& name) { return Apply(&name, Action::kRemove); }

absl::Status Statistics::ResetAll() { return Apply(nullptr, Action::kReset); }

absl::Status Statistics::RemoveAll() { return Apply(nullptr, Action::kRemove); }

absl::Status Statistics::Apply(const std::string* only, Action action) {
  auto values = SourceValues(only);
  if (!values.ok()) return values.status();
  const std::string not_found = only ? "No '" + *only + "' statistic found" : "";
  if (only != nullptr && !values->contains(*only)) return absl::NotFoundError(not_found);
  std::shared_ptr<ServingContext> context = context_();
  const auto now = clock_();
  absl::MutexLock lock(&mu_);
  SyncConfigLocked(context);
  for (const auto& [name, source] : *values) {
    if (only != nullptr && name != *only) continue;
    if (ObserveLocked(name, source, now) == nullptr) {  // removed stays removed
      if (only != nullptr) return absl::NotFoundError(not_found);
      continue;
    }
    Entry& entry = entries_[name];
    entry.samples.clear();
    if (action == Action::kReset) {
      entry.baseline = source;
      entry.samples.push_front({0, now});
    } else {
      entry.removed_at = source;
    }
  }
  return absl::OkStatus();
}

}  // namespace shoal::server
