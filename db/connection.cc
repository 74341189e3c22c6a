#include "db/connection.h"

#include "absl/strings/str_cat.h"
#include "db/mysql_connection.h"
#include "db/pgsql_connection.h"

namespace shoal::db {

absl::StatusOr<std::unique_ptr<Connection>> Connect(const DatabaseParams& params) {
  switch (params.dialect) {
    case Dialect::kMySql:
      return internal::ConnectMySql(params);
    case Dialect::kPostgreSql:
      return internal::ConnectPgSql(params);
  }
  return absl::InvalidArgumentError("unknown database dialect");
}

absl::Status RequireRowMatched(const absl::StatusOr<uint64_t>& affected, std::string_view what) {
  if (!affected.ok()) return affected.status();
  if (*affected == 0) {
    return absl::AbortedError(
        absl::StrCat(std::string(what), ": no row matched (it was changed or removed meanwhile)"));
  }
  return absl::OkStatus();
}

Transaction::Transaction(Connection& connection) : connection_(connection) {
  begin_status_ = connection_.Begin();
  open_ = begin_status_.ok();
}

Transaction::~Transaction() {
  if (open_) (void)connection_.Rollback();
}

absl::Status Transaction::Commit() {
  if (!open_) {
    return begin_status_.ok() ? absl::FailedPreconditionError("transaction already finished")
                              : begin_status_;
  }
  open_ = false;
  return connection_.Commit();
}

absl::Status Transaction::Rollback() {
  if (!open_) return absl::OkStatus();
  open_ = false;
  return connection_.Rollback();
}

}  // namespace shoal::db
