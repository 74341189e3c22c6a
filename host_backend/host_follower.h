// HostFollower: keeps a HostCache in step with one SQL hosts database
// (docs/hosts-sql.md).
//
// A thread of its own:
//  - connects (the database's reconnect-wait-time / max-reconnect-tries,
//    then every `slow_retry` for ever; it never gives up and never stops
//    the node), and on PostgreSQL LISTENs on shoal_hosts4 before reading
//    the head, so no change falls in a gap;
//  - at first, or when the feed rows it needs were pruned, loads every
//    reservation; otherwise re-reads only the hosts the new revisions name;
//  - waits: PostgreSQL for a NOTIFY (at most `max_wait`), MySQL/MariaDB
//    `poll_interval` between one-row head reads;
//  - prunes feed rows older than `retention_seconds` every `prune_interval`.
// While the database is unreachable the cache keeps what it last had.
//
// Threading: Start/Stop from one thread; status() from any.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "db/connection.h"
#include "db/database_params.h"
#include "host_backend/host_cache.h"
#include "spdlog/logger.h"

namespace shoal::host_backend {

struct HostFollowerOptions {
  db::DatabaseParams database;
  absl::Duration poll_interval = absl::Milliseconds(20);  // MySQL/MariaDB
  absl::Duration max_wait = absl::Seconds(5);             // PostgreSQL, between checks
  absl::Duration slow_retry = absl::Seconds(5);
  absl::Duration prune_interval = absl::Seconds(60);
  int64_t retention_seconds = 3600;
};

struct HostFollowerStatus {
  std::string database;              // where (no password)
  std::string state = "connecting";  // "connected", or why not
  uint64_t revision = 0;             // the feed revision the cache holds
  size_t hosts = 0;
  bool loaded = false;               // the cache has been filled once
  // Rows left out: each names its host and what is wrong.
  std::vector<std::string> problems;
};

class HostFollower {
 public:
  HostFollower(HostFollowerOptions options, std::shared_ptr<HostCache> cache,
               std::shared_ptr<spdlog::logger> log);
  ~HostFollower();

  void Start();
  void Stop();
  HostFollowerStatus status() const;
  // Waits until the cache holds `revision` (or later); false after
  // `timeout`. A command that wrote a reservation waits so that its node
  // serves the change before the command answers.
  bool WaitForRevision(uint64_t revision, absl::Duration timeout);
  const db::DatabaseParams& database() const { return options_.database; }

 private:
  void Run();
  absl::Status Connect();
  // One round: read the head; load everything or the changed hosts.
  absl::Status Sync();
  void Prune();
  void Wait(absl::Duration limit);
  void SetState(std::string state);

  const HostFollowerOptions options_;
  std::shared_ptr<HostCache> cache_;
  std::shared_ptr<spdlog::logger> log_;

  // Follower thread only.
  std::unique_ptr<db::Connection> connection_;
  std::unique_ptr<db::Connection> listener_;  // PostgreSQL LISTEN session
  absl::Time next_prune_ = absl::InfinitePast();
  HostProblems problems_;  // rows left out, by host_id
  uint32_t failed_connects_ = 0;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable applied_;
  bool stopping_ = false;
  HostFollowerStatus status_;
  std::thread thread_;
};

}  // namespace shoal::host_backend
