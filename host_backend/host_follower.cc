#include "host_backend/host_follower.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "db/schema.h"

namespace shoal::host_backend {
namespace {

constexpr const char* kChannel = "shoal_hosts4";

}  // namespace

HostFollower::HostFollower(HostFollowerOptions options, std::shared_ptr<HostCache> cache,
                           std::shared_ptr<spdlog::logger> log)
    : options_(std::move(options)), cache_(std::move(cache)), log_(std::move(log)) {
  status_.database = options_.database.Describe();
}

HostFollower::~HostFollower() { Stop(); }

void HostFollower::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Run(); });
}

void HostFollower::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool HostFollower::WaitForRevision(uint64_t revision, absl::Duration timeout) {
  std::unique_lock lock(mu_);
  return applied_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                           [&] { return status_.loaded && status_.revision >= revision; });
}

HostFollowerStatus HostFollower::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

void HostFollower::SetState(std::string state) {
  std::lock_guard lock(mu_);
  if (status_.state != state) {
    if (state == "connected") {
      log_->info("hosts database: connected to {}", options_.database.Describe());
    } else {
      log_->error("hosts database {}: {}", options_.database.Describe(), state);
    }
  }
  status_.state = std::move(state);
}

absl::Status HostFollower::Connect() {
  if (connection_ == nullptr) {
    auto connection = db::Connect(options_.database);
    if (!connection.ok()) return connection.status();
    // A database without shoal's host feed (schema 2.7) is named with the
    // shoal-admin command that fixes it.
    if (absl::Status s = db::CheckSchemaVersion(**connection); !s.ok()) return s;
    connection_ = std::move(*connection);
  }
  if (options_.database.dialect == db::Dialect::kPostgreSql && listener_ == nullptr) {
    auto listener = db::Connect(options_.database);
    if (!listener.ok()) return listener.status();
    if (absl::Status s = (*listener)->ExecuteDirect(absl::StrCat("LISTEN ", kChannel)); !s.ok()) {
      return s;
    }
    listener_ = std::move(*listener);
  }
  return absl::OkStatus();
}

absl::Status HostFollower::Sync() {
  auto head = ReadHostsHead(*connection_);
  if (!head.ok()) return head.status();
  uint64_t applied;
  bool loaded;
  {
    std::lock_guard lock(mu_);
    applied = status_.revision;
    loaded = status_.loaded;
  }
  if (loaded && head->revision == applied) return absl::OkStatus();
  HostProblems problems;
  if (!loaded || applied < head->pruned_through || head->revision < applied) {
    // First load, history pruned past us, or a database that went back
    // (restored or recreated): read everything.
    auto all = ReadAllHosts(*connection_, &problems);
    if (!all.ok()) return all.status();
    size_t count = all->size();
    cache_->ReplaceAll(std::move(*all));
    problems_.clear();
    log_->info("hosts database: {} reservation(s) loaded at revision {}", count, head->revision);
  } else {
    auto changed = ReadChangedHosts(*connection_, applied, head->revision);
    if (!changed.ok()) return changed.status();
    auto current = ReadHosts(*connection_, *changed, &problems);
    if (!current.ok()) return current.status();
    cache_->Update(*changed, std::move(*current));
    for (uint64_t id : *changed) problems_.erase(id);
    log_->info("hosts database: revision {} applied ({} host(s) changed)", head->revision,
                changed->size());
  }
  for (auto& [id, problem] : problems) {
    log_->error("hosts database: reservation left out: {}; correct or delete the row", problem);
    problems_[id] = std::move(problem);
  }
  std::lock_guard lock(mu_);
  status_.revision = head->revision;
  status_.loaded = true;
  status_.hosts = cache_->size();
  status_.problems.clear();
  for (const auto& [id, problem] : problems_) status_.problems.push_back(problem);
  applied_.notify_all();
  return absl::OkStatus();
}

void HostFollower::Prune() {
  next_prune_ = absl::Now() + options_.prune_interval;
  if (options_.database.readonly) return;  // a read-only user may not delete
  auto pruned = PruneHostChanges(*connection_, options_.retention_seconds);
  if (!pruned.ok()) log_->warn("pruning the hosts change feed: {}", pruned.status().ToString());
}

void HostFollower::Run() {
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) break;
    }
    absl::Status round = Connect();
    if (round.ok()) round = Sync();
    if (round.ok()) {
      failed_connects_ = 0;
      SetState("connected");
      if (absl::Now() >= next_prune_) Prune();
      Wait(listener_ != nullptr ? options_.max_wait : options_.poll_interval);
      continue;
    }
    ++failed_connects_;
    connection_.reset();
    listener_.reset();
    SetState(round.ToString());
    // Kea's reconnect policy first, then a slow steady rate for ever.
    Wait(failed_connects_ <= options_.database.max_reconnect_tries
             ? absl::Milliseconds(std::max<uint32_t>(options_.database.reconnect_wait_time_ms, 100))
             : options_.slow_retry);
  }
  connection_.reset();
  listener_.reset();
}

void HostFollower::Wait(absl::Duration limit) {
  const absl::Time deadline = absl::Now() + limit;
  while (true) {
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) return;
    if (listener_ == nullptr) {
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, absl::ToChronoNanoseconds(left), [this] { return stopping_; });
      return;
    }
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
    // Short slices so Stop is seen quickly.
    auto notified = listener_->WaitForNotification(std::min(left, absl::Milliseconds(50)));
    if (!notified.ok()) {
      // The next round LISTENs again before it reads the head.
      log_->warn("hosts database: notification session lost: {}", notified.status().ToString());
      listener_.reset();
      return;
    }
    if (*notified) return;
  }
}

}  // namespace shoal::host_backend
