// InterfaceTable: the host's network interfaces with their IPv4 addresses,
// read from getifaddrs(3). A snapshot; call Load() again to refresh.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dhcp/ipv4_address.h"

namespace shoal::server {

struct NetworkInterface {
  std::string name;
  int index = 0;
  bool up = false;
  bool loopback = false;
  std::vector<dhcp::Ipv4Address> addresses;
};

class InterfaceTable {
 public:
  static absl::StatusOr<InterfaceTable> Load();

  const NetworkInterface* FindByName(const std::string& name) const;
  const NetworkInterface* FindByIndex(int index) const;
  const std::vector<NetworkInterface>& all() const { return interfaces_; }

 private:
  std::vector<NetworkInterface> interfaces_;
};

}  // namespace shoal::server
