#include "lease_backend/sql_group_commit.h"

#include <algorithm>
#include <chrono>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "fiber/completion.h"
#include "lease_backend/sql_lease_codec.h"

namespace shoal::lease_backend {
namespace {

// Redoing a batch after a deadlock or a lost connection; then it fails.
constexpr int kMaxRetries = 3;

// A committer connection idle this long may have been closed by the server.
constexpr std::chrono::milliseconds kIdleCheckAfter(200);

}  // namespace

struct GroupCommitter::Change {
  enum class Kind { kAdd, kUpdate, kDelete };
  Change(Kind k, const Lease4* l, dhcp::Ipv4Address a, int64_t expected)
      : kind(k), lease(l), address(a), expected_expire(expected) {}

  const Kind kind;
  const Lease4* const lease;  // Add, Update: the caller's, alive until done
  const dhcp::Ipv4Address address;
  const int64_t expected_expire;  // Update, Delete
  absl::Status result;
  fiber::Completion done;  // signalled once `result` is final

  void Finish(absl::Status s) { result = std::move(s); }
};

// What one try at a batch came to.
struct GroupCommitter::Attempt {
  enum class What {
    kCommitted,  // every change has its result
    kDrop,       // change `index` failed on its own: fail it, redo the rest
    kRetry,      // nothing committed (lost connection, deadlock): redo all
    kFail,       // fail every change with `status`
    kNoBulk,     // a multi-row INSERT failed: redo all with one row per statement
  };
  What what;
  size_t index = 0;
  absl::Status status;
};

absl::Status PrepareCommitterSession(db::Connection& connection) {
  if (connection.dialect() != db::Dialect::kMySql) return absl::OkStatus();
  return connection.ExecuteDirect("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
}

absl::StatusOr<std::unique_ptr<GroupCommitter>> GroupCommitter::Create(
    const db::DatabaseParams& params, GroupCommitOptions options) {
  if (options.committers == 0 || options.batching.max_batch == 0) {
    return absl::InvalidArgumentError(
        "group commit needs at least one committer thread and a batch size of at least 1");
  }
  if (!options.sleeper) options.sleeper = [](absl::Duration d) { absl::SleepFor(d); };
  std::vector<std::unique_ptr<db::Connection>> connections;
  for (size_t i = 0; i < options.committers; ++i) {
    auto c =
        db::ConnectWithRetry(params, options.connector, options.sleeper, params.retry_on_startup);
    if (!c.ok()) return c.status();
    if (absl::Status s = PrepareCommitterSession(**c); !s.ok()) return s;
    connections.push_back(*std::move(c));
  }
  return std::unique_ptr<GroupCommitter>(
      new GroupCommitter(std::move(options), std::move(connections)));
}

GroupCommitter::GroupCommitter(GroupCommitOptions options,
                               std::vector<std::unique_ptr<db::Connection>> conns)
    : options_(std::move(options)),
      committers_([&conns] {
        std::vector<std::unique_ptr<Committer>> all;
        for (auto& c : conns) all.push_back(std::make_unique<Committer>(Committer{std::move(c)}));
        return all;
      }()),
      committer_threads_(
          options_.batching, committers_.size(), [this](std::vector<Change*>& batch, size_t index) {
            CommitOn(*committers_[index], batch);
          }) {}

GroupCommitter::~GroupCommitter() = default;

absl::Status GroupCommitter::Add(const Lease4& lease) {
  Change c(Change::Kind::kAdd, &lease, lease.address, 0);
  return Submit(c);
}

absl::Status GroupCommitter::Update(const Lease4& lease, int64_t expected_expire) {
  Change c(Change::Kind::kUpdate, &lease, lease.address, expected_expire);
  return Submit(c);
}

absl::Status GroupCommitter::Delete(dhcp::Ipv4Address address, int64_t expected_expire) {
  Change c(Change::Kind::kDelete, nullptr, address, expected_expire);
  return Submit(c);
}

GroupCommitStats GroupCommitter::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

void GroupCommitter::CountStatement() {
  absl::MutexLock lock(&mu_);
  ++stats_.statements;
}

absl::Status GroupCommitter::Submit(Change& change) {
  committer_threads_.Await(change);
  return change.result;
}

void GroupCommitter::CommitOn(Committer& committer, std::vector<Change*>& batch) {
  // After a pause the session may have died unnoticed (a database restart):
  // then the batch starts with BEGIN, whose failure is known to have stored
  // nothing, rather than an autocommitted INSERT whose outcome would be
  // unknown.
  const bool recently_used =
      std::chrono::steady_clock::now() - committer.last_used < kIdleCheckAfter;
  CommitBatch(*committer.connection, batch, recently_used);
  committer.last_used = std::chrono::steady_clock::now();
}

absl::Status GroupCommitter::Reconnect(db::Connection& connection) {
  if (absl::Status s = db::ReconnectWithRetry(connection, options_.sleeper); !s.ok()) return s;
  return PrepareCommitterSession(connection);
}

void GroupCommitter::CommitBatch(db::Connection& connection, std::vector<Change*>& batch,
                                 bool one_statement_ok) {
  // Address order: every committer (of every node) locks rows in one order.
  std::stable_sort(batch.begin(), batch.end(),
                   [](const Change* a, const Change* b) { return a->address < b->address; });
  std::vector<Change*> live = batch;
  std::vector<absl::Status> results;
  int retries = 0;
  bool bulk = true;
  bool one_statement = one_statement_ok;
  auto fail_all = [&](const absl::Status& s) {
    for (Change* c : live) c->Finish(s);
  };
  while (!live.empty()) {
    if (!connection.healthy()) {
      if (absl::Status s = Reconnect(connection); !s.ok()) {
        fail_all(s);
        return;
      }
    }
    results.assign(live.size(), absl::OkStatus());
    Attempt a = TryBatch(connection, live, bulk, one_statement, results);
    one_statement = false;  // a retry goes through a transaction
    switch (a.what) {
      case Attempt::What::kCommitted: {
        {
          absl::MutexLock lock(&mu_);
          ++stats_.transactions;
          stats_.changes += live.size();
          stats_.largest_batch = std::max<uint64_t>(stats_.largest_batch, live.size());
        }
        for (size_t i = 0; i < live.size(); ++i) live[i]->Finish(std::move(results[i]));
        return;
      }
      case Attempt::What::kDrop:
        live[a.index]->Finish(a.status);
        live.erase(live.begin() + static_cast<ptrdiff_t>(a.index));
        break;
      case Attempt::What::kNoBulk:
        bulk = false;
        break;
      case Attempt::What::kRetry:
        if (++retries > kMaxRetries) {
          fail_all(a.status);
          return;
        }
        break;
      case Attempt::What::kFail:
        fail_all(a.status);
        return;
    }
    absl::MutexLock lock(&mu_);
    ++stats_.retries;
  }
}

namespace {

absl::Status AlreadyLeased(dhcp::Ipv4Address address) {
  return absl::AlreadyExistsError(
      absl::StrCat("address ", address.ToString(), " is already leased (lease4 has a row for it)"));
}

absl::Status OutcomeUnknown(const absl::Status& s, size_t changes) {
  return absl::UnavailableError(absl::StrCat(
      s.message(), " (the connection was lost while committing; the outcome of this batch of ",
      changes, " lease changes is unknown)"));
}

}  // namespace

absl::StatusOr<std::vector<bool>> GroupCommitter::BulkInsert(
    db::Connection& connection, const std::vector<const Change*>& adds) {
  CountStatement();
  std::vector<db::Param> params;
  for (const Change* c : adds) {
    std::vector<db::Param> p = sql::InsertParams(*c->lease);
    std::move(p.begin(), p.end(), std::back_inserter(params));
  }
  const db::Statement& insert = sql::BulkInsert(adds.size());
  if (connection.dialect() == db::Dialect::kMySql) {
    absl::StatusOr<uint64_t> n = connection.Execute(insert, params);
    if (!n.ok()) return n.status();
    return std::vector<bool>(adds.size(), true);
  }
  absl::StatusOr<db::ResultSet> returned = connection.Query(insert, params);
  if (!returned.ok()) return returned.status();
  std::vector<int64_t> got;
  for (const db::Row& row : returned->rows) got.push_back(row.Int64Or(0, -1).value_or(-1));
  std::sort(got.begin(), got.end());
  std::vector<bool> inserted;
  for (const Change* c : adds) {
    inserted.push_back(std::binary_search(got.begin(), got.end(), int64_t{c->address.value()}));
  }
  return inserted;
}

bool GroupCommitter::FitsOneInsert(const std::vector<Change*>& live) {
  if (live.size() > sql::kMaxBulkInsertRows) return false;
  for (size_t i = 0; i < live.size(); ++i) {
    if (live[i]->kind != Change::Kind::kAdd) return false;
    if (i > 0 && live[i - 1]->address == live[i]->address) return false;
  }
  return true;
}

std::optional<GroupCommitter::Attempt> GroupCommitter::TryOneInsert(
    db::Connection& connection, const std::vector<Change*>& live,
    std::vector<absl::Status>& results) {
  absl::StatusOr<std::vector<bool>> inserted =
      BulkInsert(connection, std::vector<const Change*>(live.begin(), live.end()));
  if (inserted.ok()) {
    for (size_t i = 0; i < live.size(); ++i) {
      if (!(*inserted)[i]) results[i] = AlreadyLeased(live[i]->address);
    }
    return Attempt{.what = Attempt::What::kCommitted, .status = absl::OkStatus()};
  }
  const absl::Status& failed = inserted.status();
  // Any error but a lost connection undid the statement, and the
  // transaction path sorts out which change it was.
  if (!absl::IsUnavailable(failed)) return std::nullopt;
  return ResolveLostInsert(connection, live, results, failed);
}

std::optional<GroupCommitter::Attempt> GroupCommitter::ResolveLostInsert(
    db::Connection& connection, const std::vector<Change*>& live,
    std::vector<absl::Status>& results, const absl::Status& failed) {
  // The connection was lost with the INSERT in flight: reconnect and look at
  // the rows. The statement is atomic, so if any address has no row it did
  // not commit (nothing was stored: the transaction path runs); if every
  // address holds what this batch wrote, it did.
  const absl::Status unknown = OutcomeUnknown(failed, live.size());
  if (!Reconnect(connection).ok()) return Attempt{.what = Attempt::What::kFail, .status = unknown};
  for (size_t i = 0; i < live.size(); ++i) {
    const Lease4& wrote = *live[i]->lease;
    auto rows = connection.Query(sql::kGet, {int64_t{wrote.address.value()}});
    if (!rows.ok()) return Attempt{.what = Attempt::What::kFail, .status = unknown};
    auto stored = sql::DecodeRows(*rows);
    if (!stored.ok()) return Attempt{.what = Attempt::What::kFail, .status = unknown};
    if (stored->empty()) return std::nullopt;  // not committed
    const Lease4& row = stored->front();
    const bool ours = row.hwaddr == wrote.hwaddr && row.client_id == wrote.client_id &&
                      row.expire() == wrote.expire() && row.subnet_id == wrote.subnet_id &&
                      row.valid_lifetime == wrote.valid_lifetime;
    // PostgreSQL's INSERT skips taken addresses (ON CONFLICT DO NOTHING);
    // MySQL's fails whole, so there a row not ours means it did not commit.
    if (!ours && connection.dialect() == db::Dialect::kMySql) return std::nullopt;
    if (!ours) results[i] = AlreadyLeased(wrote.address);
  }
  return Attempt{.what = Attempt::What::kCommitted, .status = absl::OkStatus()};
}

GroupCommitter::Attempt GroupCommitter::TryBatch(db::Connection& connection,
                                                 const std::vector<Change*>& live, bool bulk,
                                                 bool one_statement,
                                                 std::vector<absl::Status>& results) {
  const db::Dialect dialect = connection.dialect();
  auto not_committed = [&](size_t index, const absl::Status& s) -> Attempt {
    if (connection.healthy() && connection.in_transaction()) (void)connection.Rollback();
    if (absl::IsUnavailable(s) || absl::IsAborted(s)) {
      return {.what = Attempt::What::kRetry, .status = s};
    }
    return {.what = Attempt::What::kDrop, .index = index, .status = s};
  };
  if (bulk && one_statement && FitsOneInsert(live)) {
    if (std::optional<Attempt> a = TryOneInsert(connection, live, results)) return *a;
    // That INSERT failed on one of its rows: the same rows in one statement
    // would fail again, so go row by row.
    bulk = false;
  }
  if (absl::Status s = connection.Begin(); !s.ok()) {
    return {.what = absl::IsUnavailable(s) ? Attempt::What::kRetry : Attempt::What::kFail,
            .status = s};
  }
  // First the Adds that are alone on their address in this batch, many rows
  // per INSERT (one round trip each); `done` marks them.
  std::vector<bool> done(live.size(), false);
  if (bulk) {
    std::vector<size_t> adds;
    for (size_t i = 0; i < live.size(); ++i) {
      bool alone = (i == 0 || live[i - 1]->address != live[i]->address) &&
                   (i + 1 == live.size() || live[i + 1]->address != live[i]->address);
      if (alone && live[i]->kind == Change::Kind::kAdd) adds.push_back(i);
    }
    for (size_t next = 0; next < adds.size(); next += sql::kMaxBulkInsertRows) {
      const size_t rows = std::min(adds.size() - next, sql::kMaxBulkInsertRows);
      std::vector<const Change*> chunk;
      for (size_t k = next; k < next + rows; ++k) chunk.push_back(live[adds[k]]);
      absl::StatusOr<std::vector<bool>> inserted = BulkInsert(connection, chunk);
      if (!inserted.ok()) {
        const absl::Status& s = inserted.status();
        if (dialect == db::Dialect::kPostgreSql) {
          // The transaction is aborted: redo it row by row to find the culprit.
          Attempt a = not_committed(adds[next], s);
          if (a.what == Attempt::What::kDrop) a.what = Attempt::What::kNoBulk;
          return a;
        }
        if (absl::IsUnavailable(s) || absl::IsAborted(s)) return not_committed(adds[next], s);
        // On another error MySQL undid just this statement: those rows go
        // one by one below, so each gets its own answer.
        continue;
      }
      for (size_t k = next; k < next + rows; ++k) {
        if (!(*inserted)[k - next]) results[adds[k]] = AlreadyLeased(live[adds[k]]->address);
        done[adds[k]] = true;
      }
    }
  }
  for (size_t i = 0; i < live.size(); ++i) {
    if (done[i]) continue;
    const Change& c = *live[i];
    const std::string addr = c.address.ToString();
    CountStatement();
    if (c.kind == Change::Kind::kAdd) {
      absl::StatusOr<uint64_t> n = connection.Execute(sql::kInsert, sql::InsertParams(*c.lease));
      if (n.ok() && *n > 0) continue;
      if ((n.ok() && *n == 0) ||
          (dialect == db::Dialect::kMySql && absl::IsAlreadyExists(n.status()))) {
        results[i] = AlreadyLeased(c.address);
        continue;
      }
      return not_committed(i, n.status());
    }
    absl::StatusOr<uint64_t> n =
        c.kind == Change::Kind::kUpdate
            ? connection.Execute(sql::kUpdate,
                                 sql::UpdateParams(*c.lease, c.expected_expire, dialect))
            : connection.Execute(sql::kDelete, {int64_t{c.address.value()},
                                                sql::TimeParam(c.expected_expire, dialect)});
    if (!n.ok()) return not_committed(i, n.status());
    if (*n > 0) continue;
    // Matched nothing: changed since it was read, or gone.
    absl::StatusOr<db::ResultSet> exists =
        connection.Query(sql::kExists, {int64_t{c.address.value()}});
    if (!exists.ok()) return not_committed(i, exists.status());
    const char* verb = c.kind == Change::Kind::kUpdate ? "update" : "delete";
    if (exists->rows.empty()) {
      results[i] = absl::NotFoundError(absl::StrCat("cannot ", verb, " the lease for ", addr,
                                                    ": there is no lease for that address"));
    } else {
      results[i] = absl::AbortedError(absl::StrCat("cannot ", verb, " the lease for ", addr,
                                                   ": it changed since it was read (expire is no "
                                                   "longer ",
                                                   c.expected_expire, "); read it again"));
    }
  }
  if (absl::Status s = connection.Commit(); !s.ok()) {
    if (absl::IsUnavailable(s)) s = OutcomeUnknown(s, live.size());
    if (connection.healthy() && connection.in_transaction()) (void)connection.Rollback();
    return {.what = Attempt::What::kFail, .status = s};
  }
  return {.what = Attempt::What::kCommitted, .status = absl::OkStatus()};
}

}  // namespace shoal::lease_backend
