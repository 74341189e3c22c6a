#include "admin/lease_sql.h"

#include "absl/strings/str_cat.h"
#include "lease_backend/sql_lease_codec.h"

namespace shoal::admin {

namespace sql = lease_backend::sql;
using lease_backend::Lease4;

absl::StatusOr<std::vector<Lease4>> DumpLeases(db::Connection& connection) {
  auto result = connection.Query(sql::kGetAll);
  if (!result.ok()) return result.status();
  return sql::DecodeRows(*result);
}

absl::Status UploadLeases(db::Connection& connection, const std::vector<Lease4>& leases) {
  db::Transaction txn(connection);
  if (!txn.status().ok()) return txn.status();
  for (const Lease4& l : leases) {
    const std::string what = absl::StrCat("lease ", l.address.ToString());
    if (absl::Status valid = sql::ValidateLease(l, connection.dialect()); !valid.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": ", valid.message(), "; nothing was uploaded"));
    }
    // PostgreSQL's insert skips a duplicate (ON CONFLICT DO NOTHING): 0 rows.
    absl::StatusOr<uint64_t> inserted = connection.Execute(sql::kInsert, sql::InsertParams(l));
    if (absl::IsAlreadyExists(inserted.status()) || (inserted.ok() && *inserted == 0)) {
      return absl::AlreadyExistsError(
          absl::StrCat(what, " is already in the database; nothing was uploaded"));
    }
    if (!inserted.ok()) {
      return absl::Status(inserted.status().code(),
                          absl::StrCat(what, ": ", inserted.status().message(),
                                       "; nothing was uploaded"));
    }
  }
  return txn.Commit();
}

}  // namespace shoal::admin
