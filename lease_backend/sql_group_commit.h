// GroupCommitter: the batching writer of SqlLeaseStore. Lease changes from
// concurrent callers are committed together: each Add/Update/Delete call
// queues its change and waits (fiber::Completion: a caller on a fiber parks
// only its fiber) until the transaction holding it has committed (or
// failed). Each committer connection (two by default) has its own thread;
// a committer that finishes a batch takes everything queued meanwhile (up
// to batching.max_batch; while busy it lingers for fuller batches, see
// sql_batch_queue.h) as the next one, in ONE transaction, and wakes every
// caller of the batch with its own result. So many callers share one durable
// commit (one fsync) instead of paying one each, batches grow with the load
// by themselves, and the database's durability settings are left alone.
//
// Per-change results, without failing the rest of the batch:
//   Add     OK, or AlreadyExists when the address has a lease (MySQL: the
//           duplicate key fails only its statement; PostgreSQL: INSERT ...
//           ON CONFLICT DO NOTHING matched no row).
//   Update  OK if the stored lease still had `expected_expire` (Kea's
//   Delete  conditional `WHERE address = ? AND expire = ?`), else Aborted
//           (the lease changed since it was read) or NotFound (no lease).
// Changes are applied in address order within a batch (callers racing on one
// address in arrival order), so committers of different nodes lock rows in
// the same order. Adds that are alone on their address in the batch go
// first, up to 64 rows per INSERT (one round trip), so a burst of new leases
// costs a few statements per transaction; a batch of at most 64 such Adds
// and nothing else (the common case: new clients) is one autocommitted
// INSERT, a single round trip with the same durability as a COMMIT.
//
// Failures: a statement error that is the change's own (e.g. a value the
// column rejects) fails that change only; the transaction is rolled back and
// redone without it. A lost connection before COMMIT, a deadlock or a
// serialization failure rolls back and redoes the batch (nothing was
// committed); the connection is reconnected with the database's policy
// (max-reconnect-tries, reconnect-wait-time), and when that fails every
// change of the batch fails with Unavailable. A failed COMMIT fails every
// change of the batch with its error (Unavailable when the connection was
// lost: the outcome is then unknown, so the caller must not acknowledge).
// Nothing is reported OK that was not committed.
//
// MySQL committer sessions run at READ COMMITTED (what PostgreSQL uses by
// default) so the existence check after a conditional change that matched
// nothing sees the latest committed row, and inserts take no gap locks.
//
// Threading: every method is thread-safe. Destroying the committer commits
// what is queued, then stops its threads; no call may start after that.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "db/connection.h"
#include "db/connection_pool.h"
#include "db/database_params.h"
#include "lease_backend/lease.h"
#include "lease_backend/sql_batch_queue.h"

namespace shoal::lease_backend {

struct GroupCommitOptions {
  size_t committers = 2;    // connections, one batch in progress on each
  // max_batch: changes per transaction at most; fill and linger: waiting
  // for fuller batches while busy (sql_batch_queue.h).
  BatchOptions batching;
  db::Connector connector;  // default: db::Connect
  db::Sleeper sleeper;      // default: absl::SleepFor
};

struct GroupCommitStats {
  uint64_t transactions = 0;  // committed
  uint64_t changes = 0;       // changes in committed transactions
  uint64_t largest_batch = 0;
  uint64_t retries = 0;  // batches redone (lost connection, deadlock, a failed change)
  uint64_t statements = 0;  // lease-writing statements run (a bulk INSERT counts once)
};

class GroupCommitter {
 public:
  // Opens one connection per committer (retrying per retry-on-startup).
  static absl::StatusOr<std::unique_ptr<GroupCommitter>> Create(const db::DatabaseParams& params,
                                                                GroupCommitOptions options);
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // The lease must already be valid for the database (sql::ValidateLease).
  absl::Status Add(const Lease4& lease);
  absl::Status Update(const Lease4& lease, int64_t expected_expire);
  absl::Status Delete(dhcp::Ipv4Address address, int64_t expected_expire);

  GroupCommitStats stats() const;

 private:
  struct Change;
  struct Attempt;
  // A committer connection and when it last finished a batch.
  struct Committer {
    std::unique_ptr<db::Connection> connection;
    std::chrono::steady_clock::time_point last_used{};
  };

  GroupCommitter(GroupCommitOptions options, std::vector<std::unique_ptr<db::Connection>> conns);
  // Queues `change` and waits for its result.
  absl::Status Submit(Change& change);
  // Commits `batch` on `committer` (on that committer's thread).
  void CommitOn(Committer& committer, std::vector<Change*>& batch);
  // `one_statement_ok`: the connection was used a moment ago, so a batch
  // may go as one autocommitted INSERT (TryOneInsert).
  void CommitBatch(db::Connection& connection, std::vector<Change*>& batch, bool one_statement_ok);
  // `bulk`: insert lone Adds many rows per statement.
  Attempt TryBatch(db::Connection& connection, const std::vector<Change*>& live, bool bulk,
                   bool one_statement, std::vector<absl::Status>& results);
  // One multi-row INSERT of `adds` (new leases on distinct addresses, at
  // most kMaxBulkInsertRows): for each, whether it was inserted (PostgreSQL
  // skips a taken address, RETURNING tells which; MySQL fails the whole
  // statement instead), or the statement's error.
  absl::StatusOr<std::vector<bool>> BulkInsert(db::Connection& connection,
                                               const std::vector<const Change*>& adds);
  void CountStatement();
  // Whether `live` is nothing but new leases on distinct addresses, at most
  // kMaxBulkInsertRows: a batch TryOneInsert can take.
  static bool FitsOneInsert(const std::vector<Change*>& live);
  // A batch that FitsOneInsert as ONE autocommitted INSERT (one round trip
  // instead of BEGIN, INSERTs, COMMIT). nullopt when the statement failed
  // without storing anything (the transaction path then runs, row by row).
  std::optional<Attempt> TryOneInsert(db::Connection& connection, const std::vector<Change*>& live,
                                      std::vector<absl::Status>& results);
  // After the connection was lost during TryOneInsert's statement:
  // reconnects and reads the batch's addresses to learn whether it
  // committed. nullopt: it did not (run the batch again).
  std::optional<Attempt> ResolveLostInsert(db::Connection& connection,
                                           const std::vector<Change*>& live,
                                           std::vector<absl::Status>& results,
                                           const absl::Status& failed);
  absl::Status Reconnect(db::Connection& connection);

  const GroupCommitOptions options_;

  const std::vector<std::unique_ptr<Committer>> committers_;  // one thread each
  mutable absl::Mutex mu_;
  GroupCommitStats stats_ ABSL_GUARDED_BY(mu_);
  BatchServers<Change> committer_threads_;  // last: its threads use the members above
};

// Sets what a committer session needs (READ COMMITTED on MySQL); called
// after every (re)connect.
absl::Status PrepareCommitterSession(db::Connection& connection);

}  // namespace shoal::lease_backend
