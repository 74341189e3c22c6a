// Lexical helpers for command text in Kea's relaxed JSON: `#`, `//` and
// `/* */` comments outside strings (Kea allows them in commands since 1.9.7).
//
// Pure functions and a small value type; no threads, no I/O. Nothing here
// throws: problems are returned as absl::Status naming what is wrong.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace shoal::control {

// Deepest nesting of maps and lists a command may have. Deeper text is
// rejected before it reaches the JSON parser, so nothing recursive (dump,
// copy, compare) ever walks an attacker-sized depth.
inline constexpr int kMaxJsonDepth = 128;

// Returns `text` with every comment outside string literals replaced by
// spaces (newlines are kept, so line/column numbers in parse errors still
// point at the original text). Errors: an unterminated `/* */` comment, or
// nesting deeper than kMaxJsonDepth.
absl::StatusOr<std::string> StripJsonComments(std::string_view text);

// Incremental detector of "one complete JSON map or list has arrived", for
// stream transports without framing (the UNIX control socket). Feed bytes as
// they arrive; Complete() turns true once the first top-level `{...}` or
// `[...]` is closed. Leading whitespace and comments are skipped. If the first
// significant byte opens neither a map nor a list the text can never become a
// valid command, so Complete() turns true at once and the parser reports the
// error.
class JsonCompletenessScanner {
 public:
  // Consumes `data`; returns true when the value is complete (further bytes
  // are ignored).
  bool Feed(std::string_view data);
  bool Complete() const { return complete_; }
  // When the value completed as a closed map or list: the number of bytes
  // fed up to and including its closing bracket (trailing bytes are not part
  // of the command). Unset otherwise.
  std::optional<size_t> end() const { return end_; }

 private:
  enum class State {
    kCode,              // outside strings and comments
    kString,            // inside "..."
    kStringEscape,      // after a backslash inside a string
    kSlash,             // after '/' outside a string
    kLineComment,       // after '#' or '//'
    kBlockComment,      // inside /* */
    kBlockCommentStar,  // after '*' inside /* */
  };
  State state_ = State::kCode;
  long depth_ = 0;
  bool started_ = false;
  bool complete_ = false;
  size_t fed_ = 0;
  std::optional<size_t> end_;
};

}  // namespace shoal::control
