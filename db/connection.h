// Connection: one session with a MySQL/MariaDB or PostgreSQL server, behind
// one small interface so code above db/ is written once for both databases.
//
// - Statements are prepared on first use and reused for the life of the
//   session (one cache per connection), so hot statements are parsed once.
// - Placeholders are '?' in both dialects; the PostgreSQL driver numbers them
//   ($1, $2, ...) itself. Where the SQL differs, a Statement carries a second
//   text for PostgreSQL.
// - Transactions are explicit (Begin/Commit/Rollback or the Transaction
//   helper); outside one, every statement commits on its own. Group commit is
//   many Execute calls inside one transaction.
// - Errors come back as absl::Status, mapped in one place (error_map.h):
//   Unavailable = the connection is lost (healthy() turns false; Reconnect()
//   or the pool restores it; nothing after the last commit was stored),
//   AlreadyExists = duplicate key, Aborted = deadlock / serialization failure
//   (retry the transaction), PermissionDenied = bad credentials or rights,
//   NotFound = unknown database or table, Internal = anything else (e.g. SQL
//   syntax). Nothing throws.
//
// Threading: a Connection is used by one thread at a time (ConnectionPool
// hands each one to a single user); it is not internally synchronised.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "db/database_params.h"
#include "db/dialect.h"
#include "db/value.h"

namespace shoal::db {

// SQL text with '?' placeholders; `postgresql` empty = same text as `mysql`.
// The texts must outlive the statement (string literals, typically).
struct Statement {
  std::string_view mysql;
  std::string_view postgresql;

  constexpr Statement(std::string_view both) : mysql(both) {}  // NOLINT: implicit on purpose
  constexpr Statement(std::string_view my, std::string_view pg) : mysql(my), postgresql(pg) {}
  constexpr Statement(const char* both) : mysql(both) {}  // NOLINT
  std::string_view text(Dialect d) const {
    return d == Dialect::kPostgreSql && !postgresql.empty() ? postgresql : mysql;
  }
};

class Connection {
 public:
  virtual ~Connection() = default;

  virtual Dialect dialect() const = 0;
  virtual const DatabaseParams& params() const = 0;

  // Runs a statement that returns no rows; returns the number of rows it
  // matched (MySQL sessions use CLIENT_FOUND_ROWS, so an UPDATE that changes
  // nothing still counts the rows it matched, as PostgreSQL does).
  virtual absl::StatusOr<uint64_t> Execute(const Statement& statement,
                                           const std::vector<Param>& params = {}) = 0;
  // Runs a statement that returns rows.
  virtual absl::StatusOr<ResultSet> Query(const Statement& statement,
                                          const std::vector<Param>& params = {}) = 0;
  // Runs SQL text as it is, without preparing it or binding parameters
  // (DDL from migrations, session settings).
  virtual absl::Status ExecuteDirect(std::string_view sql) = 0;

  virtual absl::Status Begin() = 0;
  virtual absl::Status Commit() = 0;
  virtual absl::Status Rollback() = 0;
  virtual bool in_transaction() const = 0;

  // PostgreSQL: waits up to `timeout` for a notification on a channel this
  // session LISTENs to (ExecuteDirect("LISTEN ...")); true if one or more
  // arrived (all are consumed), false on timeout, Unavailable when the
  // connection is lost. MySQL: Unimplemented.
  virtual absl::StatusOr<bool> WaitForNotification(absl::Duration timeout) {
    return absl::UnimplementedError("this database has no notifications");
  }

  // False once an operation found the connection lost.
  virtual bool healthy() const = 0;
  // Closes the session and opens a new one (statement cache and any open
  // transaction are gone). One attempt; the retry policy is the caller's.
  virtual absl::Status Reconnect() = 0;
};

// Opens one connection (one attempt, connect-timeout applies). The session
// runs in UTC, in strict SQL mode (MySQL), read-only if params.readonly.
absl::StatusOr<std::unique_ptr<Connection>> Connect(const DatabaseParams& params);

// Kea's optimistic-concurrency rule: a conditional UPDATE/DELETE that matched
// no row means someone else changed the row first. Returns Aborted naming
// `what` when `affected` is 0, the error of `affected` if it is one, else OK.
absl::Status RequireRowMatched(const absl::StatusOr<uint64_t>& affected, std::string_view what);

// Begins a transaction on construction (check status()) and rolls it back on
// destruction unless Commit() succeeded. Not copyable or movable.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // The result of BEGIN.
  const absl::Status& status() const { return begin_status_; }
  absl::Status Commit();
  absl::Status Rollback();

 private:
  Connection& connection_;
  absl::Status begin_status_;
  bool open_ = false;
};

}  // namespace shoal::db
