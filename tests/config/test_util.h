// Helpers shared by the config parser tests.
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/status/statusor.h"
#include "config/dhcp4_parser.h"

namespace shoal::config::testing {

inline std::string SourceDir() {
  const char* dir = std::getenv("SHOAL_SOURCE_DIR");
  return dir ? dir : ".";
}

// Parses `body` wrapped as {"Dhcp4": {<body>}} with the wrapper on line 1,
// so line N of `body` is line N+1 of "t.json".
inline absl::StatusOr<Config> ParseBody(const std::string& body) {
  return ParseDhcp4ConfigText("{\"Dhcp4\": {\n" + body + "\n}}", "t.json");
}

inline std::string ErrorOf(const std::string& body) {
  auto r = ParseBody(body);
  if (r.ok()) return "<parsed OK>";
  return std::string(r.status().message());
}

}  // namespace shoal::config::testing
