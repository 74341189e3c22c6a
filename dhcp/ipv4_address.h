// An IPv4 address held as a host-order 32-bit integer: the same encoding
// Kea's SQL schemas use for lease4.address and hosts.ipv4_address.
// A value type; cheap to copy, hash and compare.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shoal::dhcp {

class Ipv4Address {
 public:
  constexpr Ipv4Address() = default;
  constexpr explicit Ipv4Address(uint32_t host_order) : value_(host_order) {}

  // Parses dotted-quad text ("192.0.2.1"); nullopt for anything else.
  static std::optional<Ipv4Address> Parse(std::string_view text);
  // From 4 bytes in network order (as on the wire).
  static Ipv4Address FromBytes(const uint8_t* network_order);

  constexpr uint32_t value() const { return value_; }
  constexpr bool IsZero() const { return value_ == 0; }
  void ToBytes(uint8_t* network_order) const;
  std::string ToString() const;

  friend constexpr auto operator<=>(Ipv4Address, Ipv4Address) = default;

  template <typename H>
  friend H AbslHashValue(H h, Ipv4Address a) {
    return H::combine(std::move(h), a.value_);
  }

 private:
  uint32_t value_ = 0;
};

// A prefix such as 192.0.2.0/24. `address` is kept with host bits cleared.
struct Ipv4Prefix {
  Ipv4Address address;
  uint8_t length = 0;

  // Parses "a.b.c.d/len" (len: one or two decimal digits, 0..32); nullopt on
  // bad syntax or length > 32. Host bits set are accepted and cleared.
  static std::optional<Ipv4Prefix> Parse(std::string_view text);
  uint32_t Mask() const { return length == 0 ? 0 : ~uint32_t{0} << (32 - length); }
  bool Contains(Ipv4Address a) const { return (a.value() & Mask()) == address.value(); }
  std::string ToString() const;
  friend bool operator==(const Ipv4Prefix&, const Ipv4Prefix&) = default;
};

// An inclusive address range, as Kea writes pools.
struct Ipv4Range {
  Ipv4Address first;
  Ipv4Address last;

  // Parses "a - b", "a-b" (spaces around the addresses allowed) or
  // "prefix/len"; nullopt on bad syntax or first > last.
  static std::optional<Ipv4Range> Parse(std::string_view text);
  // "a - b", Kea's form.
  std::string ToString() const;
  friend bool operator==(const Ipv4Range&, const Ipv4Range&) = default;
};

}  // namespace shoal::dhcp
