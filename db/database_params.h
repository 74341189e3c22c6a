// DatabaseParams: how to reach one SQL database, parsed from Kea's database
// map (`lease-database`, `hosts-database(s)`, `config-databases` entries).
//
// FromJson validates every key and value and names the offending key and
// what is expected. The password is never printed: ToString() and
// ToRedactedJson() (for logs and config-get) leave it out.
// A plain value type; copy freely.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "db/dialect.h"
#include "nlohmann/json.hpp"

namespace shoal::db {

// What the server does when a database connection is lost (Kea's `on-fail`).
enum class OnFail {
  kStopRetryExit,       // stop serving while reconnecting; exit if every try fails
  kServeRetryExit,      // keep serving while reconnecting; exit if every try fails
  kServeRetryContinue,  // keep serving; never exit
};
std::string_view OnFailName(OnFail on_fail);

struct DatabaseParams {
  Dialect dialect = Dialect::kMySql;
  std::string name;
  std::string host = "localhost";
  uint16_t port = 0;  // 0 = the driver's default (3306 / 5432)
  std::string user;
  std::string password;
  uint32_t connect_timeout_s = 5;
  std::optional<uint32_t> read_timeout_s;   // MySQL only
  std::optional<uint32_t> write_timeout_s;  // MySQL only
  uint32_t max_reconnect_tries = 0;         // 0 = no automatic recovery
  uint32_t reconnect_wait_time_ms = 0;
  OnFail on_fail = OnFail::kStopRetryExit;
  bool retry_on_startup = false;
  bool readonly = false;
  // Sessions plan for a store whose every query has an index (the lease
  // store). Not a Kea parameter; set by the store.
  // PostgreSQL: enable_seqscan=off. A table that filled quickly after being
  // emptied keeps stale planner statistics, and the cached plans of prepared
  // statements then scan the whole table per lookup until autovacuum
  // analyses it.
  // MySQL: eq_range_index_dive_limit=1. The optimizer estimates an IN list
  // (a batched lookup of up to 64 keys) from index statistics instead of
  // diving into the B-tree once per value, which cost MariaDB three times
  // as much as the lookups themselves.
  bool index_scans_only = false;
  std::string trust_anchor;  // CA file or directory
  std::string cert_file;
  std::string key_file;
  std::string cipher_list;  // MySQL only

  // Parses Kea's map. `where` names the map in error messages (e.g.
  // "lease-database"). Errors: InvalidArgument naming the key.
  static absl::StatusOr<DatabaseParams> FromJson(const nlohmann::json& map,
                                                 std::string_view where = "database");

  bool tls() const { return !trust_anchor.empty() || !cert_file.empty() || !key_file.empty(); }
  uint16_t effective_port() const {
    return port != 0 ? port : (dialect == Dialect::kMySql ? 3306 : 5432);
  }

  // "database shoal on 127.0.0.1:3306" — for messages.
  std::string Describe() const;
  // Every parameter except the password (shown as "password=*****" when set).
  std::string ToString() const;
  // The Kea map with the password left out; for config-get and logs.
  nlohmann::json ToRedactedJson() const;
};

}  // namespace shoal::db
