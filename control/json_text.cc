#include "control/json_text.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace shoal::control {

absl::StatusOr<std::string> StripJsonComments(std::string_view text) {
  std::string out(text);
  enum class State { kCode, kString, kEscape, kLineComment, kBlockComment };
  State state = State::kCode;
  int depth = 0;
  size_t block_start = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    const char c = out[i];
    switch (state) {
      case State::kCode:
        if (c == '"') {
          state = State::kString;
        } else if (c == '#') {
          state = State::kLineComment;
          out[i] = ' ';
        } else if (c == '/' && i + 1 < out.size() && out[i + 1] == '/') {
          state = State::kLineComment;
          out[i] = ' ';
          out[++i] = ' ';
        } else if (c == '/' && i + 1 < out.size() && out[i + 1] == '*') {
          state = State::kBlockComment;
          block_start = i;
          out[i] = ' ';
          out[++i] = ' ';
        } else if (c == '{' || c == '[') {
          if (++depth > kMaxJsonDepth) {
            return absl::InvalidArgumentError(absl::StrCat("JSON nesting is deeper than ",
                                                           kMaxJsonDepth, " levels at offset ", i));
          }
        } else if (c == '}' || c == ']') {
          --depth;
        }
        break;
      case State::kString:
        if (c == '\\') {
          state = State::kEscape;
        } else if (c == '"') {
          state = State::kCode;
        }
        break;
      case State::kEscape:
        state = State::kString;
        break;
      case State::kLineComment:
        if (c == '\n') {
          state = State::kCode;
        } else {
          out[i] = ' ';
        }
        break;
      case State::kBlockComment:
        if (c == '*' && i + 1 < out.size() && out[i + 1] == '/') {
          state = State::kCode;
          out[i] = ' ';
          out[++i] = ' ';
        } else if (c != '\n') {
          out[i] = ' ';
        }
        break;
    }
  }
  if (state == State::kBlockComment) {
    return absl::InvalidArgumentError(
        absl::StrCat("unterminated /* comment starting at offset ", block_start));
  }
  return out;
}

bool JsonCompletenessScanner::Feed(std::string_view data) {
  for (const char c : data) {
    if (complete_) return true;
    ++fed_;
    switch (state_) {
      case State::kCode:
        if (c == '"') {
          state_ = State::kString;
          if (!started_) complete_ = true;  // a bare string is never a command
        } else if (c == '#') {
          state_ = State::kLineComment;
        } else if (c == '/') {
          state_ = State::kSlash;
        } else if (c == '{' || c == '[') {
          started_ = true;
          ++depth_;
        } else if (c == '}' || c == ']') {
          if (--depth_ <= 0) {
            complete_ = true;
            if (started_) end_ = fed_;
          }
        } else if (!started_ && c != ' ' && c != '\t' && c != '\r' && c != '\n') {
          complete_ = true;  // not a map or list: let the parser say so
        }
        break;
      case State::kString:
        if (c == '\\') {
          state_ = State::kStringEscape;
        } else if (c == '"') {
          state_ = State::kCode;
        }
        break;
      case State::kStringEscape:
        state_ = State::kString;
        break;
      case State::kSlash:
        if (c == '/') {
          state_ = State::kLineComment;
        } else if (c == '*') {
          state_ = State::kBlockComment;
        } else {
          complete_ = true;  // a lone '/' is a syntax error
        }
        break;
      case State::kLineComment:
        if (c == '\n') state_ = State::kCode;
        break;
      case State::kBlockComment:
        if (c == '*') state_ = State::kBlockCommentStar;
        break;
      case State::kBlockCommentStar:
        if (c == '/') {
          state_ = State::kCode;
        } else if (c != '*') {
          state_ = State::kBlockComment;
        }
        break;
    }
  }
  return complete_;
}

}  // namespace shoal::control
