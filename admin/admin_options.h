// Command line of shoal-admin, kea-admin style:
//   shoal-admin COMMAND BACKEND [options]
// COMMAND: db-init | db-upgrade | db-version | lease-dump | lease-upload |
//          config-import | config-export
// BACKEND: mysql | pgsql
// Options: -h/--host, -P/--port, -u/--user, -p/--password [PW], -n/--name,
//          -4, -o/--output FILE, -i/--input FILE, -y/--yes,
//          -t/--server-tags TAG[,TAG...],
//          --connect-timeout SECONDS
// Also `shoal-admin -v|--version` and `shoal-admin --help`.
// Parsing is pure: no I/O, no environment.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "db/dialect.h"

namespace shoal::admin {

enum class Verb {
  kDbInit,
  kDbUpgrade,
  kDbVersion,
  kLeaseDump,
  kLeaseUpload,
  kConfigImport,
  kConfigExport,
  kVersion,
  kHelp
};

struct AdminOptions {
  Verb verb = Verb::kHelp;
  db::Dialect dialect = db::Dialect::kMySql;
  std::string host = "localhost";
  uint16_t port = 0;  // 0 = the database's default port
  std::string user = "shoal";
  std::string name = "shoal";
  // Set when -p/--password came with a value.
  std::optional<std::string> password;
  // -p/--password without a value: ask for it.
  bool prompt_password = false;
  bool family4 = false;
  std::string output;
  std::string input;
  bool yes = false;
  // config-import / config-export: the server tags (lowercase; default all).
  std::vector<std::string> server_tags;
  uint32_t connect_timeout_s = 5;
};

// InvalidArgument with a message naming the bad argument.
absl::StatusOr<AdminOptions> ParseAdminOptions(const std::vector<std::string>& args);

// The usage text (ends with a newline).
std::string AdminUsage();

}  // namespace shoal::admin
