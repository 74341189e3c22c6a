#include "config_backend/config_write.h"

#include "absl/strings/str_cat.h"

namespace shoal::config_backend {
namespace {

using db::Statement;

// PostgreSQL: lock the head row and name the writer (the first trigger
// takes the revision).
const Statement kPgBegin(
    "SELECT revision, set_config('shoal.actor', ?, true), set_config('shoal.command', ?, true) "
    "FROM config4_head WHERE id = 1 FOR UPDATE");

// MySQL: take the revision now (the UPDATE is the lock), record the writer
// and hand the revision to the triggers in @shoal_revision (migration 0008).
const Statement kMyBegin("CALL config4_begin_write(?, ?)");
const Statement kClearRevision("SET @shoal_revision = NULL");

absl::Status DamagedHead() {
  return absl::FailedPreconditionError(
      "config4_head has no row: the configuration schema is damaged; recreate it with "
      "shoal-admin db-init");
}

}  // namespace

absl::StatusOr<std::unique_ptr<ConfigWrite>> ConfigWrite::Begin(db::Connection& connection,
                                                                std::string_view actor,
                                                                std::string_view command) {
  std::unique_ptr<ConfigWrite> write(new ConfigWrite(connection));
  if (absl::Status s = connection.Begin(); !s.ok()) return s;
  write->open_ = true;
  std::string who(actor.substr(0, 255));
  std::string what(command.substr(0, 64));
  if (connection.dialect() == db::Dialect::kPostgreSql) {
    auto head = connection.Query(kPgBegin, {who, what});
    if (!head.ok()) return head.status();
    if (head->rows.empty()) return DamagedHead();
    return write;
  }
  // Without the head row the procedure's INSERT meets a NULL revision and
  // fails ("Column 'revision' cannot be null").
  if (auto r = connection.Execute(kMyBegin, {who, what}); !r.ok()) return r.status();
  return write;
}

absl::Status ConfigWrite::ClearSession() {
  if (connection_.dialect() == db::Dialect::kPostgreSql) return absl::OkStatus();
  return connection_.Execute(kClearRevision).status();
}

absl::Status ConfigWrite::Commit() {
  if (!open_) return absl::FailedPreconditionError("the configuration write is over");
  open_ = false;
  if (absl::Status s = ClearSession(); !s.ok()) {
    (void)connection_.Rollback();
    return s;
  }
  return connection_.Commit();
}

ConfigWrite::~ConfigWrite() {
  if (!open_) return;
  // A session that cannot clear its variable must not be reused: a later
  // plain-SQL write on it would join this (rolled back) revision.
  if (!ClearSession().ok()) (void)connection_.Reconnect();
  (void)connection_.Rollback();
}

}  // namespace shoal::config_backend
