// The shoal schema: its versions, its migrations (compiled in from sql/), and
// the operations on a live database that shoal-admin and the node share.
//
// Versions: schema_version holds one row (version = major, minor), as in
// Kea. Migration NNNN_name.sql takes the schema to the version named in its
// "-- version: X.Y" header line. A program supports a database whose major
// equals its own and whose minor is at least its own (minor steps only add).
//
// Statement format: a statement ends at a line whose last non-blank
// character is ';'; lines starting with "--" outside statements are comments.
// A compound statement (stored program, trigger) runs from a line
// "-- compound statement begin" to a line "-- compound statement end".
//
// All functions take a connection the caller owns and uses from one thread.
// Errors: FailedPrecondition for a database in the wrong state (not empty,
// no schema, unsupported version; the message says which shoal-admin command
// to run), Internal for a malformed embedded migration, else the driver's
// mapped error.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "db/connection.h"
#include "db/database_params.h"
#include "db/dialect.h"

namespace shoal::db {

struct SchemaVersion {
  int major = 0;
  int minor = 0;
  std::string ToString() const;  // "2.0"
  friend auto operator<=>(const SchemaVersion&, const SchemaVersion&) = default;
};

struct Migration {
  int number = 0;         // NNNN from the file name
  std::string file_name;  // "0001_initial.sql"
  SchemaVersion version;  // the version after this migration
  std::vector<std::string> statements;
};

// Splits migration text into statements (see the format above).
std::vector<std::string> SplitSqlStatements(std::string_view text);

// The embedded migrations of `dialect`, in order. Internal error if the
// files are malformed (numbering gap, missing or non-increasing version).
absl::StatusOr<std::vector<Migration>> Migrations(Dialect dialect);
// The version the newest embedded migration creates: what this build needs.
SchemaVersion RequiredSchemaVersion(Dialect dialect);

// The database's version; nullopt when it has no schema_version table.
absl::StatusOr<std::optional<SchemaVersion>> ReadSchemaVersion(Connection& connection);
// Names of the tables (and views) in the connection's database/schema.
absl::StatusOr<std::vector<std::string>> ListTables(Connection& connection);

// The node's check at connect time: OK if the schema is supported by a
// program needing `required`, else FailedPrecondition naming both versions
// and the `shoal-admin` command to run.
absl::Status CheckSchemaVersion(Connection& connection, std::string_view program = "shoal-dhcp4",
                                std::optional<SchemaVersion> required = std::nullopt);

// Creates the schema in an empty database (FailedPrecondition listing the
// tables otherwise). Returns the version created. `target` stops at an older
// version (tests of the upgrade path); default: the newest.
absl::StatusOr<SchemaVersion> InitSchema(Connection& connection,
                                         std::optional<SchemaVersion> target = std::nullopt);

struct UpgradeResult {
  SchemaVersion from;
  SchemaVersion to;
  std::vector<std::string> applied;  // file names, in order; empty = already current
};
// Applies every pending migration in order, each in its own transaction on
// PostgreSQL (MySQL commits DDL statement by statement). Serialised against
// concurrent upgrades with a database lock. A no-op on a current schema.
// `target` stops at an older version; default: the newest.
absl::StatusOr<UpgradeResult> UpgradeSchema(Connection& connection,
                                            std::optional<SchemaVersion> target = std::nullopt);

// "shoal-admin VERB BACKEND -u USER -n NAME -h HOST -P PORT" (no password).
std::string AdminCommand(const DatabaseParams& params, std::string_view verb);

}  // namespace shoal::db
