#include "server/interface_table.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstring>

namespace shoal::server {

absl::StatusOr<InterfaceTable> InterfaceTable::Load() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) {
    return absl::InternalError(std::string("getifaddrs failed: ") + std::strerror(errno));
  }
  InterfaceTable table;
  for (ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    NetworkInterface* entry = nullptr;
    for (NetworkInterface& i : table.interfaces_) {
      if (i.name == a->ifa_name) entry = &i;
    }
    if (entry == nullptr) {
      table.interfaces_.push_back(NetworkInterface{
          .name = a->ifa_name,
          .index = static_cast<int>(if_nametoindex(a->ifa_name)),
          .up = (a->ifa_flags & IFF_UP) != 0,
          .loopback = (a->ifa_flags & IFF_LOOPBACK) != 0,
      });
      entry = &table.interfaces_.back();
    }
    if (a->ifa_addr != nullptr && a->ifa_addr->sa_family == AF_INET) {
      const auto* sin = reinterpret_cast<const sockaddr_in*>(a->ifa_addr);
      entry->addresses.push_back(dhcp::Ipv4Address(ntohl(sin->sin_addr.s_addr)));
    }
  }
  freeifaddrs(list);
  return table;
}

const NetworkInterface* InterfaceTable::FindByName(const std::string& name) const {
  for (const NetworkInterface& i : interfaces_) {
    if (i.name == name) return &i;
  }
  return nullptr;
}

const NetworkInterface* InterfaceTable::FindByIndex(int index) const {
  for (const NetworkInterface& i : interfaces_) {
    if (i.index == index) return &i;
  }
  return nullptr;
}

}  // namespace shoal::server
