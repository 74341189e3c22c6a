#include "config_backend/config_follower.h"


#include <fstream>
#include <random>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "config/config_files.h"
#include "db/connection.h"

namespace shoal::config_backend {
namespace {

constexpr char kChannel[] = "shoal_config4";

std::string RandomNodeId() {
  std::random_device random;
  return absl::StrFormat("%08x%08x", random(), random());
}

absl::StatusOr<std::unique_ptr<ConfigStore>> DefaultFactory(const db::DatabaseParams& params) {
  auto store = SqlConfigStore::Create(params);
  if (!store.ok()) return store.status();
  return std::unique_ptr<ConfigStore>(std::move(*store));
}

}  // namespace

ConfigFollower::ConfigFollower(FollowerOptions options, ApplyFn apply, HealthFn health,
                               std::shared_ptr<spdlog::logger> log, StoreFactory factory)
    : options_(std::move(options)),
      tag_(NormalizeServerTag(options_.server_tag)),
      node_id_(RandomNodeId()),
      apply_(std::move(apply)),
      health_(std::move(health)),
      log_(std::move(log)),
      factory_(factory ? std::move(factory) : StoreFactory(DefaultFactory)) {}

ConfigFollower::~ConfigFollower() { Stop(); }

void ConfigFollower::Start() {
  thread_ = std::thread([this] { Run(); });
}

void ConfigFollower::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::shared_ptr<ConfigStore> store;
  {
    std::lock_guard lock(mu_);
    store = store_;
  }
  if (store) (void)store->RemoveNode(node_id_);
}

absl::Status ConfigFollower::Pull(absl::Duration timeout) {
  std::unique_lock lock(mu_);
  uint64_t ticket = ++pulls_requested_;
  wake_.notify_all();
  bool done = wake_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                             [&] { return pulls_done_ >= ticket || stopping_; });
  if (!done) {
    return absl::DeadlineExceededError(absl::StrCat(
        "the configuration database did not answer within ", absl::FormatDuration(timeout),
        " (", status_.database_state, ")"));
  }
  if (stopping_ && pulls_done_ < ticket) return absl::UnavailableError("the node is stopping");
  return last_round_;
}

FollowerStatus ConfigFollower::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

absl::StatusOr<std::vector<NodeRecord>> ConfigFollower::ListNodes() {
  std::shared_ptr<ConfigStore> store;
  {
    std::lock_guard lock(mu_);
    store = store_;
  }
  if (!store) {
    return absl::UnavailableError(
        absl::StrCat("not connected to the configuration database: ", status().database_state));
  }
  return store->ListNodes();
}

absl::StatusOr<FeedHead> ConfigFollower::ReadHead() {
  std::shared_ptr<ConfigStore> store;
  {
    std::lock_guard lock(mu_);
    store = store_;
  }
  if (!store) return absl::UnavailableError("not connected to the configuration database");
  return store->ReadHead();
}

void ConfigFollower::SetDatabaseState(std::string state) {
  std::lock_guard lock(mu_);
  if (status_.database_state != state) {
    if (state == "connected") {
      log_->info("configuration database: connected to {}", options_.database.Describe());
    } else {
      log_->error("configuration database: {}", state);
    }
  }
  status_.database_state = std::move(state);
}

absl::Status ConfigFollower::Connect() {
  bool have_store;
  {
    std::lock_guard lock(mu_);
    have_store = store_ != nullptr;
  }
  if (!have_store) {
    auto store = factory_(options_.database);
    if (!store.ok()) return store.status();
    std::lock_guard lock(mu_);
    store_ = std::move(*store);
  }
  if (options_.database.dialect == db::Dialect::kPostgreSql && listener_ == nullptr) {
    auto listener = db::Connect(options_.database);
    if (!listener.ok()) return listener.status();
    if (absl::Status s = (*listener)->ExecuteDirect(absl::StrCat("LISTEN ", kChannel)); !s.ok()) {
      return s;
    }
    listener_ = std::move(*listener);
    log_->info("configuration database: listening for changes (LISTEN {})", kChannel);
  }
  return absl::OkStatus();
}

void ConfigFollower::Disconnect() { listener_.reset(); }

void ConfigFollower::Run() {
  bool tried_copy = false;
  while (true) {
    uint64_t pulls_before, pulls_done;
    {
      std::lock_guard lock(mu_);
      if (stopping_) break;
      pulls_before = pulls_requested_;
      pulls_done = pulls_done_;
    }
    // With config-fetch-wait-time 0 the node reads the database only at
    // start and when asked (config-backend-pull); heartbeats go on.
    bool automatic = options_.fetch_wait != absl::ZeroDuration();
    bool fetch = automatic || !loaded_ || pulls_before > pulls_done;
    absl::Status round = Connect();
    if (round.ok() && fetch) round = Sync();
    if (round.ok()) {
      failed_connects_ = 0;
      SetDatabaseState("connected");
      if (absl::Now() >= next_heartbeat_) PublishNode();
      if (absl::Now() >= next_prune_) Prune();
    } else {
      ++failed_connects_;
      Disconnect();
      SetDatabaseState(round.ToString());
      if (!loaded_ && !tried_copy) {
        tried_copy = true;
        ApplyCopy();
      }
    }
    {
      std::lock_guard lock(mu_);
      last_round_ = round;
      pulls_done_ = std::max(pulls_done_, pulls_before);
    }
    wake_.notify_all();
    if (round.ok()) {
      absl::Duration limit = options_.fetch_wait == absl::ZeroDuration()
                                 ? absl::InfiniteDuration()
                                 : options_.fetch_wait;
      if (options_.database.dialect == db::Dialect::kMySql &&
          options_.fetch_wait != absl::ZeroDuration()) {
        limit = std::min(limit, options_.poll_interval);
      }
      Wait(std::min(limit, next_heartbeat_ - absl::Now()));
    } else {
      // Kea's reconnect policy first, then a slow steady rate for ever.
      absl::Duration wait = failed_connects_ <= options_.database.max_reconnect_tries
                                ? absl::Milliseconds(std::max<uint32_t>(
                                      options_.database.reconnect_wait_time_ms, 100))
                                : options_.slow_retry;
      Wait(wait);
    }
  }
  Disconnect();
}

int64_t ConfigFollower::live_seconds() const {
  // Six heartbeats missed: the node is gone (or cut off) and its applied
  // revision no longer holds back pruning.
  return std::max<int64_t>(1, 6 * absl::ToInt64Seconds(options_.heartbeat_interval));
}

void ConfigFollower::Prune() {
  next_prune_ = absl::Now() + options_.prune_interval;
  std::shared_ptr<ConfigStore> store;
  {
    std::lock_guard lock(mu_);
    store = store_;
  }
  auto pruned = store->Prune(options_.history_retention_seconds, live_seconds());
  if (!pruned.ok()) log_->warn("pruning configuration history: {}", pruned.status().ToString());
}

void ConfigFollower::Wait(absl::Duration limit) {
  absl::Time deadline = absl::Now() + std::max(limit, absl::ZeroDuration());
  uint64_t pulls_seen;
  {
    std::lock_guard lock(mu_);
    pulls_seen = pulls_done_;
  }
  auto interrupted = [&] { return stopping_ || pulls_requested_ > pulls_seen; };
  while (true) {
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) return;
    if (listener_ != nullptr && options_.fetch_wait != absl::ZeroDuration()) {
      {
        std::lock_guard lock(mu_);
        if (interrupted()) return;
      }
      // Short slices so a pull or stop is seen quickly.
      auto notified = listener_->WaitForNotification(std::min(left, absl::Milliseconds(50)));
      if (!notified.ok()) {
        // Lost: the next round opens a new LISTEN session before it reads
        // the revision, so nothing committed meanwhile is missed.
        log_->warn("configuration database: notification session lost: {}",
                   notified.status().ToString());
        listener_.reset();
        return;
      }
      if (*notified) return;
    } else {
      std::unique_lock lock(mu_);
      if (wake_.wait_for(lock, absl::ToChronoNanoseconds(left), interrupted)) return;
    }
  }
}

absl::Status ConfigFollower::Sync() {
  std::shared_ptr<ConfigStore> store;
  {
    std::lock_guard lock(mu_);
    store = store_;
  }
  auto head = store->ReadHead();
  if (!head.ok()) return head.status();
  uint64_t processed;
  {
    std::lock_guard lock(mu_);
    processed = status_.processed_revision;
    status_.database_revision = head->revision;
  }
  bool full = !loaded_ || head->pruned_through > processed || head->revision < processed;
  if (!full && head->revision == processed) return absl::OkStatus();
  ConfigObjects next;
  if (!full) {
    auto changes = store->ReadChanges(processed, head->revision);
    if (!changes.ok()) return changes.status();
    // Pruning may have run between the two reads: then the changes read may
    // be incomplete, and only a full load is safe.
    auto again = store->ReadHead();
    if (!again.ok()) return again.status();
    if (again->pruned_through > processed) {
      full = true;
    } else {
      next = objects_;
      if (absl::Status s = store->Refresh(tag_, *changes, next); !s.ok()) return s;
    }
  }
  if (full) {
    if (loaded_) {
      log_->info("configuration database: loading in full (revision {} -> {}{})", processed,
                 head->revision,
                 head->pruned_through > processed ? ", the history since was pruned" : "");
    }
    auto all = store->ReadAll(tag_);
    if (!all.ok()) return all.status();
    next = std::move(*all);
  }
  bool changed = !loaded_ || !(next == objects_);
  objects_ = std::move(next);
  loaded_ = true;
  {
    std::lock_guard lock(mu_);
    status_.processed_revision = head->revision;
  }
  if (changed) {
    Apply(head->revision);
  } else {
    // Nothing this node uses changed: it runs the newest revision as it is.
    bool advanced = false;
    {
      std::lock_guard lock(mu_);
      if (status_.config_state == "ok" && status_.applied_revision != head->revision) {
        status_.applied_revision = head->revision;
        advanced = true;
      }
    }
    if (advanced) PublishNode();
  }
  return absl::OkStatus();
}

void ConfigFollower::Apply(uint64_t revision) {
  absl::Status s = apply_(objects_, revision);
  {
    std::lock_guard lock(mu_);
    if (s.ok()) {
      status_.applied_revision = revision;
      status_.config_state = "ok";
      status_.from_copy = false;
    } else {
      status_.config_state =
          absl::StrCat("revision ", revision, " refused, serving revision ",
                       status_.applied_revision, ": ", s.message());
    }
  }
  if (s.ok()) {
    log_->info("configuration database: revision {} applied", revision);
    WriteCopy(revision);
  } else {
    log_->error("configuration database: revision {} refused, the node keeps its last good "
                "configuration: {}",
                revision, std::string(s.message()));
  }
  PublishNode();
}

void ConfigFollower::PublishNode() {
  std::shared_ptr<ConfigStore> store;
  NodeRecord node;
  {
    std::lock_guard lock(mu_);
    store = store_;
    node.applied_revision = status_.applied_revision;
    node.config_state = status_.config_state;
  }
  if (!store) return;
  next_heartbeat_ = absl::Now() + options_.heartbeat_interval;
  NodeHealth health = health_ ? health_() : NodeHealth{};
  node.node_id = node_id_;
  node.server_tag = tag_;
  node.hostname = options_.hostname;
  node.version = options_.version;
  node.lease_database_state = health.lease_database;
  node.hosts_database_state = health.hosts_database;
  if (absl::Status s = store->PublishNode(node); !s.ok()) {
    log_->warn("configuration database: publishing this node's state: {}", s.ToString());
  }
}

void ConfigFollower::WriteCopy(uint64_t revision) {
  if (options_.cache_path.empty()) return;
  std::string text =
      nlohmann::json{{"revision", revision}, {"server-tag", tag_}, {"objects", objects_.ToJson()}}
          .dump();
  if (absl::Status s = config::WriteFileAtomically(options_.cache_path, text); !s.ok()) {
    log_->warn("cannot keep a copy of the configuration: {}", s.ToString());
  }
}

bool ConfigFollower::ApplyCopy() {
  if (options_.cache_path.empty()) return false;
  std::ifstream in(options_.cache_path);
  if (!in) {
    log_->warn("configuration database unreachable and no copy in {}: serving nothing from the "
               "database until it is back",
               options_.cache_path);
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json copy = nlohmann::json::parse(text.str(), nullptr, false);
  absl::StatusOr<ConfigObjects> objects =
      copy.is_object() && copy.contains("objects")
          ? ConfigObjects::FromJson(copy["objects"])
          : absl::InvalidArgumentError("not a JSON map with \"objects\"");
  if (!objects.ok() || copy.value("server-tag", "") != tag_ ||
      !copy.value("revision", nlohmann::json()).is_number_unsigned()) {
    log_->error("ignoring the configuration copy {}: {}", options_.cache_path,
                objects.ok() ? "written for another server tag" : objects.status().ToString());
    return false;
  }
  uint64_t revision = copy["revision"].get<uint64_t>();
  absl::Status s = apply_(*objects, revision);
  if (!s.ok()) {
    log_->error("the configuration copy {} (revision {}) was refused: {}", options_.cache_path,
                revision, std::string(s.message()));
    return false;
  }
  log_->warn("configuration database unreachable: serving the copy of revision {} from {} until "
             "it is back",
             revision, options_.cache_path);
  std::lock_guard lock(mu_);
  status_.applied_revision = revision;
  status_.from_copy = true;
  return true;
}

}  // namespace shoal::config_backend
