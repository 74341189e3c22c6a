// shoal-admin's commands, runnable in-process (the binary's main() and the
// tests call RunAdmin). Exit codes:
//   0 success
//   1 usage error (bad command, backend or option)
//   2 db-init refused: the database already has tables
//   3 database error (cannot connect, bad credentials, SQL failure, a lease
//     to upload already exists)
//   4 schema version problem (no shoal schema, or a version this shoal-admin
//     cannot upgrade)
//   5 file error (lease file unreadable, invalid or empty; output exists
//     without -y; write failure)
#pragma once

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace shoal::admin {

enum ExitCode : int {
  kExitOk = 0,
  kExitUsage = 1,
  kExitNotEmpty = 2,
  kExitDatabase = 3,
  kExitSchema = 4,
  kExitFile = 5,
};

// What RunAdmin needs from its process, injectable for tests.
struct AdminEnvironment {
  // Environment variable lookup (nullopt = unset).
  std::function<std::optional<std::string>(const std::string&)> getenv;
  // Asks the user for the password (for -p without a value).
  std::function<absl::StatusOr<std::string>()> prompt_password;
};

// The real process: ::getenv, and a prompt on the terminal without echo (or
// one line from standard input when it is not a terminal).
AdminEnvironment ProcessEnvironment();

// `args` excludes the program name. Writes results to `out` and messages to
// `err`; returns the exit code.
int RunAdmin(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
             const AdminEnvironment& env);

}  // namespace shoal::admin
