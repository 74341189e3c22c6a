// How a Lease4 maps onto Kea's lease4 table, for SqlLeaseStore: the column
// list every SELECT uses, the statement texts of both dialects, parameter
// lists and row decoding. Encodings (docs/sql-schema.md): address as an
// unsigned 32-bit integer, hwaddr as bytes (empty for declined leases),
// client_id as bytes or NULL, expire = cltt + valid_lifetime (cltt for
// infinite leases) as a second-precision timestamp in UTC, hostname as text
// ('' when none), user_context as text or NULL. hwtype is not stored (Kea's
// lease4 has no such column) and reads back as 1.
//
// Pure functions and constant statements; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "db/connection.h"
#include "db/dialect.h"
#include "db/value.h"
#include "lease_backend/lease.h"

namespace shoal::lease_backend::sql {

// Writes (group-committed). Add is ON CONFLICT DO NOTHING on PostgreSQL (a
// duplicate then matches 0 rows instead of aborting the transaction); on
// MySQL a duplicate key fails only its statement (AlreadyExists).
extern const db::Statement kInsert;
// kInsert for `rows` leases in one statement (1 to kMaxBulkInsertRows),
// params: InsertParams of each lease in turn. PostgreSQL: ON CONFLICT DO
// NOTHING RETURNING address (the addresses inserted); MySQL: a duplicate
// fails the whole statement (AlreadyExists) and only the statement.
inline constexpr size_t kMaxBulkInsertRows = 64;
const db::Statement& BulkInsert(size_t rows);
// Params: UpdateParams.
extern const db::Statement kUpdate;
// Params: address, expected expire.
extern const db::Statement kDelete;
// Params: address. One row if the address has a lease.
extern const db::Statement kExists;

// Reads. Each returns the columns DecodeRow expects.
extern const db::Statement kGet;            // address
extern const db::Statement kGetByHostname;  // hostname (twice on PostgreSQL: see .cc)
extern const db::Statement kGetBySubnet;    // subnet_id
extern const db::Statement kGetAll;
extern const db::Statement kGetPage;        // after, limit
extern const db::Statement kGetRange;       // first, last
extern const db::Statement kGetExpired;     // now, limit
extern const db::Statement kCountBySubnet;  // -> subnet_id, state, count
// Leases whose hwaddr (client_id, address) is any of `keys` values, in no
// order; keys: one of kLookupBatchSizes (pad a batch by repeating a key).
inline constexpr size_t kLookupBatchSizes[] = {1, 2, 4, 8, 16, 32, 64};
const db::Statement& GetByHwAddressIn(size_t keys);
const db::Statement& GetByClientIdIn(size_t keys);
const db::Statement& GetByAddressIn(size_t keys);

// Plain statements.
extern const db::Statement kDeleteReclaimedBefore;  // before
extern const db::Statement kWipeSubnet;             // subnet_id
extern const db::Statement kWipeAll;

// InvalidArgument (naming the field and the limit) for a lease the lease4
// columns cannot hold in `dialect`: hwaddr over 20 bytes, client_id over 128
// bytes, hostname over 255 bytes, user_context over 65535 bytes, state out
// of range, or (MySQL TIMESTAMP) an expire outside 1970-01-01 00:00:01 ..
// 2038-01-19 03:14:07 UTC.
absl::Status ValidateLease(const Lease4& lease, db::Dialect dialect);

// The 11 column values of kInsert, in its column order.
std::vector<db::Param> InsertParams(const Lease4& lease);
// kUpdate's values: every column but the address, then the address and the
// expected expire.
std::vector<db::Param> UpdateParams(const Lease4& lease, int64_t expected_expire,
                                    db::Dialect dialect);

// An epoch-seconds bound for a comparison with expire, clamped to what the
// dialect's timestamp functions accept.
int64_t TimeParam(int64_t epoch_seconds, db::Dialect dialect);

// A lease from one row of a SELECT above. InvalidArgument naming the
// address for contents that are not a valid lease (the table is input too).
absl::StatusOr<Lease4> DecodeRow(const db::Row& row);
absl::StatusOr<std::vector<Lease4>> DecodeRows(const db::ResultSet& result);

}  // namespace shoal::lease_backend::sql
