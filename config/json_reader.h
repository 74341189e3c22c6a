// A JSON reader for Kea-style configuration text: standard JSON plus Kea's
// comments (`// ...`, `/* ... */`, `# ...`), with the line and column of
// every value recorded so configuration errors can point into the file.
//
// ReadLocatedJson never throws and never crashes on hostile input: nesting
// deeper than kMaxJsonDepth, numbers out of range, invalid UTF-8, bad
// escapes, control characters, duplicate keys, unterminated strings or
// comments and trailing garbage are all errors of the form
// "<message> (<source>:<line>:<column>)". Lines and columns count from 1;
// columns count bytes.
#pragma once

#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace shoal::config {

inline constexpr int kMaxJsonDepth = 100;

struct SourceLocation {
  int line = 0;
  int column = 0;
};

struct LocatedJson {
  nlohmann::json value;
  std::string source_name;
  // JSON pointer ("/Dhcp4/subnet4/0/pool") -> where the value starts.
  absl::flat_hash_map<std::string, SourceLocation> value_locations;
  // JSON pointer of an object member -> where its key starts.
  absl::flat_hash_map<std::string, SourceLocation> key_locations;

  // " (source:line:col)" for the value (or, if `key`, the member's key) at
  // `pointer`; empty when unknown.
  std::string Where(const std::string& pointer, bool key = false) const;
};

absl::StatusOr<LocatedJson> ReadLocatedJson(std::string_view text, std::string_view source_name);

// Appends one reference token to a JSON pointer, escaping '~' and '/'.
std::string JsonPointerAppend(const std::string& pointer, std::string_view token);

}  // namespace shoal::config
