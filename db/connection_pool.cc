#include "db/connection_pool.h"

#include "absl/strings/str_cat.h"

namespace shoal::db {
namespace {

// Runs `attempt` up to 1 + max-reconnect-tries times while it fails with
// Unavailable, sleeping reconnect-wait-time between tries.
template <typename F>
auto Retry(const DatabaseParams& params, const Sleeper& sleeper, bool retry, F attempt)
    -> decltype(attempt()) {
  uint64_t attempts = retry ? uint64_t{params.max_reconnect_tries} + 1 : 1;
  auto result = attempt();
  for (uint64_t i = 1; i < attempts; ++i) {
    absl::Status s;
    if constexpr (std::is_same_v<decltype(result), absl::Status>) {
      s = result;
    } else {
      s = result.status();
    }
    if (!absl::IsUnavailable(s)) return result;
    sleeper(absl::Milliseconds(params.reconnect_wait_time_ms));
    result = attempt();
  }
  absl::Status s;
  if constexpr (std::is_same_v<decltype(result), absl::Status>) {
    s = result;
  } else {
    s = result.status();
  }
  if (attempts > 1 && absl::IsUnavailable(s)) {
    return absl::UnavailableError(absl::StrCat(
        s.message(), " (gave up after ", attempts, " attempts, ", params.reconnect_wait_time_ms,
        " ms apart: max-reconnect-tries ", params.max_reconnect_tries, ")"));
  }
  return result;
}

Sleeper DefaultSleeper(const Sleeper& s) {
  if (s) return s;
  return [](absl::Duration d) { absl::SleepFor(d); };
}

}  // namespace

absl::StatusOr<std::unique_ptr<Connection>> ConnectWithRetry(const DatabaseParams& params,
                                                             const Connector& connector,
                                                             const Sleeper& sleeper, bool retry) {
  const Connector& connect = connector;
  return Retry(params, DefaultSleeper(sleeper), retry,
               [&] { return connect ? connect(params) : Connect(params); });
}

absl::Status ReconnectWithRetry(Connection& connection, const Sleeper& sleeper) {
  return Retry(connection.params(), DefaultSleeper(sleeper), true,
               [&] { return connection.Reconnect(); });
}

ConnectionPool::ConnectionPool(const DatabaseParams& params, Options options)
    : params_(params), options_(std::move(options)) {}

ConnectionPool::~ConnectionPool() = default;

absl::StatusOr<std::unique_ptr<ConnectionPool>> ConnectionPool::Create(const DatabaseParams& params,
                                                                       Options options) {
  if (options.max_connections == 0) {
    return absl::InvalidArgumentError("connection pool size must be at least 1");
  }
  if (!options.connector) options.connector = [](const DatabaseParams& p) { return Connect(p); };
  options.sleeper = DefaultSleeper(options.sleeper);
  auto first =
      ConnectWithRetry(params, options.connector, options.sleeper, params.retry_on_startup);
  if (!first.ok()) return first.status();
  std::unique_ptr<ConnectionPool> pool(new ConnectionPool(params, std::move(options)));
  absl::MutexLock lock(&pool->mu_);
  pool->idle_.push_back(*std::move(first));
  pool->open_ = 1;
  return pool;
}

absl::StatusOr<ConnectionPool::Handle> ConnectionPool::Acquire() {
  std::unique_ptr<Connection> connection;
  {
    absl::MutexLock lock(&mu_);
    auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !idle_.empty() || open_ < options_.max_connections;
    };
    mu_.Await(absl::Condition(&available));
    if (!idle_.empty()) {
      connection = std::move(idle_.back());
      idle_.pop_back();
    } else {
      ++open_;  // reserve the slot; released below if connecting fails
    }
  }
  if (connection == nullptr) {
    auto opened = ConnectWithRetry(params_, options_.connector, options_.sleeper, true);
    if (!opened.ok()) {
      absl::MutexLock lock(&mu_);
      --open_;
      return opened.status();
    }
    connection = *std::move(opened);
  } else if (!connection->healthy()) {
    if (absl::Status s = ReconnectWithRetry(*connection, options_.sleeper); !s.ok()) {
      Return(std::move(connection));
      return s;
    }
  }
  return Handle(this, std::move(connection));
}

void ConnectionPool::Return(std::unique_ptr<Connection> connection) {
  if (connection->healthy() && connection->in_transaction()) {
    (void)connection->Rollback();
  }
  absl::MutexLock lock(&mu_);
  idle_.push_back(std::move(connection));
}

ConnectionPool::Handle::Handle(Handle&& other) noexcept
    : pool_(other.pool_), connection_(std::move(other.connection_)) {}

ConnectionPool::Handle& ConnectionPool::Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    Release();
    pool_ = other.pool_;
    connection_ = std::move(other.connection_);
  }
  return *this;
}

ConnectionPool::Handle::~Handle() { Release(); }

void ConnectionPool::Handle::Release() {
  if (connection_ != nullptr) pool_->Return(std::move(connection_));
}

}  // namespace shoal::db
