// The lease every lease-store test starts from: address 10.0.0.<host>,
// hwaddr 00:0c:29 + n and client id 01 + that hwaddr, 3600 s from a fixed
// cltt, subnet 1.
#pragma once

#include <cstdint>

#include "lease_backend/lease.h"

namespace shoal::lease_backend::testing {

inline Lease4 TestLease(uint32_t host, uint32_t n = 0) {
  const uint8_t a = static_cast<uint8_t>(n >> 16), b = static_cast<uint8_t>(n >> 8),
                c = static_cast<uint8_t>(n);
  Lease4 l;
  l.address = dhcp::Ipv4Address((10u << 24) + host);
  l.hwaddr = {0x00, 0x0c, 0x29, a, b, c};
  l.client_id = {0x01, 0x00, 0x0c, 0x29, a, b, c};
  l.valid_lifetime = 3600;
  l.cltt = 1'700'000'000;
  l.subnet_id = 1;
  return l;
}

}  // namespace shoal::lease_backend::testing
