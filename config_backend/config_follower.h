// ConfigFollower: keeps one node's configuration in step with the
// configuration database (docs/config-database.md).
//
// A thread of its own:
//  - connects (with the database's reconnect-wait-time / max-reconnect-tries,
//    then every `slow_retry` for ever: it never gives up), and on
//    PostgreSQL LISTENs on shoal_config4 before reading the revision, so no
//    change falls in a gap;
//  - reads the newest revision; at first, or when the history it needs was
//    pruned, loads everything bound to the node's tag; otherwise reads the
//    changes since the revision it processed and re-reads only the objects
//    they name;
//  - hands the objects to `apply` (which merges them into the node's file
//    and reconfigures); a revision whose configuration is refused is named
//    in status() and the log, the node keeps its last good configuration and
//    the next revision is tried again;
//  - waits: PostgreSQL for a NOTIFY, MySQL/MariaDB for `poll_interval`
//    (a one-row read), never longer than `fetch_wait` (0 = no automatic
//    updates, as Kea's config-fetch-wait-time 0); Pull() checks at once;
//  - publishes the node's row (config4_node) every `heartbeat_interval` and
//    after each apply; prunes history every `prune_interval`;
//  - keeps a copy of the last objects it applied in `cache_path` (mode
//    0600), and applies that copy when the database cannot be reached at
//    startup.
//
// Threading: Start/Stop from one thread; Pull, status and ListNodes from any.
// `apply` and `health` run on the follower's thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "config_backend/config_objects.h"
#include "config_backend/config_store.h"
#include "db/database_params.h"
#include "spdlog/logger.h"

namespace shoal::config_backend {

struct FollowerOptions {
  db::DatabaseParams database;
  std::string server_tag;  // as configured; "" = only `all`
  absl::Duration fetch_wait = absl::Seconds(30);
  absl::Duration poll_interval = absl::Milliseconds(20);  // MySQL/MariaDB
  absl::Duration heartbeat_interval = absl::Seconds(5);
  absl::Duration slow_retry = absl::Seconds(5);
  absl::Duration prune_interval = absl::Seconds(60);
  int64_t history_retention_seconds = 3600;
  std::string cache_path;  // empty: no copy on disk
  std::string hostname;
  std::string version;
};

struct FollowerStatus {
  std::string database_state = "connecting";  // "connected" or why not
  uint64_t applied_revision = 0;    // the revision the node serves
  uint64_t processed_revision = 0;  // the newest revision read
  uint64_t database_revision = 0;   // the newest revision seen in the database
  std::string config_state = "ok";  // or the refused revision and why
  bool from_copy = false;           // serving the on-disk copy
};

class ConfigFollower {
 public:
  // Merges `objects` (at `revision`) into the node and reconfigures it.
  using ApplyFn = std::function<absl::Status(const ConfigObjects& objects, uint64_t revision)>;
  struct NodeHealth {
    std::string lease_database = "connected";
    std::string hosts_database = "none";
  };
  using HealthFn = std::function<NodeHealth()>;
  using StoreFactory =
      std::function<absl::StatusOr<std::unique_ptr<ConfigStore>>(const db::DatabaseParams&)>;

  ConfigFollower(FollowerOptions options, ApplyFn apply, HealthFn health,
                 std::shared_ptr<spdlog::logger> log, StoreFactory factory = nullptr);
  ~ConfigFollower();

  void Start();
  // Stops the thread and removes the node's row (best effort).
  void Stop();

  // config-backend-pull: checks the database now and waits (up to
  // `timeout`) for that round. Error: why the round failed.
  absl::Status Pull(absl::Duration timeout = absl::Seconds(10));

  FollowerStatus status() const;
  absl::StatusOr<std::vector<NodeRecord>> ListNodes();
  absl::StatusOr<FeedHead> ReadHead();
  const std::string& node_id() const { return node_id_; }
  // A node whose heartbeat is older than this is not live.
  int64_t live_seconds() const;
  const FollowerOptions& options() const { return options_; }

 private:
  void Run();
  // One round: read the head, load or refresh, apply. Unavailable when the
  // database was lost (the caller reconnects).
  absl::Status Sync();
  absl::Status Connect();
  void Disconnect();
  void Apply(uint64_t revision);
  void PublishNode();
  // Prunes the history every live node applied (every prune_interval).
  void Prune();
  void WriteCopy(uint64_t revision);
  bool ApplyCopy();
  // Waits for a notification, a pull, stop, or `limit`.
  void Wait(absl::Duration limit);
  void SetDatabaseState(std::string state);

  const FollowerOptions options_;
  const std::string tag_;  // normalised
  const std::string node_id_;
  ApplyFn apply_;
  HealthFn health_;
  std::shared_ptr<spdlog::logger> log_;
  StoreFactory factory_;

  // Follower thread only.
  std::unique_ptr<db::Connection> listener_;  // PostgreSQL LISTEN session
  ConfigObjects objects_;
  bool loaded_ = false;
  absl::Time next_heartbeat_ = absl::InfinitePast();
  absl::Time next_prune_ = absl::InfinitePast();
  uint32_t failed_connects_ = 0;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  uint64_t pulls_requested_ = 0;
  uint64_t pulls_done_ = 0;
  absl::Status last_round_;
  FollowerStatus status_;
  std::shared_ptr<ConfigStore> store_;  // set once by the follower thread
  std::thread thread_;
};

}  // namespace shoal::config_backend
