// Dhcp4Processor: the DHCPv4 message pipeline of RFC 2131 — select subnet,
// find the host reservation, find or allocate the lease, build the reply and
// decide where it goes (§4.1). Pure apart from the lease store: no sockets,
// and the time comes in with each call, so tests drive it directly.
//
// Thread-safe for different clients; the caller routes all messages of one
// client to one thread at a time. A message the server must not answer (no
// subnet, not for us, store unavailable) yields nullopt and is counted.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "dhcp/packet4.h"
#include "lease_backend/lease_store.h"
#include "server/packet_counters.h"
#include "server/serving_context.h"
#include "spdlog/logger.h"

namespace shoal::server {

// Where and how a message arrived.
struct ReceiveInfo {
  int ifindex = 0;
  std::string interface_name;
  std::vector<dhcp::Ipv4Address> interface_addresses;
  dhcp::Ipv4Address source;
  uint16_t source_port = 0;
  dhcp::Ipv4Address destination;  // the local address it was sent to (may be broadcast)
};

// Where the reply goes.
struct ReplyRoute {
  dhcp::Ipv4Address address;
  uint16_t port = 0;
  int ifindex = 0;
  dhcp::Ipv4Address source;  // our address on that link (the server identifier)
  // Unicast to a client that has no address yet: the sender must install an
  // ARP entry address -> hw_address on ifindex first.
  bool needs_arp_entry = false;
  std::vector<uint8_t> hw_address;
};

struct Reply {
  dhcp::Packet4 packet;
  ReplyRoute route;
};

// Kea's -p and -P: the port the node listens on, and, when set (non-zero),
// the port every reply goes to, relayed or not (for testing, as in Kea).
struct Ports {
  uint16_t server = 67;  // -p
  uint16_t client = 0;   // -P; 0 = RFC 2131 ports (67 to relays, 68 to clients)
};

class Dhcp4Processor {
 public:
  Dhcp4Processor(PacketCounters& counters, Ports ports, spdlog::logger& log)
      : counters_(counters), ports_(ports), log_(log) {}

  std::optional<Reply> Process(ServingContext& context, const dhcp::Packet4& query,
                               const ReceiveInfo& info, int64_t now);

 private:
  struct Exchange;  // per-message working state

  std::optional<Reply> ProcessDiscover(Exchange& exchange);
  std::optional<Reply> ProcessRequest(Exchange& exchange);
  std::optional<Reply> ProcessInform(Exchange& exchange);
  void ProcessRelease(Exchange& exchange);
  void ProcessDecline(Exchange& exchange);

  Reply MakeReply(Exchange& exchange, dhcp::MessageType type) const;
  void AddLeaseOptions(Exchange& exchange, Reply& reply, const config::Subnet4& subnet,
                       dhcp::Ipv4Address address, uint32_t valid_lifetime) const;
  void AddConfiguredOptions(Exchange& exchange, Reply& reply, const config::Subnet4& subnet,
                            const config::Pool* pool,
                            const std::optional<config::Reservation>& host) const;
  std::optional<Reply> MakeNak(Exchange& exchange, const std::string& reason);
  // Last step of every reply: echo option 82, then Route().
  void Finish(Exchange& exchange, Reply& reply) const;
  void Route(Exchange& exchange, Reply& reply) const;
  dhcp::Ipv4Address ServerIdentifier(const ReceiveInfo& info) const;

  PacketCounters& counters_;
  Ports ports_;
  spdlog::logger& log_;
};

}  // namespace shoal::server
