// Reading and writing whole lease4 tables for lease-dump and lease-upload,
// in Kea's encodings (see sql/*/0001_initial.sql). The caller owns the
// connection and uses it from one thread.
#pragma once

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "db/connection.h"
#include "lease_backend/lease.h"

namespace shoal::admin {

// Every row of lease4, ordered by address. A row with bad contents is an
// InvalidArgument error naming its address.
absl::StatusOr<std::vector<lease_backend::Lease4>> DumpLeases(db::Connection& connection);

// Inserts `leases` in one transaction: all or nothing. AlreadyExists (naming
// the address) when a lease for one of the addresses is already stored.
absl::Status UploadLeases(db::Connection& connection,
                          const std::vector<lease_backend::Lease4>& leases);

}  // namespace shoal::admin
