// Recursive-descent JSON reader with Kea comments and value locations.
#include "config/json_reader.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace shoal::config {
namespace {

absl::string_view AV(std::string_view s) { return absl::string_view(s.data(), s.size()); }

class Reader {
 public:
  Reader(std::string_view text, LocatedJson* out) : text_(text), out_(out) {}

  absl::Status Run() {
    if (auto s = SkipBlanks(); !s.ok()) return s;
    if (pos_ >= text_.size()) return Error("the file is empty, expected a JSON map");
    if (auto s = ParseValue("", 0, &out_->value); !s.ok()) return s;
    if (auto s = SkipBlanks(); !s.ok()) return s;
    if (pos_ < text_.size()) {
      return Error(absl::StrCat("unexpected '", Printable(text_[pos_]),
                                "' after the end of the JSON document"));
    }
    return absl::OkStatus();
  }

 private:
  SourceLocation Here() const { return {line_, static_cast<int>(pos_ - line_start_) + 1}; }

  absl::Status ErrorAt(SourceLocation at, std::string_view message) const {
    return absl::InvalidArgumentError(
        absl::StrCat(AV(message), " (", out_->source_name, ":", at.line, ":", at.column, ")"));
  }
  absl::Status Error(std::string_view message) const { return ErrorAt(Here(), message); }

  static std::string Printable(char c) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) return absl::StrCat("\\x", absl::Hex(u, absl::kZeroPad2));
    return std::string(1, c);
  }

  void Advance() {
    if (text_[pos_] == '\n') {
      ++line_;
      line_start_ = pos_ + 1;
    }
    ++pos_;
  }

  absl::Status SkipBlanks() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        Advance();
      } else if (c == '#' || (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/')) {
        while (pos_ < text_.size() && text_[pos_] != '\n') Advance();
      } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '*') {
        SourceLocation start = Here();
        Advance();
        Advance();
        while (true) {
          if (pos_ + 1 >= text_.size()) {
            return ErrorAt(start, "unterminated /* comment");
          }
          if (text_[pos_] == '*' && text_[pos_ + 1] == '/') {
            Advance();
            Advance();
            break;
          }
          Advance();
        }
      } else if (c == '/') {
        return Error("unexpected '/': comments start with // or /*");
      } else {
        break;
      }
    }
    return absl::OkStatus();
  }

  absl::Status ParseValue(const std::string& pointer, int depth, nlohmann::json* out) {
    if (depth > kMaxJsonDepth) {
      return Error(absl::StrCat("JSON nested deeper than ", kMaxJsonDepth, " levels"));
    }
    if (pos_ >= text_.size()) return Error("unexpected end of input, expected a value");
    out_->value_locations[pointer] = Here();
    char c = text_[pos_];
    switch (c) {
      case '{':
        return ParseObject(pointer, depth, out);
      case '[':
        return ParseArray(pointer, depth, out);
      case '"': {
        std::string s;
        if (auto st = ParseString(&s); !st.ok()) return st;
        *out = std::move(s);
        return absl::OkStatus();
      }
      case 't':
        return ParseLiteral("true", true, out);
      case 'f':
        return ParseLiteral("false", false, out);
      case 'n':
        return ParseLiteral("null", nullptr, out);
      default:
        if (c == '-' || c == '.' || (c >= '0' && c <= '9')) return ParseNumber(out);
        return Error(absl::StrCat("unexpected '", Printable(c), "', expected a JSON value"));
    }
  }

  absl::Status ParseLiteral(std::string_view word, nlohmann::json value, nlohmann::json* out) {
    if (text_.substr(pos_, word.size()) != word) {
      return Error(absl::StrCat("invalid literal, expected '", AV(word), "'"));
    }
    for (size_t i = 0; i < word.size(); ++i) Advance();
    if (pos_ < text_.size() &&
        (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
      return Error(absl::StrCat("invalid literal after '", AV(word), "'"));
    }
    *out = std::move(value);
    return absl::OkStatus();
  }

  absl::Status ParseNumber(nlohmann::json* out) {
    SourceLocation start = Here();
    size_t begin = pos_;
    bool is_float = false;
    if (text_[pos_] == '-') Advance();
    // Kea's lexer also takes a fraction without an integer part (".5").
    bool bare_fraction = pos_ < text_.size() && text_[pos_] == '.';
    if (!bare_fraction &&
        (pos_ >= text_.size() || !std::isdigit(static_cast<unsigned char>(text_[pos_])))) {
      return ErrorAt(start, "invalid number: a digit must follow '-'");
    }
    if (text_[pos_] == '0' && pos_ + 1 < text_.size() &&
        std::isdigit(static_cast<unsigned char>(text_[pos_ + 1]))) {
      return ErrorAt(start, "invalid number: leading zeros are not allowed");
    }
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) Advance();
    if (pos_ < text_.size() && text_[pos_] == '.') {
      is_float = true;
      Advance();
      if (pos_ >= text_.size() || !std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
        return ErrorAt(start, "invalid number: a digit must follow '.'");
      }
      while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
        Advance();
      }
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      is_float = true;
      Advance();
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) Advance();
      if (pos_ >= text_.size() || !std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
        return ErrorAt(start, "invalid number: a digit must follow the exponent");
      }
      while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
        Advance();
      }
    }
    if (pos_ < text_.size() && (std::isalpha(static_cast<unsigned char>(text_[pos_])) ||
                                text_[pos_] == '_' || text_[pos_] == '.')) {
      return ErrorAt(start, "invalid number");
    }
    std::string token(text_.substr(begin, pos_ - begin));
    errno = 0;
    char* end = nullptr;
    if (!is_float) {
      if (token[0] == '-') {
        long long v = std::strtoll(token.c_str(), &end, 10);
        if (errno == ERANGE) {
          return ErrorAt(start, absl::StrCat("number ", token, " is out of range"));
        }
        *out = static_cast<int64_t>(v);
      } else {
        unsigned long long v = std::strtoull(token.c_str(), &end, 10);
        if (errno == ERANGE || v > static_cast<unsigned long long>(INT64_MAX)) {
          return ErrorAt(start, absl::StrCat("number ", token, " is out of range"));
        }
        *out = static_cast<int64_t>(v);
      }
    } else {
      double v = std::strtod(token.c_str(), &end);
      if (errno == ERANGE || !std::isfinite(v)) {
        return ErrorAt(start, absl::StrCat("number ", token, " is out of range"));
      }
      *out = v;
    }
    return absl::OkStatus();
  }

  static int HexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  absl::Status ReadHex4(uint32_t* out) {
    if (pos_ + 4 > text_.size()) return Error("truncated \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      int h = HexDigit(text_[pos_]);
      if (h < 0) return Error("invalid \\u escape: expected four hex digits");
      v = v * 16 + h;
      Advance();
    }
    *out = v;
    return absl::OkStatus();
  }

  static void AppendUtf8(uint32_t cp, std::string* s) {
    if (cp < 0x80) {
      s->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      s->push_back(static_cast<char>(0xc0 | (cp >> 6)));
      s->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
      s->push_back(static_cast<char>(0xe0 | (cp >> 12)));
      s->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      s->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
      s->push_back(static_cast<char>(0xf0 | (cp >> 18)));
      s->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
      s->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      s->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
  }

  // Length of the valid UTF-8 sequence at pos_, or 0.
  size_t Utf8Length() const {
    auto at = [&](size_t i) -> unsigned char {
      return pos_ + i < text_.size() ? static_cast<unsigned char>(text_[pos_ + i]) : 0;
    };
    unsigned char c = at(0);
    auto cont = [&](size_t i) { return (at(i) & 0xc0) == 0x80; };
    if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
      if (!cont(1) || !cont(2)) return 0;
      if (c == 0xe0 && at(1) < 0xa0) return 0;   // overlong
      if (c == 0xed && at(1) >= 0xa0) return 0;  // surrogates
      return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
      if (!cont(1) || !cont(2) || !cont(3)) return 0;
      if (c == 0xf0 && at(1) < 0x90) return 0;
      if (c == 0xf4 && at(1) >= 0x90) return 0;
      return 4;
    }
    return 0;
  }

  absl::Status ParseString(std::string* out) {
    SourceLocation start = Here();
    Advance();  // opening quote
    while (true) {
      if (pos_ >= text_.size()) return ErrorAt(start, "unterminated string");
      char c = text_[pos_];
      unsigned char u = static_cast<unsigned char>(c);
      if (c == '"') {
        Advance();
        return absl::OkStatus();
      }
      if (c == '\n') return ErrorAt(start, "unterminated string (end of line inside a string)");
      if (u < 0x20) return Error("control character inside a string; escape it");
      if (c == '\\') {
        Advance();
        if (pos_ >= text_.size()) return ErrorAt(start, "unterminated string");
        char e = text_[pos_];
        switch (e) {
          case '"':
          case '\\':
          case '/':
            out->push_back(e);
            Advance();
            break;
          case 'b':
            out->push_back('\b');
            Advance();
            break;
          case 'f':
            out->push_back('\f');
            Advance();
            break;
          case 'n':
            out->push_back('\n');
            Advance();
            break;
          case 'r':
            out->push_back('\r');
            Advance();
            break;
          case 't':
            out->push_back('\t');
            Advance();
            break;
          case 'u': {
            Advance();
            uint32_t cp = 0;
            if (auto s = ReadHex4(&cp); !s.ok()) return s;
            if (cp >= 0xd800 && cp <= 0xdbff) {
              if (text_.substr(pos_, 2) != "\\u") return Error("unpaired UTF-16 surrogate escape");
              Advance();
              Advance();
              uint32_t low = 0;
              if (auto s = ReadHex4(&low); !s.ok()) return s;
              if (low < 0xdc00 || low > 0xdfff) return Error("unpaired UTF-16 surrogate escape");
              cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
            } else if (cp >= 0xdc00 && cp <= 0xdfff) {
              return Error("unpaired UTF-16 surrogate escape");
            }
            AppendUtf8(cp, out);
            break;
          }
          default:
            return Error(absl::StrCat("invalid escape '\\", Printable(e),
                                      "' in a string; valid escapes are \\\" \\\\ \\/ \\b \\f "
                                      "\\n \\r \\t \\uXXXX"));
        }
        continue;
      }
      if (u < 0x80) {
        out->push_back(c);
        Advance();
        continue;
      }
      size_t n = Utf8Length();
      if (n == 0) return Error("invalid UTF-8 in a string");
      out->append(text_.substr(pos_, n));
      for (size_t i = 0; i < n; ++i) Advance();
    }
  }

  absl::Status ParseObject(const std::string& pointer, int depth, nlohmann::json* out) {
    *out = nlohmann::json::object();
    Advance();  // {
    if (auto s = SkipBlanks(); !s.ok()) return s;
    if (pos_ < text_.size() && text_[pos_] == '}') {
      Advance();
      return absl::OkStatus();
    }
    while (true) {
      if (pos_ >= text_.size()) return Error("unexpected end of input inside a map");
      if (text_[pos_] != '"') {
        return Error(
            absl::StrCat("unexpected '", Printable(text_[pos_]), "', expected a quoted key"));
      }
      SourceLocation key_at = Here();
      std::string key;
      if (auto s = ParseString(&key); !s.ok()) return s;
      if (out->contains(key)) {
        return ErrorAt(key_at, absl::StrCat("duplicate key '", key, "'"));
      }
      std::string child = JsonPointerAppend(pointer, key);
      out_->key_locations[child] = key_at;
      if (auto s = SkipBlanks(); !s.ok()) return s;
      if (pos_ >= text_.size() || text_[pos_] != ':') {
        return Error(absl::StrCat("expected ':' after the key '", key, "'"));
      }
      Advance();
      if (auto s = SkipBlanks(); !s.ok()) return s;
      nlohmann::json value;
      if (auto s = ParseValue(child, depth + 1, &value); !s.ok()) return s;
      (*out)[key] = std::move(value);
      if (auto s = SkipBlanks(); !s.ok()) return s;
      if (pos_ >= text_.size()) return Error("unexpected end of input inside a map, expected '}'");
      if (text_[pos_] == ',') {
        Advance();
        if (auto s = SkipBlanks(); !s.ok()) return s;
        if (pos_ < text_.size() && text_[pos_] == '}') {
          return Error("trailing comma before '}'");
        }
        continue;
      }
      if (text_[pos_] == '}') {
        Advance();
        return absl::OkStatus();
      }
      return Error(absl::StrCat("unexpected '", Printable(text_[pos_]), "', expected ',' or '}'"));
    }
  }

  absl::Status ParseArray(const std::string& pointer, int depth, nlohmann::json* out) {
    *out = nlohmann::json::array();
    Advance();  // [
    if (auto s = SkipBlanks(); !s.ok()) return s;
    if (pos_ < text_.size() && text_[pos_] == ']') {
      Advance();
      return absl::OkStatus();
    }
    while (true) {
      nlohmann::json value;
      std::string child = absl::StrCat(pointer, "/", out->size());
      if (auto s = ParseValue(child, depth + 1, &value); !s.ok()) return s;
      out->push_back(std::move(value));
      if (auto s = SkipBlanks(); !s.ok()) return s;
      if (pos_ >= text_.size()) return Error("unexpected end of input inside a list, expected ']'");
      if (text_[pos_] == ',') {
        Advance();
        if (auto s = SkipBlanks(); !s.ok()) return s;
        if (pos_ < text_.size() && text_[pos_] == ']') {
          return Error("trailing comma before ']'");
        }
        continue;
      }
      if (text_[pos_] == ']') {
        Advance();
        return absl::OkStatus();
      }
      return Error(absl::StrCat("unexpected '", Printable(text_[pos_]), "', expected ',' or ']'"));
    }
  }

  std::string_view text_;
  LocatedJson* out_;
  size_t pos_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
};

}  // namespace

std::string JsonPointerAppend(const std::string& pointer, std::string_view token) {
  std::string out = pointer;
  out.push_back('/');
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string LocatedJson::Where(const std::string& pointer, bool key) const {
  const auto& map = key ? key_locations : value_locations;
  auto it = map.find(pointer);
  if (it == map.end()) return "";
  return absl::StrCat(" (", source_name, ":", it->second.line, ":", it->second.column, ")");
}

absl::StatusOr<LocatedJson> ReadLocatedJson(std::string_view text, std::string_view source_name) {
  LocatedJson out;
  out.source_name = std::string(source_name);
  Reader reader(text, &out);
  if (auto s = reader.Run(); !s.ok()) return s;
  return out;
}

}  // namespace shoal::config
