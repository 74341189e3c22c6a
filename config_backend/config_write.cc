#include "config_backend/config_write.h"

#include "absl/strings/str_cat.h"

namespace shoal::config_backend {
namespace {

using db::Statement;

// PostgreSQL: lock the head row; the first trigger takes the revision.
const Statement kLockHead("SELECT revision FROM config4_head WHERE id = 1 FOR UPDATE");
const Statement kPgNameWriter(
    "SELECT set_config('shoal.actor', ?, true), set_config('shoal.command', ?, true)");

// MySQL: take the revision now (the UPDATE is the lock) and hand it to the
// triggers.
const Statement kTakeRevision("UPDATE config4_head SET revision = revision + 1 WHERE id = 1");
const Statement kReadRevision("SELECT revision FROM config4_head WHERE id = 1");
const Statement kRecordRevision(
    "INSERT INTO config4_revision (revision, actor, command) VALUES (?, ?, ?)");
const Statement kUseRevision("SET @shoal_revision = ?");
const Statement kClearRevision("SET @shoal_revision = NULL");

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
    if (auto r = connection.Query(kLockHead); !r.ok()) return r.status();
    if (auto r = connection.Query(kPgNameWriter, {who, what}); !r.ok()) return r.status();
    return write;
  }
  if (auto r = connection.Execute(kTakeRevision); !r.ok()) return r.status();
  auto rs = connection.Query(kReadRevision);
  if (!rs.ok()) return rs.status();
  if (rs->rows.empty()) {
    return absl::FailedPreconditionError(
        "config4_head has no row: the configuration schema is damaged; recreate it with "
        "shoal-admin db-init");
  }
  auto revision = rs->rows[0].Int64(0);
  if (!revision.ok()) return revision.status();
  if (auto r = connection.Execute(kRecordRevision, {*revision, who, what}); !r.ok()) {
    return r.status();
  }
  if (auto r = connection.Execute(kUseRevision, {*revision}); !r.ok()) return r.status();
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
