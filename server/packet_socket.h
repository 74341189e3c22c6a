// PacketSocket: a UDP socket on the DHCP server port bound to one interface
// (SO_BINDTODEVICE), so a broadcast is known to come from that link
// (IP_PKTINFO gives the interface and destination address of each message)
// and replies to clients without an address leave on the right link.
//
// Receive() is called from the I/O thread only; Send() may be called from any
// thread (sendmsg on a datagram socket is atomic). Errors are Statuses with
// errno text.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dhcp/ipv4_address.h"

namespace shoal::server {

struct ReceivedDatagram {
  size_t size = 0;
  int ifindex = 0;
  dhcp::Ipv4Address source;
  uint16_t source_port = 0;
  dhcp::Ipv4Address destination;
};

class PacketSocket {
 public:
  // Binds 0.0.0.0:port (or `address`:port when given) on `interface`.
  static absl::StatusOr<std::unique_ptr<PacketSocket>> Open(const std::string& interface,
                                                            dhcp::Ipv4Address address,
                                                            uint16_t port);
  ~PacketSocket();
  PacketSocket(const PacketSocket&) = delete;
  PacketSocket& operator=(const PacketSocket&) = delete;

  int fd() const { return fd_; }
  const std::string& interface() const { return interface_; }

  // Non-blocking: Unavailable when nothing is queued.
  absl::StatusOr<ReceivedDatagram> Receive(std::span<uint8_t> buffer);
  // Sends from `source` (our address on that link) out of `ifindex`.
  absl::Status Send(std::span<const uint8_t> data, dhcp::Ipv4Address destination, uint16_t port,
                    int ifindex, dhcp::Ipv4Address source);
  // Installs a temporary ARP entry so a unicast reply reaches a client that
  // has no address yet (RFC 2131 §4.1), as dnsmasq does.
  absl::Status AddArpEntry(dhcp::Ipv4Address address, std::span<const uint8_t> hw_address);

 private:
  PacketSocket(int fd, std::string interface) : fd_(fd), interface_(std::move(interface)) {}

  int fd_;
  std::string interface_;
};

}  // namespace shoal::server
