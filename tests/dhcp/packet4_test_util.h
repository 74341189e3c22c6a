// Helpers for DHCPv4 codec tests.
#pragma once

#include <algorithm>
#include <vector>

#include "dhcp/packet4.h"

namespace shoal::dhcp {

// `p` with its options sorted by code (53 first): equal for packets that
// differ only in option order, as after a Serialize() that used overload.
inline Packet4 Normalized(const Packet4& p) {
  std::vector<Packet4::Option> options = p.options();
  std::sort(options.begin(), options.end());
  Packet4 out = p;
  for (const auto& o : options) out.RemoveOption(o.first);
  for (auto& o : options) out.SetOption(o.first, std::move(o.second));
  return out;
}

}  // namespace shoal::dhcp
