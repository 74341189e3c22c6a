#include "dhcp/ipv4_address.h"

#include <arpa/inet.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace shoal::dhcp {

std::optional<Ipv4Address> Ipv4Address::Parse(std::string_view text) {
  // inet_pton stops at a NUL, so "1.2.3.4\0junk" must be refused here.
  if (text.empty() || text.size() > 15 || text.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  char buf[16];
  text.copy(buf, text.size());
  buf[text.size()] = '\0';
  in_addr addr;
  if (inet_pton(AF_INET, buf, &addr) != 1) return std::nullopt;
  return Ipv4Address(ntohl(addr.s_addr));
}

Ipv4Address Ipv4Address::FromBytes(const uint8_t* p) {
  return Ipv4Address(uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3]);
}

void Ipv4Address::ToBytes(uint8_t* p) const {
  p[0] = value_ >> 24;
  p[1] = value_ >> 16;
  p[2] = value_ >> 8;
  p[3] = value_;
}

std::string Ipv4Address::ToString() const {
  return absl::StrCat(value_ >> 24, ".", (value_ >> 16) & 0xff, ".", (value_ >> 8) & 0xff, ".",
                      value_ & 0xff);
}

std::optional<Ipv4Prefix> Ipv4Prefix::Parse(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto address = Ipv4Address::Parse(text.substr(0, slash));
  if (!address) return std::nullopt;
  // One or two decimal digits, 0..32 (no sign, no spaces).
  std::string_view digits = text.substr(slash + 1);
  if (digits.empty() || digits.size() > 2) return std::nullopt;
  int length = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    length = length * 10 + (c - '0');
  }
  if (length > 32) return std::nullopt;
  Ipv4Prefix prefix{*address, static_cast<uint8_t>(length)};
  prefix.address = Ipv4Address(address->value() & prefix.Mask());
  return prefix;
}

std::string Ipv4Prefix::ToString() const { return absl::StrCat(address.ToString(), "/", length); }

std::optional<Ipv4Range> Ipv4Range::Parse(std::string_view text) {
  auto strip = [](std::string_view v) {
    absl::string_view s = absl::StripAsciiWhitespace(absl::string_view(v.data(), v.size()));
    return std::string_view(s.data(), s.size());
  };
  size_t dash = text.find('-');
  if (dash != std::string_view::npos) {
    auto first = Ipv4Address::Parse(strip(text.substr(0, dash)));
    auto last = Ipv4Address::Parse(strip(text.substr(dash + 1)));
    if (!first || !last || *first > *last) return std::nullopt;
    return Ipv4Range{*first, *last};
  }
  auto prefix = Ipv4Prefix::Parse(strip(text));
  if (!prefix) return std::nullopt;
  return Ipv4Range{prefix->address, Ipv4Address(prefix->address.value() | ~prefix->Mask())};
}

std::string Ipv4Range::ToString() const {
  return absl::StrCat(first.ToString(), " - ", last.ToString());
}

}  // namespace shoal::dhcp
