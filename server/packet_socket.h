// PacketSocket: a UDP socket on the DHCP server port bound to one interface
// (SO_BINDTODEVICE), so a broadcast is known to come from that link
// (IP_PKTINFO gives the interface and destination address of each message)
// and replies to clients without an address leave on the right link.
//
// ReceiveBatch() is called from the I/O thread only; Send() may be called
// from any thread (sendmsg on a datagram socket is atomic). Errors are
// Statuses with errno text.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dhcp/ipv4_address.h"

namespace shoal::server {

// Where a datagram came from and went to.
struct ReceivedDatagram {
  int ifindex = 0;
  dhcp::Ipv4Address source;
  uint16_t source_port = 0;
  dhcp::Ipv4Address destination;
};

// One datagram of a ReceiveBatch(): its bytes stay valid until the next call.
struct InboundDatagram {
  std::span<const uint8_t> bytes;
  ReceivedDatagram meta;
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

  // The datagrams one ReceiveBatch() takes at most.
  static constexpr size_t kBatch = 32;
  // The bytes of a datagram it keeps at most (a larger one is truncated).
  static constexpr size_t kMaxDatagram = 4096;

  // Up to kBatch queued datagrams, taken with one system call (recvmmsg).
  // Non-blocking: Unavailable when nothing is queued. Fewer than kBatch
  // means the queue is empty now.
  absl::StatusOr<std::span<const InboundDatagram>> ReceiveBatch();
  // Sends from `source` (our address on that link) out of `ifindex`.
  absl::Status Send(std::span<const uint8_t> data, dhcp::Ipv4Address destination, uint16_t port,
                    int ifindex, dhcp::Ipv4Address source);
  // Installs a temporary ARP entry so a unicast reply reaches a client that
  // has no address yet (RFC 2131 §4.1), as dnsmasq does.
  absl::Status AddArpEntry(dhcp::Ipv4Address address, std::span<const uint8_t> hw_address);

 private:
  // recvmmsg's buffers, reused by every ReceiveBatch().
  struct ReceiveSlots;

  PacketSocket(int fd, std::string interface);

  int fd_;
  std::string interface_;
  std::unique_ptr<ReceiveSlots> slots_;
};

}  // namespace shoal::server
