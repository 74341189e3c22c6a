// Option definitions and Kea's option-data text codec. See option_definition.h.
#include "dhcp/option_definition.h"

#include <arpa/inet.h>

#include <cstring>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "dhcp/ipv4_address.h"

namespace shoal::dhcp {
namespace {

using T = OptionDataType;

absl::string_view AV(std::string_view s) { return absl::string_view(s.data(), s.size()); }

struct TypeName {
  OptionDataType type;
  const char* name;
};

constexpr TypeName kTypeNames[] = {
    {T::kEmpty, "empty"},
    {T::kBinary, "binary"},
    {T::kBoolean, "boolean"},
    {T::kInt8, "int8"},
    {T::kInt16, "int16"},
    {T::kInt32, "int32"},
    {T::kUint8, "uint8"},
    {T::kUint16, "uint16"},
    {T::kUint32, "uint32"},
    {T::kIpv4Address, "ipv4-address"},
    {T::kIpv6Address, "ipv6-address"},
    {T::kIpv6Prefix, "ipv6-prefix"},
    {T::kPsid, "psid"},
    {T::kString, "string"},
    {T::kTuple, "tuple"},
    {T::kFqdn, "fqdn"},
    {T::kRecord, "record"},
    {T::kInternal, "internal"},
};

std::string SpaceKey(std::string_view space, std::string_view rest) {
  return absl::StrCat(AV(space), "/", AV(rest));
}

// Splits Kea's CSV option data exactly as Kea's isc::util::str::tokens(text,
// ",", true) does: "\," keeps a comma inside a field, "\\" keeps one
// backslash, any other backslash is kept as is; empty fields are dropped.
std::vector<std::string> SplitCsv(std::string_view text) {
  std::vector<std::string> result;
  std::string token;
  bool in_token = false;
  bool escaped = false;
  for (char c : text) {
    if (c == ',') {
      if (!in_token) continue;
      if (escaped) {
        escaped = false;
        token.push_back(c);
      } else {
        if (!token.empty()) result.push_back(token);
        in_token = false;
        token.clear();
      }
    } else if (c == '\\') {
      in_token = true;
      if (escaped) {
        escaped = false;
        token.push_back(c);
      } else {
        escaped = true;
      }
    } else {
      in_token = true;
      if (escaped) {
        escaped = false;
        token.push_back('\\');
      }
      token.push_back(c);
    }
  }
  if (escaped) token.push_back('\\');
  if (!token.empty()) result.push_back(token);
  return result;
}

// Parses an integer as Kea does: decimal (with sign), or hexadecimal with a
// 0x prefix; range-checked against [min, max].
bool ParseInteger(std::string_view text, int64_t min, int64_t max, int64_t* out) {
  std::string s(text);
  int64_t v = 0;
  bool negative = false;
  std::string_view digits = s;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    uint64_t u = 0;
    if (!absl::SimpleHexAtoi(AV(digits.substr(2)), &u) ||
        digits.substr(2).find_first_of("+-") != std::string_view::npos ||
        u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return false;
    }
    v = static_cast<int64_t>(u);
    if (negative) v = -v;
  } else {
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
      return false;
    }
    if (!absl::SimpleAtoi(AV(s), &v)) return false;
  }
  if (v < min || v > max) return false;
  *out = v;
  return true;
}

struct IntRange {
  int64_t min, max;
  int bytes;
};

IntRange RangeOf(OptionDataType type) {
  switch (type) {
    case T::kInt8:
      return {-128, 127, 1};
    case T::kInt16:
      return {-32768, 32767, 2};
    case T::kInt32:
      return {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(), 4};
    case T::kUint8:
      return {0, 255, 1};
    case T::kUint16:
      return {0, 65535, 2};
    default:
      return {0, std::numeric_limits<uint32_t>::max(), 4};
  }
}

void PutBigEndian(uint64_t v, int bytes, std::vector<uint8_t>* out) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<uint8_t>(v >> (8 * i)));
}

bool ParseIpv6(std::string_view text, uint8_t out[16]) {
  if (text.empty() || text.size() > 45) return false;
  char buf[46];
  text.copy(buf, text.size());
  buf[text.size()] = '\0';
  return inet_pton(AF_INET6, buf, out) == 1;
}

std::string FormatIpv6(const uint8_t* bytes) {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, bytes, buf, sizeof(buf));
  return buf;
}

// RFC 1035 wire form of a domain name, always absolute (ends with the root
// label). Supports Kea's/BIND's escapes "\." and "\DDD".
absl::Status EncodeFqdn(std::string_view text, std::vector<uint8_t>* out) {
  if (text.empty()) {
    return absl::InvalidArgumentError("a domain name is expected, got an empty value");
  }
  std::vector<uint8_t> wire;
  if (text == ".") {
    out->push_back(0);
    return absl::OkStatus();
  }
  std::string label;
  auto finish_label = [&](bool last) -> absl::Status {
    if (label.empty()) {
      if (last) return absl::OkStatus();
      return absl::InvalidArgumentError(
          absl::StrCat("'", AV(text), "' is not a valid domain name: empty label"));
    }
    if (label.size() > 63) {
      return absl::InvalidArgumentError(absl::StrCat(
          "'", AV(text), "' is not a valid domain name: a label is longer than 63 characters"));
    }
    wire.push_back(static_cast<uint8_t>(label.size()));
    wire.insert(wire.end(), label.begin(), label.end());
    label.clear();
    return absl::OkStatus();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\') {
      if (i + 1 >= text.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("'", AV(text), "' is not a valid domain name: trailing backslash"));
      }
      if (i + 3 < text.size() + 0 && absl::ascii_isdigit(text[i + 1]) &&
          absl::ascii_isdigit(text[i + 2]) && absl::ascii_isdigit(text[i + 3])) {
        int v = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
        if (v > 255) {
          return absl::InvalidArgumentError(
              absl::StrCat("'", AV(text), "' is not a valid domain name: bad \\DDD escape"));
        }
        label.push_back(static_cast<char>(v));
        i += 3;
      } else {
        label.push_back(text[++i]);
      }
    } else if (c == '.') {
      bool last = i + 1 == text.size();
      if (i == 0 || label.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("'", AV(text), "' is not a valid domain name: empty label"));
      }
      if (auto s = finish_label(last); !s.ok()) return s;
    } else {
      label.push_back(c);
    }
  }
  if (auto s = finish_label(true); !s.ok()) return s;
  wire.push_back(0);
  if (wire.size() > 255) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", AV(text), "' is not a valid domain name: longer than 255 octets"));
  }
  out->insert(out->end(), wire.begin(), wire.end());
  return absl::OkStatus();
}

// Decodes one wire-form name at data[*pos]; no compression pointers.
bool DecodeFqdn(std::span<const uint8_t> data, size_t* pos, std::string* out) {
  std::string name;
  size_t p = *pos;
  size_t total = 0;
  while (true) {
    if (p >= data.size()) return false;
    uint8_t len = data[p++];
    ++total;
    if (len == 0) break;
    if (len > 63 || p + len > data.size()) return false;
    total += len;
    if (total > 255) return false;
    if (!name.empty()) name.push_back('.');
    for (size_t i = 0; i < len; ++i) {
      char c = static_cast<char>(data[p + i]);
      if (c == '.' || c == '\\' || c == ',') {
        name.push_back('\\');
        name.push_back(c);
      } else if (static_cast<uint8_t>(c) < 0x21 || static_cast<uint8_t>(c) > 0x7e) {
        absl::StrAppend(&name, "\\", absl::Dec(static_cast<uint8_t>(c), absl::kZeroPad3));
      } else {
        name.push_back(c);
      }
    }
    p += len;
  }
  *pos = p;
  *out = name.empty() ? "." : name;
  return true;
}

// Escapes commas and backslashes so SplitCsv gives the text back.
std::string EscapeCsv(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == ',' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// Encodes one CSV field of `type` (surrounding blanks are ignored, as in Kea).
absl::Status EncodeField(OptionDataType type, std::string_view raw, std::vector<uint8_t>* out) {
  std::string value(absl::StripAsciiWhitespace(AV(raw)));
  auto bad = [&](std::string_view expected) {
    return absl::InvalidArgumentError(absl::StrCat("'", value, "' is not a valid ",
                                                   AV(OptionDataTypeName(type)),
                                                   " value, expected ", AV(expected)));
  };
  switch (type) {
    case T::kBoolean: {
      std::string lower = absl::AsciiStrToLower(value);
      if (lower == "true" || lower == "1") {
        out->push_back(1);
      } else if (lower == "false" || lower == "0") {
        out->push_back(0);
      } else {
        return bad("true, false, 1 or 0");
      }
      return absl::OkStatus();
    }
    case T::kInt8:
    case T::kInt16:
    case T::kInt32:
    case T::kUint8:
    case T::kUint16:
    case T::kUint32: {
      IntRange r = RangeOf(type);
      int64_t v = 0;
      if (!ParseInteger(value, r.min, r.max, &v)) {
        return bad(absl::StrCat("an integer from ", r.min, " to ", r.max));
      }
      PutBigEndian(static_cast<uint64_t>(v), r.bytes, out);
      return absl::OkStatus();
    }
    case T::kIpv4Address: {
      auto a = Ipv4Address::Parse(value);
      if (!a) return bad("a dotted-quad IPv4 address such as 192.0.2.1");
      uint8_t b[4];
      a->ToBytes(b);
      out->insert(out->end(), b, b + 4);
      return absl::OkStatus();
    }
    case T::kIpv6Address: {
      uint8_t b[16];
      if (!ParseIpv6(value, b)) return bad("an IPv6 address such as 2001:db8::1");
      out->insert(out->end(), b, b + 16);
      return absl::OkStatus();
    }
    case T::kIpv6Prefix: {
      size_t slash = value.find('/');
      uint8_t b[16];
      int len = 0;
      if (slash == std::string::npos || !ParseIpv6(std::string_view(value).substr(0, slash), b) ||
          !absl::SimpleAtoi(AV(std::string_view(value).substr(slash + 1)), &len) || len < 0 ||
          len > 128) {
        return bad("an IPv6 prefix such as 2001:db8:1::/64");
      }
      out->push_back(static_cast<uint8_t>(len));
      int nbytes = (len + 7) / 8;
      for (int i = 0; i < nbytes; ++i) {
        uint8_t byte = b[i];
        int bits_left = len - 8 * i;
        if (bits_left < 8) byte &= static_cast<uint8_t>(0xff << (8 - bits_left));
        out->push_back(byte);
      }
      return absl::OkStatus();
    }
    case T::kPsid: {
      size_t slash = value.find('/');
      int64_t psid = 0, len = 0;
      if (slash == std::string::npos ||
          !ParseInteger(std::string_view(value).substr(0, slash), 0, 65535, &psid) ||
          !ParseInteger(std::string_view(value).substr(slash + 1), 0, 16, &len) ||
          (len < 16 && psid >= (int64_t{1} << len))) {
        return bad("PSID/PSID-length such as 3/4, the PSID fitting in PSID-length (0-16) bits");
      }
      out->push_back(static_cast<uint8_t>(len));
      uint16_t wire = len == 0 ? 0 : static_cast<uint16_t>(psid << (16 - len));
      PutBigEndian(wire, 2, out);
      return absl::OkStatus();
    }
    case T::kString:
      if (value.empty()) return bad("a non-empty string");
      out->insert(out->end(), value.begin(), value.end());
      return absl::OkStatus();
    case T::kTuple:
      if (value.size() > 255) return bad("a string of at most 255 characters");
      out->push_back(static_cast<uint8_t>(value.size()));
      out->insert(out->end(), value.begin(), value.end());
      return absl::OkStatus();
    case T::kFqdn: {
      absl::Status s = EncodeFqdn(value, out);
      if (!s.ok()) return s;
      return absl::OkStatus();
    }
    case T::kBinary: {
      auto bytes = ParseBinaryData(value);
      if (!bytes.ok()) return bytes.status();
      out->insert(out->end(), bytes->begin(), bytes->end());
      return absl::OkStatus();
    }
    case T::kEmpty:
      if (!value.empty()) return bad("no value (the option is empty)");
      return absl::OkStatus();
    case T::kRecord:
    case T::kInternal:
      break;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("fields of type '", AV(OptionDataTypeName(type)), "' cannot be encoded"));
}

// Decodes one field at data[*pos]. `last` says whether the field may consume
// the rest of the data (variable-length types).
bool DecodeField(OptionDataType type, std::span<const uint8_t> data, size_t* pos, bool last,
                 std::string* out) {
  size_t p = *pos;
  size_t left = data.size() - p;
  switch (type) {
    case T::kBoolean:
      if (left < 1 || data[p] > 1) return false;
      *out = data[p] ? "true" : "false";
      *pos = p + 1;
      return true;
    case T::kInt8:
    case T::kInt16:
    case T::kInt32:
    case T::kUint8:
    case T::kUint16:
    case T::kUint32: {
      IntRange r = RangeOf(type);
      if (left < static_cast<size_t>(r.bytes)) return false;
      uint64_t u = 0;
      for (int i = 0; i < r.bytes; ++i) u = u << 8 | data[p + i];
      int64_t v = static_cast<int64_t>(u);
      if (r.min < 0 && (u >> (8 * r.bytes - 1)) != 0) v -= int64_t{1} << (8 * r.bytes);
      *out = absl::StrCat(v);
      *pos = p + r.bytes;
      return true;
    }
    case T::kIpv4Address:
      if (left < 4) return false;
      *out = Ipv4Address::FromBytes(&data[p]).ToString();
      *pos = p + 4;
      return true;
    case T::kIpv6Address:
      if (left < 16) return false;
      *out = FormatIpv6(&data[p]);
      *pos = p + 16;
      return true;
    case T::kIpv6Prefix: {
      if (left < 1 || data[p] > 128) return false;
      int len = data[p];
      size_t nbytes = (len + 7) / 8;
      if (left < 1 + nbytes) return false;
      uint8_t b[16] = {};
      std::memcpy(b, &data[p + 1], nbytes);
      *out = absl::StrCat(FormatIpv6(b), "/", len);
      *pos = p + 1 + nbytes;
      return true;
    }
    case T::kPsid: {
      if (left < 3 || data[p] > 16) return false;
      int len = data[p];
      uint16_t wire = static_cast<uint16_t>(data[p + 1] << 8 | data[p + 2]);
      uint16_t psid = len == 0 ? 0 : static_cast<uint16_t>(wire >> (16 - len));
      *out = absl::StrCat(psid, "/", len);
      *pos = p + 3;
      return true;
    }
    case T::kString: {
      if (!last || left == 0) return false;
      std::string s(data.begin() + p, data.end());
      *out = EscapeCsv(s);
      *pos = data.size();
      return true;
    }
    case T::kTuple: {
      if (left < 1 || left < 1u + data[p]) return false;
      std::string s(data.begin() + p + 1, data.begin() + p + 1 + data[p]);
      *out = EscapeCsv(s);
      *pos = p + 1 + data[p];
      return true;
    }
    case T::kFqdn:
      return DecodeFqdn(data, pos, out);
    case T::kBinary: {
      if (!last) return false;
      std::string hex;
      for (size_t i = p; i < data.size(); ++i)
        absl::StrAppend(&hex, absl::Hex(data[i], absl::kZeroPad2));
      *out = hex;
      *pos = data.size();
      return true;
    }
    case T::kEmpty:
      *out = "";
      return true;
    case T::kRecord:
    case T::kInternal:
      return false;
  }
  return false;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

struct StdDef {
  const char* name;
  uint16_t code;
  OptionDataType type;
  bool array;
  std::vector<OptionDataType> records;
  const char* encapsulate;
  bool server_managed;
};

}  // namespace

absl::StatusOr<OptionDataType> ParseOptionDataType(std::string_view name) {
  for (const auto& t : kTypeNames) {
    if (t.type != T::kInternal && name == t.name) return t.type;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "'", AV(name),
      "' is not an option data type, expected one of empty, binary, boolean, int8, int16, int32, "
      "uint8, uint16, uint32, ipv4-address, ipv6-address, ipv6-prefix, psid, string, tuple, "
      "fqdn, record"));
}

std::string_view OptionDataTypeName(OptionDataType type) {
  for (const auto& t : kTypeNames) {
    if (t.type == type) return t.name;
  }
  return "unknown";
}

absl::Status OptionDefinitionSet::Add(OptionDefinition definition) {
  std::string name_key = SpaceKey(definition.space, definition.name);
  std::string code_key = SpaceKey(definition.space, absl::StrCat(definition.code));
  if (by_name_.contains(name_key)) {
    return absl::AlreadyExistsError(absl::StrCat("an option definition named '", definition.name,
                                                 "' already exists in space '", definition.space,
                                                 "'"));
  }
  if (by_code_.contains(code_key)) {
    return absl::AlreadyExistsError(absl::StrCat("an option definition with code ", definition.code,
                                                 " already exists in space '", definition.space,
                                                 "'"));
  }
  size_t index = definitions_.size();
  definitions_.push_back(std::move(definition));
  by_name_.emplace(std::move(name_key), index);
  by_code_.emplace(std::move(code_key), index);
  return absl::OkStatus();
}

const OptionDefinition* OptionDefinitionSet::FindByName(std::string_view space,
                                                        std::string_view name) const {
  auto it = by_name_.find(SpaceKey(space, name));
  return it == by_name_.end() ? nullptr : &definitions_[it->second];
}

const OptionDefinition* OptionDefinitionSet::FindByCode(std::string_view space,
                                                        uint16_t code) const {
  auto it = by_code_.find(SpaceKey(space, absl::StrCat(code)));
  return it == by_code_.end() ? nullptr : &definitions_[it->second];
}

OptionDefinitionSet StandardDhcp4OptionDefinitions() {
  // Kea 2.2's STANDARD_V4_OPTION_DEFINITIONS (src/lib/dhcp/std_option_defs.h),
  // cross-checked with the ARM's "Standard DHCPv4 Options" tables. Where the
  // ARM table and Kea's code differ, the code wins because it is what Kea
  // puts on the wire: domain-name (15) is a string, dhcp-message-type (53)
  // a uint8, dhcp-requested-address (50) an ipv4-address, 85 is
  // "nds-servers".
  const StdDef defs[] = {
      {"subnet-mask", 1, T::kIpv4Address, false, {}, "", true},
      {"time-offset", 2, T::kInt32, false, {}, "", false},
      {"routers", 3, T::kIpv4Address, true, {}, "", false},
      {"time-servers", 4, T::kIpv4Address, true, {}, "", false},
      {"name-servers", 5, T::kIpv4Address, true, {}, "", false},
      {"domain-name-servers", 6, T::kIpv4Address, true, {}, "", false},
      {"log-servers", 7, T::kIpv4Address, true, {}, "", false},
      {"cookie-servers", 8, T::kIpv4Address, true, {}, "", false},
      {"lpr-servers", 9, T::kIpv4Address, true, {}, "", false},
      {"impress-servers", 10, T::kIpv4Address, true, {}, "", false},
      {"resource-location-servers", 11, T::kIpv4Address, true, {}, "", false},
      {"host-name", 12, T::kString, false, {}, "", true},
      {"boot-size", 13, T::kUint16, false, {}, "", false},
      {"merit-dump", 14, T::kString, false, {}, "", false},
      {"domain-name", 15, T::kString, false, {}, "", false},
      {"swap-server", 16, T::kIpv4Address, false, {}, "", false},
      {"root-path", 17, T::kString, false, {}, "", false},
      {"extensions-path", 18, T::kString, false, {}, "", false},
      {"ip-forwarding", 19, T::kBoolean, false, {}, "", false},
      {"non-local-source-routing", 20, T::kBoolean, false, {}, "", false},
      {"policy-filter", 21, T::kIpv4Address, true, {}, "", false},
      {"max-dgram-reassembly", 22, T::kUint16, false, {}, "", false},
      {"default-ip-ttl", 23, T::kUint8, false, {}, "", false},
      {"path-mtu-aging-timeout", 24, T::kUint32, false, {}, "", false},
      {"path-mtu-plateau-table", 25, T::kUint16, true, {}, "", false},
      {"interface-mtu", 26, T::kUint16, false, {}, "", false},
      {"all-subnets-local", 27, T::kBoolean, false, {}, "", false},
      {"broadcast-address", 28, T::kIpv4Address, false, {}, "", false},
      {"perform-mask-discovery", 29, T::kBoolean, false, {}, "", false},
      {"mask-supplier", 30, T::kBoolean, false, {}, "", false},
      {"router-discovery", 31, T::kBoolean, false, {}, "", false},
      {"router-solicitation-address", 32, T::kIpv4Address, false, {}, "", false},
      {"static-routes", 33, T::kIpv4Address, true, {}, "", false},
      {"trailer-encapsulation", 34, T::kBoolean, false, {}, "", false},
      {"arp-cache-timeout", 35, T::kUint32, false, {}, "", false},
      {"ieee802-3-encapsulation", 36, T::kBoolean, false, {}, "", false},
      {"default-tcp-ttl", 37, T::kUint8, false, {}, "", false},
      {"tcp-keepalive-interval", 38, T::kUint32, false, {}, "", false},
      {"tcp-keepalive-garbage", 39, T::kBoolean, false, {}, "", false},
      {"nis-domain", 40, T::kString, false, {}, "", false},
      {"nis-servers", 41, T::kIpv4Address, true, {}, "", false},
      {"ntp-servers", 42, T::kIpv4Address, true, {}, "", false},
      {"vendor-encapsulated-options",
       43,
       T::kEmpty,
       false,
       {},
       "vendor-encapsulated-options-space",
       false},
      {"netbios-name-servers", 44, T::kIpv4Address, true, {}, "", false},
      {"netbios-dd-server", 45, T::kIpv4Address, true, {}, "", false},
      {"netbios-node-type", 46, T::kUint8, false, {}, "", false},
      {"netbios-scope", 47, T::kString, false, {}, "", false},
      {"font-servers", 48, T::kIpv4Address, true, {}, "", false},
      {"x-display-manager", 49, T::kIpv4Address, true, {}, "", false},
      {"dhcp-requested-address", 50, T::kIpv4Address, false, {}, "", true},
      {"dhcp-lease-time", 51, T::kUint32, false, {}, "", true},
      {"dhcp-option-overload", 52, T::kUint8, false, {}, "", false},
      {"dhcp-message-type", 53, T::kUint8, false, {}, "", true},
      {"dhcp-server-identifier", 54, T::kIpv4Address, false, {}, "", false},
      {"dhcp-parameter-request-list", 55, T::kUint8, true, {}, "", true},
      {"dhcp-message", 56, T::kString, false, {}, "", false},
      {"dhcp-max-message-size", 57, T::kUint16, false, {}, "", false},
      {"dhcp-renewal-time", 58, T::kUint32, false, {}, "", true},
      {"dhcp-rebinding-time", 59, T::kUint32, false, {}, "", true},
      {"vendor-class-identifier", 60, T::kString, false, {}, "", false},
      {"dhcp-client-identifier", 61, T::kBinary, false, {}, "", true},
      {"nwip-domain-name", 62, T::kString, false, {}, "", false},
      {"nwip-suboptions", 63, T::kBinary, false, {}, "", false},
      {"nisplus-domain-name", 64, T::kString, false, {}, "", false},
      {"nisplus-servers", 65, T::kIpv4Address, true, {}, "", false},
      {"tftp-server-name", 66, T::kString, false, {}, "", false},
      {"boot-file-name", 67, T::kString, false, {}, "", false},
      {"mobile-ip-home-agent", 68, T::kIpv4Address, true, {}, "", false},
      {"smtp-server", 69, T::kIpv4Address, true, {}, "", false},
      {"pop-server", 70, T::kIpv4Address, true, {}, "", false},
      {"nntp-server", 71, T::kIpv4Address, true, {}, "", false},
      {"www-server", 72, T::kIpv4Address, true, {}, "", false},
      {"finger-server", 73, T::kIpv4Address, true, {}, "", false},
      {"irc-server", 74, T::kIpv4Address, true, {}, "", false},
      {"streettalk-server", 75, T::kIpv4Address, true, {}, "", false},
      {"streettalk-directory-assistance-server", 76, T::kIpv4Address, true, {}, "", false},
      {"user-class", 77, T::kBinary, false, {}, "", false},
      {"slp-directory-agent", 78, T::kRecord, true, {T::kBoolean, T::kIpv4Address}, "", false},
      {"slp-service-scope", 79, T::kRecord, false, {T::kBoolean, T::kString}, "", false},
      {"fqdn", 81, T::kRecord, false, {T::kUint8, T::kUint8, T::kUint8, T::kFqdn}, "", true},
      {"dhcp-agent-options", 82, T::kEmpty, false, {}, "dhcp-agent-options-space", true},
      {"nds-servers", 85, T::kIpv4Address, true, {}, "", false},
      {"nds-tree-name", 86, T::kString, false, {}, "", false},
      {"nds-context", 87, T::kString, false, {}, "", false},
      {"bcms-controller-names", 88, T::kFqdn, true, {}, "", false},
      {"bcms-controller-address", 89, T::kIpv4Address, true, {}, "", false},
      {"authenticate", 90, T::kBinary, false, {}, "", true},
      {"client-last-transaction-time", 91, T::kUint32, false, {}, "", true},
      {"associated-ip", 92, T::kIpv4Address, true, {}, "", true},
      {"client-system", 93, T::kUint16, true, {}, "", false},
      {"client-ndi", 94, T::kRecord, false, {T::kUint8, T::kUint8, T::kUint8}, "", false},
      {"uuid-guid", 97, T::kRecord, false, {T::kUint8, T::kBinary}, "", false},
      {"uap-servers", 98, T::kString, false, {}, "", false},
      {"geoconf-civic", 99, T::kBinary, false, {}, "", false},
      {"pcode", 100, T::kString, false, {}, "", false},
      {"tcode", 101, T::kString, false, {}, "", false},
      {"v6-only-preferred", 108, T::kUint32, false, {}, "", false},
      {"netinfo-server-address", 112, T::kIpv4Address, true, {}, "", false},
      {"netinfo-server-tag", 113, T::kString, false, {}, "", false},
      {"v4-captive-portal", 114, T::kString, false, {}, "", false},
      {"auto-config", 116, T::kUint8, false, {}, "", false},
      {"name-service-search", 117, T::kUint16, true, {}, "", false},
      {"subnet-selection", 118, T::kIpv4Address, false, {}, "", true},
      {"domain-search", 119, T::kFqdn, true, {}, "", false},
      {"vivco-suboptions", 124, T::kRecord, false, {T::kUint32, T::kBinary}, "", false},
      {"vivso-suboptions", 125, T::kUint32, false, {}, "", false},
      {"pana-agent", 136, T::kIpv4Address, true, {}, "", false},
      {"v4-lost", 137, T::kFqdn, false, {}, "", false},
      {"capwap-ac-v4", 138, T::kIpv4Address, true, {}, "", false},
      {"sip-ua-cs-domains", 141, T::kFqdn, true, {}, "", false},
      {"rdnss-selection",
       146,
       T::kRecord,
       true,
       {T::kUint8, T::kIpv4Address, T::kIpv4Address, T::kFqdn},
       "",
       false},
      {"v4-portparams", 159, T::kRecord, false, {T::kUint8, T::kPsid}, "", false},
      {"option-6rd",
       212,
       T::kRecord,
       true,
       {T::kUint8, T::kUint8, T::kIpv6Address, T::kIpv4Address},
       "",
       false},
      {"v4-access-domain", 213, T::kFqdn, false, {}, "", false},
  };
  OptionDefinitionSet set;
  // Kea's DOCSIS 3.0 vendor options (enterprise 4491), in the named space
  // "docsis3-v4" and the vendor space "vendor-4491".
  const StdDef docsis[] = {
      {"oro", 1, T::kUint8, true, {}, "", false},
      {"tftp-servers", 2, T::kIpv4Address, true, {}, "", false},
  };
  for (const char* space : {"docsis3-v4", "vendor-4491"}) {
    for (const auto& d : docsis) {
      OptionDefinition def;
      def.name = d.name;
      def.code = d.code;
      def.space = space;
      def.type = d.type;
      def.array = d.array;
      (void)set.Add(std::move(def));
    }
  }
  for (const auto& d : defs) {
    OptionDefinition def;
    def.name = d.name;
    def.code = d.code;
    def.space = "dhcp4";
    def.type = d.type;
    def.array = d.array;
    def.record_types = d.records;
    def.encapsulate = d.encapsulate;
    def.server_managed = d.server_managed;
    // The table above has unique names and codes, so Add cannot fail.
    (void)set.Add(std::move(def));
  }
  return set;
}

absl::StatusOr<std::vector<uint8_t>> EncodeOptionData(const OptionDefinition& definition,
                                                      std::string_view csv_text) {
  std::vector<std::string> fields = SplitCsv(csv_text);
  std::vector<uint8_t> out;
  auto field_error = [&](size_t index, const absl::Status& s) {
    return absl::InvalidArgumentError(absl::StrCat("option '", definition.name, "' (code ",
                                                   definition.code, ") field ", index + 1, ": ",
                                                   s.message()));
  };
  if (definition.type == T::kInternal) {
    return absl::InvalidArgumentError(
        absl::StrCat("option '", definition.name, "' (code ", definition.code,
                     ") is built by the server and cannot be configured"));
  }
  if (definition.type == T::kEmpty) {
    if (!fields.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "option '", definition.name, "' (code ", definition.code,
          ") carries no data of its own (type empty), but data '", AV(csv_text), "' was given"));
    }
    return out;
  }
  if (definition.type == T::kRecord) {
    const auto& rec = definition.record_types;
    if (rec.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("option '", definition.name, "' is a record without record-types"));
    }
    if (fields.size() < rec.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "option '", definition.name, "' (code ", definition.code, ") needs ", rec.size(),
          " comma-separated fields (",
          AV(absl::StrJoin(
              rec, ", ",
              [](std::string* o, T t) { absl::StrAppend(o, AV(OptionDataTypeName(t))); })),
          "), got ", fields.size()));
    }
    if (fields.size() > rec.size() && !definition.array) {
      return absl::InvalidArgumentError(absl::StrCat(
          "option '", definition.name, "' (code ", definition.code, ") takes ", rec.size(),
          " fields, got ", fields.size(), " (escape a comma inside a value as \\\\,)"));
    }
    for (size_t i = 0; i < fields.size(); ++i) {
      T type = i < rec.size() ? rec[i] : rec.back();
      if (auto s = EncodeField(type, fields[i], &out); !s.ok()) return field_error(i, s);
    }
    return out;
  }
  if (fields.empty()) {
    if (definition.array) return out;  // Kea allows an empty array option.
    return absl::InvalidArgumentError(
        absl::StrCat("option '", definition.name, "' (code ", definition.code, ") needs a ",
                     AV(OptionDataTypeName(definition.type)), " value, got empty data"));
  }
  if (fields.size() > 1 && !definition.array) {
    return absl::InvalidArgumentError(
        absl::StrCat("option '", definition.name, "' (code ", definition.code, ") takes one ",
                     AV(OptionDataTypeName(definition.type)), " value, got ", fields.size(),
                     " comma-separated values (escape a comma inside a value as \\\\,)"));
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    if (auto s = EncodeField(definition.type, fields[i], &out); !s.ok()) {
      if (fields.size() == 1) {
        return absl::InvalidArgumentError(absl::StrCat("option '", definition.name, "' (code ",
                                                       definition.code, "): ", s.message()));
      }
      return field_error(i, s);
    }
  }
  return out;
}

absl::StatusOr<std::vector<uint8_t>> ParseHexData(std::string_view hex) {
  std::string_view s = hex;
  std::vector<uint8_t> out;
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", AV(hex), "' is not valid hex data (", AV(why),
                     "); expected e.g. \"0a0b0c\", \"0a:0b:0c\", \"0a 0b 0c\" or \"0x0a0b0c\""));
  };
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    if (s.find_first_of(": ") != std::string_view::npos) return bad("separators after 0x");
  }
  if (s.find_first_of(": ") != std::string_view::npos) {
    // Delimited octets: one or two digits each, one kind of separator.
    char sep = s.find(':') != std::string_view::npos ? ':' : ' ';
    if (s.find(sep == ':' ? ' ' : ':') != std::string_view::npos) return bad("mixed separators");
    size_t start = 0;
    while (true) {
      size_t end = s.find(sep, start);
      std::string_view octet =
          s.substr(start, end == std::string_view::npos ? s.npos : end - start);
      if (octet.empty() || octet.size() > 2) return bad("each octet needs one or two digits");
      int v = 0;
      for (char c : octet) {
        int h = HexValue(c);
        if (h < 0) return bad(absl::StrCat("'", std::string(1, c), "' is not a hex digit"));
        v = v * 16 + h;
      }
      out.push_back(static_cast<uint8_t>(v));
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
    return out;
  }
  if (s.size() % 2 != 0) return bad("odd number of digits");
  for (size_t i = 0; i < s.size(); i += 2) {
    int hi = HexValue(s[i]), lo = HexValue(s[i + 1]);
    if (hi < 0 || lo < 0) {
      return bad(
          absl::StrCat("'", std::string(1, hi < 0 ? s[i] : s[i + 1]), "' is not a hex digit"));
    }
    out.push_back(static_cast<uint8_t>(hi * 16 + lo));
  }
  return out;
}

absl::StatusOr<std::vector<uint8_t>> ParseBinaryData(std::string_view text) {
  if (text.size() >= 2 && text.front() == '\'' && text.back() == '\'') {
    std::string_view inner = text.substr(1, text.size() - 2);
    return std::vector<uint8_t>(inner.begin(), inner.end());
  }
  return ParseHexData(text);
}

std::optional<std::string> TryFormatOptionDataCsv(const OptionDefinition& definition,
                                                  std::span<const uint8_t> data) {
  std::vector<std::string> fields;
  size_t pos = 0;
  if (definition.type == T::kEmpty) {
    if (!data.empty()) return std::nullopt;
    return std::string();
  }
  if (definition.type == T::kInternal) return std::nullopt;
  if (definition.type == T::kRecord) {
    const auto& rec = definition.record_types;
    if (rec.empty()) return std::nullopt;
    for (size_t i = 0; i < rec.size(); ++i) {
      bool last = i + 1 == rec.size() && !definition.array;
      std::string f;
      if (!DecodeField(rec[i], data, &pos, last, &f)) return std::nullopt;
      fields.push_back(std::move(f));
    }
    if (definition.array) {
      while (pos < data.size()) {
        std::string f;
        size_t before = pos;
        if (!DecodeField(rec.back(), data, &pos, false, &f) || pos == before) return std::nullopt;
        fields.push_back(std::move(f));
      }
    }
  } else if (definition.array) {
    while (pos < data.size()) {
      std::string f;
      size_t before = pos;
      if (!DecodeField(definition.type, data, &pos, false, &f) || pos == before) {
        return std::nullopt;
      }
      fields.push_back(std::move(f));
    }
  } else {
    std::string f;
    if (!DecodeField(definition.type, data, &pos, true, &f)) return std::nullopt;
    fields.push_back(std::move(f));
  }
  if (pos != data.size()) return std::nullopt;
  return absl::StrJoin(fields, ", ");
}

std::string FormatOptionData(const OptionDefinition& definition, std::span<const uint8_t> data) {
  if (auto csv = TryFormatOptionDataCsv(definition, data)) return *csv;
  std::string hex;
  for (uint8_t b : data) absl::StrAppend(&hex, absl::Hex(b, absl::kZeroPad2));
  return hex;
}

std::string ToColonHex(std::span<const uint8_t> data) {
  std::string out;
  out.reserve(data.size() * 3);
  for (size_t i = 0; i < data.size(); ++i) {
    if (i) out.push_back(':');
    absl::StrAppend(&out, absl::Hex(data[i], absl::kZeroPad2));
  }
  return out;
}

}  // namespace shoal::dhcp
