#include "lease_backend/lease_csv.h"

#include <array>
#include <cstring>
#include <limits>
#include <optional>
#include <span>

#include "absl/container/btree_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace shoal::lease_backend {
namespace {

constexpr std::array<const char*, 11> kColumns = {
    "address",  "hwaddr",   "client_id", "valid_lifetime", "expire",      "subnet_id",
    "fqdn_fwd", "fqdn_rev", "hostname",  "state",          "user_context"};
// Columns up to and including this index are required (Kea: "hostname").
constexpr size_t kLastRequiredColumn = 8;

constexpr char kHex[] = "0123456789abcdef";

absl::string_view ToAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

void AppendHex(std::span<const uint8_t> bytes, std::string& out) {
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i > 0) out.push_back(':');
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0xf]);
  }
}

void AppendUint(uint64_t v, std::string& out) {
  char buf[20];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) out.push_back(buf[--n]);
}

void AppendInt(int64_t v, std::string& out) {
  if (v < 0) {
    out.push_back('-');
    AppendUint(static_cast<uint64_t>(-(v + 1)) + 1, out);
  } else {
    AppendUint(static_cast<uint64_t>(v), out);
  }
}

void AppendAddress(dhcp::Ipv4Address a, std::string& out) {
  uint32_t v = a.value();
  AppendUint(v >> 24, out);
  out.push_back('.');
  AppendUint((v >> 16) & 0xff, out);
  out.push_back('.');
  AppendUint((v >> 8) & 0xff, out);
  out.push_back('.');
  AppendUint(v & 0xff, out);
}

bool NeedsEscape(unsigned char c) { return c == ',' || c == '&' || c < 0x20 || c == 0x7f; }

void AppendEscaped(std::string_view text, std::string& out) {
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (NeedsEscape(c)) {
      out.append("&#x");
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    } else {
      out.push_back(ch);
    }
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Kea's HWAddr/ClientId text: colon-separated groups of one or two hex
// digits, or a plain even-length hex string. Empty text = no bytes.
bool ParseHex(std::string_view text, std::vector<uint8_t>& out) {
  out.clear();
  if (text.empty()) return true;
  if (text.find(':') == std::string_view::npos) {
    if (text.size() % 2 != 0) return false;
    for (size_t i = 0; i < text.size(); i += 2) {
      int hi = HexValue(text[i]), lo = HexValue(text[i + 1]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<uint8_t>(hi << 4 | lo));
    }
    return true;
  }
  size_t start = 0;
  while (true) {
    size_t end = text.find(':', start);
    std::string_view group =
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (group.empty() || group.size() > 2) return false;
    int value = 0;
    for (char c : group) {
      int h = HexValue(c);
      if (h < 0) return false;
      value = value << 4 | h;
    }
    out.push_back(static_cast<uint8_t>(value));
    if (end == std::string_view::npos) return true;
    start = end + 1;
  }
}

bool ParseBool(std::string_view text, bool& out) {
  if (text == "0" || text == "false") {
    out = false;
  } else if (text == "1" || text == "true") {
    out = true;
  } else {
    return false;
  }
  return true;
}

std::string Quoted(std::string_view text) {
  constexpr size_t kMax = 64;
  if (text.size() > kMax) return absl::StrCat("'", ToAbsl(text.substr(0, kMax)), "...'");
  return absl::StrCat("'", ToAbsl(text), "'");
}

// Reads lines of at most kMaxLineLength bytes from a stream in large chunks.
class LineReader {
 public:
  explicit LineReader(std::istream& in) : in_(in) {}

  enum class Result { kLine, kTooLong, kEnd };

  // On kLine, `line` is valid until the next call (trailing '\r' removed).
  Result Next(std::string_view& line) {
    line_.clear();
    bool too_long = false;
    while (true) {
      if (pos_ == len_ && !Fill()) {
        if (line_.empty() && !too_long) return Result::kEnd;
        break;  // last line without newline
      }
      const char* begin = buf_.data() + pos_;
      const void* nl = memchr(begin, '\n', len_ - pos_);
      size_t n = nl ? static_cast<const char*>(nl) - begin : len_ - pos_;
      if (!too_long) {
        if (line_.size() + n > kMaxLineLength) {
          too_long = true;
          line_.clear();
        } else {
          line_.append(begin, n);
        }
      }
      pos_ += n;
      if (nl) {
        ++pos_;
        break;
      }
    }
    if (too_long) return Result::kTooLong;
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    line = line_;
    return Result::kLine;
  }

  bool failed() const { return in_.bad(); }

 private:
  bool Fill() {
    if (!in_) return false;
    in_.read(buf_.data(), buf_.size());
    len_ = static_cast<size_t>(in_.gcount());
    pos_ = 0;
    return len_ > 0;
  }

  std::istream& in_;
  std::array<char, 1 << 16> buf_;
  size_t pos_ = 0, len_ = 0;
  std::string line_;
};

void AppendRow(const Lease4& lease, uint32_t valid_lifetime, std::string& out) {
  AppendAddress(lease.address, out);
  out.push_back(',');
  AppendHex(lease.hwaddr, out);
  out.push_back(',');
  AppendHex(lease.client_id, out);
  out.push_back(',');
  AppendUint(valid_lifetime, out);
  out.push_back(',');
  AppendInt(lease.cltt + int64_t{valid_lifetime}, out);
  out.push_back(',');
  AppendUint(lease.subnet_id, out);
  out.push_back(',');
  out.push_back(lease.fqdn_fwd ? '1' : '0');
  out.push_back(',');
  out.push_back(lease.fqdn_rev ? '1' : '0');
  out.push_back(',');
  AppendEscaped(lease.hostname, out);
  out.push_back(',');
  AppendUint(static_cast<uint8_t>(lease.state), out);
  out.push_back(',');
  AppendEscaped(lease.user_context, out);
}

}  // namespace

std::string Lease4CsvHeader() {
  std::string header;
  for (size_t i = 0; i < kColumns.size(); ++i) {
    if (i > 0) header.push_back(',');
    header.append(kColumns[i]);
  }
  return header;
}

std::string FormatLease4CsvRow(const Lease4& lease) {
  std::string row;
  AppendRow(lease, lease.valid_lifetime, row);
  return row;
}

void AppendLease4CsvRow(const Lease4& lease, std::string& out) {
  AppendRow(lease, lease.valid_lifetime, out);
  out.push_back('\n');
}

void AppendLease4CsvDeletionRow(const Lease4& lease, std::string& out) {
  AppendRow(lease, 0, out);
  out.push_back('\n');
}

std::string EscapeLease4CsvField(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendEscaped(text, out);
  return out;
}

std::string UnescapeLease4CsvField(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '&' && i + 5 <= text.size() && text[i + 1] == '#' && text[i + 2] == 'x') {
      int hi = HexValue(text[i + 3]), lo = HexValue(text[i + 4]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi << 4 | lo));
        i += 5;
        continue;
      }
    }
    out.push_back(text[i++]);
  }
  return out;
}

absl::StatusOr<Lease4CsvRowParser> Lease4CsvRowParser::Create(std::string_view header) {
  Lease4CsvRowParser parser;
  std::array<int*, 11> slots = {&parser.address_,        &parser.hwaddr_,      &parser.client_id_,
                                &parser.valid_lifetime_, &parser.expire_,      &parser.subnet_id_,
                                &parser.fqdn_fwd_,       &parser.fqdn_rev_,    &parser.hostname_,
                                &parser.state_,          &parser.user_context_};
  if (!header.empty() && header.back() == '\r') header.remove_suffix(1);
  size_t start = 0;
  int index = 0;
  while (true) {
    size_t end = header.find(',', start);
    std::string_view name =
        header.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    for (size_t c = 0; c < kColumns.size(); ++c) {
      if (name == kColumns[c]) {
        if (*slots[c] >= 0) {
          return absl::InvalidArgumentError(
              absl::StrCat("header names column '", kColumns[c], "' twice"));
        }
        *slots[c] = index;
      }
    }
    ++index;
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  parser.column_count_ = index;
  for (size_t c = 0; c <= kLastRequiredColumn; ++c) {
    if (*slots[c] < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("header ", Quoted(header), " lacks column '", kColumns[c],
                       "'; a Kea DHCPv4 lease file header is '", Lease4CsvHeader(), "'"));
    }
  }
  return parser;
}

absl::StatusOr<Lease4> Lease4CsvRowParser::Parse(std::string_view line) const {
  // Split into at most column_count_ + 1 fields (to detect too many).
  std::array<std::string_view, 32> small;
  std::vector<std::string_view> large;
  std::string_view* fields = small.data();
  if (column_count_ + 1 > small.size()) {
    large.resize(column_count_ + 1);
    fields = large.data();
  }
  size_t count = 0;
  size_t start = 0;
  while (true) {
    size_t end = line.find(',', start);
    if (count == column_count_) {
      ++count;
      break;
    }
    fields[count++] =
        line.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (count != column_count_) {
    return absl::InvalidArgumentError(absl::StrCat("row has ",
                                                   count > column_count_ ? "more" : "fewer",
                                                   " fields than the header's ", column_count_));
  }

  Lease4 lease;
  auto address = dhcp::Ipv4Address::Parse(fields[address_]);
  if (!address || address->IsZero()) {
    return absl::InvalidArgumentError(
        absl::StrCat("address ", Quoted(fields[address_]), " is not a valid IPv4 address"));
  }
  lease.address = *address;
  if (!ParseHex(fields[hwaddr_], lease.hwaddr)) {
    return absl::InvalidArgumentError(
        absl::StrCat("hwaddr ", Quoted(fields[hwaddr_]),
                     " is not colon-separated hex (e.g. 00:11:22:33:44:55)"));
  }
  if (!ParseHex(fields[client_id_], lease.client_id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("client_id ", Quoted(fields[client_id_]), " is not colon-separated hex"));
  }
  if (!absl::SimpleAtoi(ToAbsl(fields[valid_lifetime_]), &lease.valid_lifetime)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "valid_lifetime ", Quoted(fields[valid_lifetime_]), " is not an unsigned 32-bit number"));
  }
  uint64_t expire = 0;
  if (!absl::SimpleAtoi(ToAbsl(fields[expire_]), &expire) ||
      expire > uint64_t{std::numeric_limits<int64_t>::max() / 2}) {
    return absl::InvalidArgumentError(
        absl::StrCat("expire ", Quoted(fields[expire_]), " is not a time in epoch seconds"));
  }
  lease.cltt = static_cast<int64_t>(expire) - int64_t{lease.valid_lifetime};
  if (!absl::SimpleAtoi(ToAbsl(fields[subnet_id_]), &lease.subnet_id)) {
    return absl::InvalidArgumentError(absl::StrCat("subnet_id ", Quoted(fields[subnet_id_]),
                                                   " is not an unsigned 32-bit number"));
  }
  if (!ParseBool(fields[fqdn_fwd_], lease.fqdn_fwd)) {
    return absl::InvalidArgumentError(
        absl::StrCat("fqdn_fwd ", Quoted(fields[fqdn_fwd_]), " is not 0 or 1"));
  }
  if (!ParseBool(fields[fqdn_rev_], lease.fqdn_rev)) {
    return absl::InvalidArgumentError(
        absl::StrCat("fqdn_rev ", Quoted(fields[fqdn_rev_]), " is not 0 or 1"));
  }
  lease.hostname = UnescapeLease4CsvField(fields[hostname_]);
  if (state_ >= 0 && !fields[state_].empty()) {
    uint32_t state = 0;
    if (!absl::SimpleAtoi(ToAbsl(fields[state_]), &state) || state > 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("state ", Quoted(fields[state_]),
                       " is not 0 (default), 1 (declined) or 2 (expired-reclaimed)"));
    }
    lease.state = static_cast<LeaseState>(state);
  }
  if (user_context_ >= 0 && !fields[user_context_].empty()) {
    lease.user_context = UnescapeLease4CsvField(fields[user_context_]);
    auto json = nlohmann::json::parse(lease.user_context, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.is_object()) {
      return absl::InvalidArgumentError(
          absl::StrCat("user_context ", Quoted(lease.user_context), " is not a JSON map"));
    }
  }
  if (lease.valid_lifetime != 0 && lease.hwaddr.empty() && lease.client_id.empty() &&
      lease.state != LeaseState::kDeclined) {
    return absl::InvalidArgumentError(
        "lease has neither hwaddr nor client_id, which only a declined lease (state 1) may");
  }
  return lease;
}

absl::StatusOr<CsvReadStats> ForEachLease4CsvRow(std::istream& in, const CsvReadOptions& options,
                                                 absl::FunctionRef<void(Lease4&&)> sink) {
  const std::string source =
      options.source_name.empty() ? std::string("lease file") : options.source_name;
  CsvReadStats stats;
  LineReader reader(in);
  std::string_view line;
  uint64_t line_number = 0;

  // Header: the first non-empty line.
  std::optional<Lease4CsvRowParser> parser;
  while (!parser) {
    auto r = reader.Next(line);
    ++line_number;
    if (r == LineReader::Result::kEnd) {
      if (reader.failed()) {
        return absl::InvalidArgumentError(absl::StrCat(source, ": read error"));
      }
      return stats;  // empty file
    }
    if (r == LineReader::Result::kTooLong) {
      return absl::InvalidArgumentError(absl::StrCat(source, " line ", line_number,
                                                     ": header line longer than ", kMaxLineLength,
                                                     " bytes; expected '", Lease4CsvHeader(), "'"));
    }
    if (line.empty()) continue;
    auto created = Lease4CsvRowParser::Create(line);
    if (!created.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, " line ", line_number, ": ", created.status().message()));
    }
    parser = *std::move(created);
  }

  while (true) {
    auto r = reader.Next(line);
    ++line_number;
    if (r == LineReader::Result::kEnd) break;
    absl::Status row_error;
    if (r == LineReader::Result::kTooLong) {
      ++stats.lines;
      row_error = absl::InvalidArgumentError(absl::StrCat(
          source, " line ", line_number, ": row longer than ", kMaxLineLength, " bytes"));
    } else {
      if (line.empty()) continue;
      ++stats.lines;
      auto lease = parser->Parse(line);
      if (lease.ok()) {
        if (lease->valid_lifetime == 0) {
          ++stats.deletions;
        } else {
          ++stats.leases;
        }
        sink(*std::move(lease));
        continue;
      }
      row_error = absl::InvalidArgumentError(
          absl::StrCat(source, " line ", line_number, ": ", lease.status().message()));
    }
    ++stats.errors;
    if (options.max_row_errors != 0 && stats.errors > options.max_row_errors) {
      return absl::InvalidArgumentError(
          absl::StrCat(row_error.message(), " (more than max-row-errors ", options.max_row_errors,
                       " bad rows; loading stopped)"));
    }
    if (options.on_row_error) options.on_row_error(row_error);
  }
  if (reader.failed()) return absl::InvalidArgumentError(absl::StrCat(source, ": read error"));
  return stats;
}

absl::StatusOr<std::vector<Lease4>> ReadLease4Csv(std::istream& in, const CsvReadOptions& options) {
  absl::btree_map<uint32_t, Lease4> leases;
  auto stats = ForEachLease4CsvRow(in, options, [&](Lease4&& lease) {
    if (lease.valid_lifetime == 0) {
      leases.erase(lease.address.value());
    } else {
      leases.insert_or_assign(lease.address.value(), std::move(lease));
    }
  });
  if (!stats.ok()) return stats.status();
  std::vector<Lease4> out;
  out.reserve(leases.size());
  for (auto& [address, lease] : leases) out.push_back(std::move(lease));
  return out;
}

absl::Status WriteLease4Csv(std::ostream& out, const std::vector<Lease4>& leases) {
  for (const Lease4& lease : leases) {
    if (lease.valid_lifetime == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("lease ", lease.address.ToString(),
                       " has valid_lifetime 0, which the lease file format reads as a deletion"));
    }
  }
  std::string buf = Lease4CsvHeader();
  buf.push_back('\n');
  for (const Lease4& lease : leases) {
    AppendLease4CsvRow(lease, buf);
    if (buf.size() > (1 << 16)) {
      out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
      buf.clear();
    }
  }
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
  out.flush();
  if (!out) return absl::InternalError("writing the lease CSV failed (output stream error)");
  return absl::OkStatus();
}

}  // namespace shoal::lease_backend
