// ConfigWrite: one change to the configuration database made by a remote-*
// command (or shoal-admin), as one transaction and one revision.
//
// Begin() locks the change feed's head row first, so writes through any
// number of nodes are serialised and every read inside the write (the
// conflict checks) sees every write committed before it; plain SQL writers
// take the same lock in their triggers. The revision records `actor` and
// `command` (config4_revision). On MySQL the write takes its revision
// itself and sets @shoal_revision so the triggers put every changed row
// under it (migration 0007); PostgreSQL gives one revision per transaction
// anyway.
//
// Destroying an uncommitted write rolls it back. Not thread-safe; one
// connection, one user.
#pragma once

#include <memory>
#include <string_view>

#include "absl/status/statusor.h"
#include "db/connection.h"

namespace shoal::config_backend {

class ConfigWrite {
 public:
  static absl::StatusOr<std::unique_ptr<ConfigWrite>> Begin(db::Connection& connection,
                                                            std::string_view actor,
                                                            std::string_view command);
  ~ConfigWrite();
  ConfigWrite(const ConfigWrite&) = delete;
  ConfigWrite& operator=(const ConfigWrite&) = delete;

  db::Connection& connection() { return connection_; }
  // Commits; afterwards the write is done either way.
  absl::Status Commit();

 private:
  explicit ConfigWrite(db::Connection& connection) : connection_(connection) {}
  // Clears the session variables a MySQL write sets (before commit or rollback).
  absl::Status ClearSession();

  db::Connection& connection_;
  bool open_ = false;
};

}  // namespace shoal::config_backend
