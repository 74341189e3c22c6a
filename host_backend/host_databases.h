// HostDatabases: the node's SQL hosts databases (`hosts-database` /
// `hosts-databases`), each a HostCache kept current by a HostFollower.
// Opening never fails for an unreachable database: the follower keeps
// trying and the node serves the file's reservations meanwhile (state()
// says so). A configuration whose hosts databases are unchanged keeps the
// same HostDatabases (Matches).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "config/config.h"
#include "host_backend/host_cache.h"
#include "host_backend/host_follower.h"

namespace shoal::host_backend {

class HostDatabases {
 public:
  // Starts one follower per database. Error: a database map that does not
  // describe a SQL database (the parser already refuses those).
  static absl::StatusOr<std::shared_ptr<HostDatabases>> Open(
      const std::vector<config::DatabaseConfig>& databases, std::shared_ptr<spdlog::logger> log);
  ~HostDatabases();

  bool Matches(const std::vector<config::DatabaseConfig>& databases) const {
    return databases == configs_;
  }
  std::vector<std::shared_ptr<const HostCache>> caches() const;
  size_t size() const { return followers_.size(); }
  // Where reservation-* commands write: the first database that is not
  // `readonly`. Error (FailedPrecondition) saying why there is none.
  absl::StatusOr<size_t> Writable() const;
  const db::DatabaseParams& params(size_t index) const { return followers_[index]->database(); }
  // Waits up to `timeout` for every database's first load; false if one
  // has not loaded (unreachable: the node serves without its reservations
  // until it has).
  bool WaitLoaded(absl::Duration timeout) const;
  bool WaitForRevision(size_t index, uint64_t revision, absl::Duration timeout) const {
    return followers_[index]->WaitForRevision(revision, timeout);
  }
  // "none", "connected", or each database that is not connected and why.
  std::string state() const;
  // Per database: where, state, revision, reservations, rows left out.
  std::vector<HostFollowerStatus> statuses() const;

 private:
  HostDatabases() = default;

  std::vector<config::DatabaseConfig> configs_;
  std::vector<std::shared_ptr<HostCache>> caches_;
  std::vector<std::unique_ptr<HostFollower>> followers_;
};

}  // namespace shoal::host_backend
