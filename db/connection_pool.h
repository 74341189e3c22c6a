// ConnectionPool: a bounded set of connections to one database, handed out
// one user at a time, with Kea's reconnect policy applied when a connection
// was found lost.
//
// Reconnect policy (from DatabaseParams): after a connection is lost, the
// next Acquire() reconnects it, trying up to 1 + max-reconnect-tries times
// with reconnect-wait-time milliseconds between attempts, and returns
// Unavailable naming the database and the attempts when all fail. Only
// Unavailable errors are retried: bad credentials or a missing database fail
// at once. At creation the pool opens one connection; it retries the same way
// only when retry-on-startup is true. What the server does while a database
// is down (on-fail) is the server's decision; the pool only reports.
//
// Threading: every method is thread-safe. A Handle is used by one thread and
// returns its connection to the pool when destroyed (rolling back a
// transaction left open). The pool must outlive its handles.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "db/connection.h"

namespace shoal::db {

using Connector = std::function<absl::StatusOr<std::unique_ptr<Connection>>(const DatabaseParams&)>;
using Sleeper = std::function<void(absl::Duration)>;

// Connects, retrying Unavailable failures per the params' policy if `retry`.
absl::StatusOr<std::unique_ptr<Connection>> ConnectWithRetry(const DatabaseParams& params,
                                                             const Connector& connector,
                                                             const Sleeper& sleeper, bool retry);
// Reconnects `connection`, retrying Unavailable failures per its params.
absl::Status ReconnectWithRetry(Connection& connection, const Sleeper& sleeper);

class ConnectionPool {
 public:
  struct Options {
    size_t max_connections = 4;
    Connector connector;  // default: db::Connect
    Sleeper sleeper;      // default: absl::SleepFor
  };

  // Opens the first connection (see retry-on-startup above).
  static absl::StatusOr<std::unique_ptr<ConnectionPool>> Create(const DatabaseParams& params,
                                                                Options options);
  static absl::StatusOr<std::unique_ptr<ConnectionPool>> Create(const DatabaseParams& params) {
    return Create(params, Options{});
  }
  ~ConnectionPool();

  class Handle {
   public:
    Handle(Handle&& other) noexcept;
    Handle& operator=(Handle&& other) noexcept;
    ~Handle();
    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    friend class ConnectionPool;
    Handle(ConnectionPool* pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    void Release();
    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  // A healthy connection; blocks while max_connections are in use. Errors:
  // Unavailable (database unreachable after the configured retries) or the
  // connect error.
  absl::StatusOr<Handle> Acquire();

  const DatabaseParams& params() const { return params_; }
  Dialect dialect() const { return params_.dialect; }

 private:
  ConnectionPool(const DatabaseParams& params, Options options);
  void Return(std::unique_ptr<Connection> connection);

  const DatabaseParams params_;
  const Options options_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mu_);
  size_t open_ ABSL_GUARDED_BY(mu_) = 0;  // idle + handed out
};

}  // namespace shoal::db
