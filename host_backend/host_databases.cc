#include "host_backend/host_databases.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"

namespace shoal::host_backend {

absl::StatusOr<std::shared_ptr<HostDatabases>> HostDatabases::Open(
    const std::vector<config::DatabaseConfig>& databases, std::shared_ptr<spdlog::logger> log) {
  std::shared_ptr<HostDatabases> opened(new HostDatabases());
  opened->configs_ = databases;
  for (size_t i = 0; i < databases.size(); ++i) {
    auto params = db::DatabaseParams::FromJson(
        databases[i].raw, databases.size() == 1 ? "hosts-database"
                                                : absl::StrCat("hosts-databases[", i, "]"));
    if (!params.ok()) return params.status();
    auto cache = std::make_shared<HostCache>();
    opened->caches_.push_back(cache);
    opened->followers_.push_back(
        std::make_unique<HostFollower>(HostFollowerOptions{.database = *params}, cache, log));
  }
  for (auto& follower : opened->followers_) follower->Start();
  return opened;
}

HostDatabases::~HostDatabases() {
  for (auto& follower : followers_) follower->Stop();
}

absl::StatusOr<size_t> HostDatabases::Writable() const {
  if (followers_.empty()) {
    return absl::FailedPreconditionError(
        "there is no hosts-database configured: add one (hosts-database or hosts-databases) "
        "to write reservations");
  }
  for (size_t i = 0; i < followers_.size(); ++i) {
    if (!followers_[i]->database().readonly) return i;
  }
  return absl::FailedPreconditionError(
      "every hosts database is configured readonly: reservations cannot be written");
}

bool HostDatabases::WaitLoaded(absl::Duration timeout) const {
  const absl::Time deadline = absl::Now() + timeout;
  bool all = true;
  for (const auto& follower : followers_) {
    all = follower->WaitForRevision(0, std::max(deadline - absl::Now(), absl::ZeroDuration())) &&
          all;
  }
  return all;
}

std::vector<std::shared_ptr<const HostCache>> HostDatabases::caches() const {
  return {caches_.begin(), caches_.end()};
}

std::string HostDatabases::state() const {
  if (followers_.empty()) return "none";
  std::vector<std::string> problems;
  for (const auto& follower : followers_) {
    HostFollowerStatus s = follower->status();
    if (s.state != "connected") {
      problems.push_back(absl::StrCat(follower->database().Describe(), ": ", s.state));
    }
  }
  return problems.empty() ? "connected" : absl::StrJoin(problems, "; ");
}

std::vector<HostFollowerStatus> HostDatabases::statuses() const {
  std::vector<HostFollowerStatus> out;
  for (const auto& follower : followers_) out.push_back(follower->status());
  return out;
}

}  // namespace shoal::host_backend
