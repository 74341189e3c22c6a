#include "server/dhcp4_processor.h"

#include <algorithm>
#include <bitset>

#include "server/lease_allocator.h"

namespace shoal::server {
namespace {

using dhcp::Ipv4Address;
using dhcp::MessageType;
using dhcp::Packet4;

std::vector<uint8_t> Uint32Bytes(uint32_t v) {
  return {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
}

std::vector<uint8_t> AddressBytes(Ipv4Address a) { return Uint32Bytes(a.value()); }

std::optional<Ipv4Address> AddressOption(const Packet4& packet, uint8_t code) {
  const std::vector<uint8_t>* data = packet.GetOption(code);
  if (data == nullptr || data->size() != 4) return std::nullopt;
  return Ipv4Address::FromBytes(data->data());
}

std::optional<uint32_t> Uint32Option(const Packet4& packet, uint8_t code) {
  const std::vector<uint8_t>* data = packet.GetOption(code);
  if (data == nullptr || data->size() != 4) return std::nullopt;
  return uint32_t{(*data)[0]} << 24 | uint32_t{(*data)[1]} << 16 | uint32_t{(*data)[2]} << 8 |
         (*data)[3];
}

// The client's host name (option 12), if it is printable text.
std::string ClientHostname(const Packet4& packet) {
  const std::vector<uint8_t>* data = packet.GetOption(dhcp::kOptionHostName);
  if (data == nullptr) return "";
  std::string name(data->begin(), data->end());
  while (!name.empty() && name.back() == '\0') name.pop_back();
  for (char c : name) {
    if (c < 0x21 || c > 0x7e) return "";
  }
  return name;
}

std::vector<HostIdentifier> HostIdentifiersOf(const Packet4& packet, const config::Config& config) {
  std::vector<HostIdentifier> ids;
  for (config::IdentifierType type : config.host_reservation_identifiers) {
    switch (type) {
      case config::IdentifierType::kHwAddress: {
        auto hw = packet.hw_address();
        if (!hw.empty()) ids.push_back({type, {hw.begin(), hw.end()}});
        break;
      }
      case config::IdentifierType::kClientId: {
        const auto* cid = packet.GetOption(dhcp::kOptionClientId);
        if (cid != nullptr && !cid->empty()) ids.push_back({type, *cid});
        break;
      }
      case config::IdentifierType::kDuid: {
        // RFC 4361: client-id type 255, then a 4-byte IAID, then the DUID.
        const auto* cid = packet.GetOption(dhcp::kOptionClientId);
        if (cid != nullptr && cid->size() > 5 && (*cid)[0] == 255) {
          ids.push_back({type, {cid->begin() + 5, cid->end()}});
        }
        break;
      }
      case config::IdentifierType::kCircuitId: {
        const auto* rai = packet.GetOption(dhcp::kOptionRelayAgentInfo);
        if (rai == nullptr) break;
        auto subs = dhcp::ParseRelayAgentInfo(*rai);
        if (!subs.ok()) break;
        for (auto& [code, value] : *subs) {
          if (code == dhcp::kRaiCircuitId && !value.empty()) ids.push_back({type, value});
        }
        break;
      }
      case config::IdentifierType::kFlexId:
        break;  // needs the flex_id hook in Kea; not supported
    }
  }
  return ids;
}

}  // namespace

struct Dhcp4Processor::Exchange {
  ServingContext& context;
  const Packet4& query;
  const ReceiveInfo& info;
  int64_t now;
  const config::Subnet4* subnet = nullptr;
  LeaseAllocator allocator;
  AllocationRequest request;
};

Ipv4Address Dhcp4Processor::ServerIdentifier(const ReceiveInfo& info) const {
  const uint32_t dst = info.destination.value();
  const bool unicast = dst != 0 && dst != 0xffffffff &&
                       std::find(info.interface_addresses.begin(), info.interface_addresses.end(),
                                 info.destination) != info.interface_addresses.end();
  if (unicast) return info.destination;
  if (!info.interface_addresses.empty()) return info.interface_addresses.front();
  return info.destination;
}

std::optional<Reply> Dhcp4Processor::Process(ServingContext& context, const Packet4& query,
                                             const ReceiveInfo& info, int64_t now) {
  counters_.Increment(PacketCounter::kReceived);
  const MessageType type = query.message_type();
  counters_.Increment(ReceivedCounterFor(type));
  if (query.op != dhcp::kBootRequest || type == MessageType::kNone) {
    counters_.Increment(PacketCounter::kReceiveDrop);
    return std::nullopt;
  }

  SelectionInput selection{.giaddr = query.giaddr,
                           .ciaddr = query.ciaddr,
                           .subnet_selection = AddressOption(query, dhcp::kOptionSubnetSelection),
                           .interface_name = info.interface_name,
                           .interface_addresses = info.interface_addresses};
  Exchange exchange{.context = context,
                    .query = query,
                    .info = info,
                    .now = now,
                    .subnet = context.selector().Select(selection),
                    .allocator = LeaseAllocator(context, context.leases()),
                    .request = {}};
  if (exchange.subnet == nullptr) {
    log_.debug("{}: no subnet for this client, dropped", query.Describe());
    counters_.Increment(PacketCounter::kReceiveDrop);
    return std::nullopt;
  }
  AllocationRequest& request = exchange.request;
  request.subnet = exchange.subnet;
  request.client = ClientIdentity::FromPacket(query, exchange.subnet->match_client_id);
  request.identifiers = HostIdentifiersOf(query, context.config());
  request.requested_lifetime = Uint32Option(query, dhcp::kOptionLeaseTime);
  request.hostname = ClientHostname(query);
  request.now = now;

  switch (type) {
    case MessageType::kDiscover:
      return ProcessDiscover(exchange);
    case MessageType::kRequest:
      return ProcessRequest(exchange);
    case MessageType::kInform:
      return ProcessInform(exchange);
    case MessageType::kRelease:
      ProcessRelease(exchange);
      return std::nullopt;
    case MessageType::kDecline:
      ProcessDecline(exchange);
      return std::nullopt;
    default:
      counters_.Increment(PacketCounter::kReceiveDrop);
      return std::nullopt;
  }
}

std::optional<Reply> Dhcp4Processor::ProcessDiscover(Exchange& exchange) {
  exchange.request.requested = AddressOption(exchange.query, dhcp::kOptionRequestedAddress);
  auto allocation = exchange.allocator.Discover(exchange.request);
  if (!allocation.ok()) {
    log_.error("{}: lease store error, not answering: {}", exchange.query.Describe(),
               allocation.status().ToString());
    counters_.Increment(PacketCounter::kReceiveDrop);
    return std::nullopt;
  }
  if (!allocation->has_value()) {
    log_.warn("{}: no address available in subnet {}", exchange.query.Describe(),
              exchange.subnet->prefix.ToString());
    counters_.Increment(PacketCounter::kReceiveDrop);
    return std::nullopt;
  }
  const Allocation& a = **allocation;
  Reply reply = MakeReply(exchange, MessageType::kOffer);
  reply.packet.yiaddr = a.address;
  AddLeaseOptions(exchange, reply, *a.subnet, a.address, a.valid_lifetime);
  AddConfiguredOptions(exchange, reply, *a.subnet, FindPool(*a.subnet, a.address), a.host);
  Finish(exchange, reply);
  counters_.Increment(PacketCounter::kOfferSent);
  return reply;
}

std::optional<Reply> Dhcp4Processor::ProcessRequest(Exchange& exchange) {
  const Packet4& query = exchange.query;
  std::optional<Ipv4Address> server_id = AddressOption(query, dhcp::kOptionServerIdentifier);
  std::optional<Ipv4Address> requested = AddressOption(query, dhcp::kOptionRequestedAddress);
  bool must_know_client = false;
  if (server_id) {
    // SELECTING: the client chose a server; if not us, forget our offer.
    const auto& ours = exchange.info.interface_addresses;
    bool for_us = *server_id == ServerIdentifier(exchange.info) ||
                  std::find(ours.begin(), ours.end(), *server_id) != ours.end();
    if (!for_us) {
      if (auto offer = exchange.context.offers().Remove(exchange.request.client.Key())) {
        exchange.context.MarkFree(offer->address);
      }
      return std::nullopt;
    }
    exchange.request.requested = requested ? requested : std::optional(query.ciaddr);
  } else if (!query.ciaddr.IsZero()) {
    exchange.request.requested = query.ciaddr;  // RENEWING or REBINDING
  } else if (requested) {
    exchange.request.requested = requested;  // INIT-REBOOT
    must_know_client = !exchange.subnet->authoritative;
  } else {
    counters_.Increment(PacketCounter::kReceiveDrop);
    return std::nullopt;  // malformed: no address to confirm
  }
  if (exchange.request.requested && exchange.request.requested->IsZero()) {
    exchange.request.requested.reset();
  }

  auto result = exchange.allocator.Request(exchange.request, must_know_client);
  if (!result.ok()) {
    log_.error("{}: lease store error, not acknowledging: {}", query.Describe(),
               result.status().ToString());
    counters_.Increment(PacketCounter::kReceiveDrop);
    return std::nullopt;
  }
  switch (result->outcome) {
    case LeaseAllocator::Outcome::kIgnore:
      log_.debug("{}: ignored: {}", query.Describe(), result->reason);
      return std::nullopt;
    case LeaseAllocator::Outcome::kNak:
      return MakeNak(exchange, result->reason);
    case LeaseAllocator::Outcome::kAck:
      break;
  }
  const Allocation& a = result->allocation;
  Reply reply = MakeReply(exchange, MessageType::kAck);
  reply.packet.yiaddr = a.address;
  reply.packet.ciaddr = query.ciaddr;
  AddLeaseOptions(exchange, reply, *a.subnet, a.address, a.valid_lifetime);
  AddConfiguredOptions(exchange, reply, *a.subnet, FindPool(*a.subnet, a.address), a.host);
  Finish(exchange, reply);
  log_.debug("{}: lease {} for {}s", query.Describe(), a.address.ToString(), a.valid_lifetime);
  counters_.Increment(PacketCounter::kAckSent);
  return reply;
}

std::optional<Reply> Dhcp4Processor::ProcessInform(Exchange& exchange) {
  Reply reply = MakeReply(exchange, MessageType::kAck);
  reply.packet.ciaddr = exchange.query.ciaddr;
  auto host = exchange.allocator.FindHost(exchange.context.selector().Candidates(*exchange.subnet),
                                          exchange.request.identifiers);
  std::optional<config::Reservation> reservation;
  if (host.ok()) reservation = *host;
  AddConfiguredOptions(exchange, reply, *exchange.subnet, nullptr, reservation);
  Finish(exchange, reply);
  counters_.Increment(PacketCounter::kAckSent);
  return reply;
}

void Dhcp4Processor::ProcessRelease(Exchange& exchange) {
  absl::Status status = exchange.allocator.Release(exchange.request.client, exchange.query.ciaddr);
  if (!status.ok()) {
    log_.info("{}: release of {} not done: {}", exchange.query.Describe(),
              exchange.query.ciaddr.ToString(), status.ToString());
  }
}

void Dhcp4Processor::ProcessDecline(Exchange& exchange) {
  auto address = AddressOption(exchange.query, dhcp::kOptionRequestedAddress);
  if (!address) return;
  absl::Status status =
      exchange.allocator.Decline(exchange.request.client, *address, exchange.now,
                                 exchange.context.config().decline_probation_period);
  if (status.ok()) {
    log_.warn("{}: client declined {}: in probation for {}s", exchange.query.Describe(),
              address->ToString(), exchange.context.config().decline_probation_period);
  } else {
    log_.info("{}: decline of {} not done: {}", exchange.query.Describe(), address->ToString(),
              status.ToString());
  }
}

Reply Dhcp4Processor::MakeReply(Exchange& exchange, MessageType type) const {
  const Packet4& q = exchange.query;
  Reply reply;
  Packet4& p = reply.packet;
  p.op = dhcp::kBootReply;
  p.htype = q.htype;
  p.hlen = q.hlen;
  p.xid = q.xid;
  p.flags = q.flags;
  p.giaddr = q.giaddr;
  p.chaddr = q.chaddr;
  p.set_message_type(type);
  p.SetOption(dhcp::kOptionServerIdentifier, AddressBytes(ServerIdentifier(exchange.info)));
  if (exchange.context.config().echo_client_id) {
    if (const auto* cid = q.GetOption(dhcp::kOptionClientId)) {
      p.SetOption(dhcp::kOptionClientId, *cid);
    }
  }
  return reply;
}

void Dhcp4Processor::AddLeaseOptions(Exchange& exchange, Reply& reply,
                                     const config::Subnet4& subnet, Ipv4Address address,
                                     uint32_t valid) const {
  Packet4& p = reply.packet;
  p.SetOption(dhcp::kOptionLeaseTime, Uint32Bytes(valid));
  std::optional<uint32_t> t1 = subnet.renew_timer;
  std::optional<uint32_t> t2 = subnet.rebind_timer;
  if (subnet.calculate_tee_times && valid != lease_backend::Lease4::kInfinite) {
    if (!t1) t1 = static_cast<uint32_t>(valid * subnet.t1_percent);
    if (!t2) t2 = static_cast<uint32_t>(valid * subnet.t2_percent);
  }
  if (t2 && *t2 >= valid) t2.reset();
  if (t1 && *t1 >= (t2 ? *t2 : valid)) t1.reset();
  if (t1) p.SetOption(dhcp::kOptionRenewalTime, Uint32Bytes(*t1));
  if (t2) p.SetOption(dhcp::kOptionRebindingTime, Uint32Bytes(*t2));
  p.SetOption(dhcp::kOptionSubnetMask, Uint32Bytes(subnet.prefix.Mask()));
  p.siaddr = subnet.next_server;
}

void Dhcp4Processor::AddConfiguredOptions(Exchange& exchange, Reply& reply,
                                          const config::Subnet4& subnet, const config::Pool* pool,
                                          const std::optional<config::Reservation>& host) const {
  const config::Config& config = exchange.context.config();
  Packet4& p = reply.packet;
  // Option codes (one byte) the client asked for, and those in the reply.
  std::bitset<256> requested;
  requested.set(dhcp::kOptionRouters).set(dhcp::kOptionDomainNameServers);
  requested.set(dhcp::kOptionDomainName);
  if (const auto* prl = exchange.query.GetOption(dhcp::kOptionParameterRequestList)) {
    for (uint8_t code : *prl) requested.set(code);
  }
  std::bitset<256> done;
  for (const auto& [code, value] : p.options()) done.set(code);
  done.reset(dhcp::kOptionSubnetMask);  // a configured subnet-mask overrides the computed one
  auto add_scope = [&](const std::vector<config::OptionData>& options) {
    for (const config::OptionData& o : options) {
      if (o.space != "dhcp4" || o.code > 254 || o.never_send || done.test(o.code)) continue;
      if (!o.always_send && !requested.test(o.code)) continue;
      p.SetOption(static_cast<uint8_t>(o.code), o.payload);
      done.set(o.code);
    }
  };
  if (host) {
    add_scope(host->options);
    if (!host->hostname.empty() && !done.test(dhcp::kOptionHostName) &&
        (requested.test(dhcp::kOptionHostName) ||
         exchange.query.GetOption(dhcp::kOptionHostName) != nullptr)) {
      p.SetOption(dhcp::kOptionHostName, {host->hostname.begin(), host->hostname.end()});
      done.set(dhcp::kOptionHostName);
    }
    if (!host->next_server.IsZero()) p.siaddr = host->next_server;
  }
  if (pool != nullptr) add_scope(pool->options);
  add_scope(subnet.options);
  if (subnet.shared_network >= 0) add_scope(config.shared_networks[subnet.shared_network].options);
  add_scope(config.global_options);

  auto copy_text = [](auto& field, const std::string& text) {
    std::copy_n(text.begin(), std::min(text.size(), field.size() - 1), field.begin());
  };
  const std::string& sname =
      host && !host->server_hostname.empty() ? host->server_hostname : subnet.server_hostname;
  const std::string& file =
      host && !host->boot_file_name.empty() ? host->boot_file_name : subnet.boot_file_name;
  copy_text(p.sname, sname);
  copy_text(p.file, file);
}

std::optional<Reply> Dhcp4Processor::MakeNak(Exchange& exchange, const std::string& reason) {
  log_.info("{}: NAK: {}", exchange.query.Describe(), reason);
  Reply reply = MakeReply(exchange, MessageType::kNak);
  reply.packet.SetOption(dhcp::kOptionMessage, {reason.begin(), reason.end()});
  Finish(exchange, reply);
  counters_.Increment(PacketCounter::kNakSent);
  return reply;
}

void Dhcp4Processor::Finish(Exchange& exchange, Reply& reply) const {
  // Relay agent information goes back to the relay unchanged and last
  // (RFC 3046 §2.2).
  if (const auto* rai = exchange.query.GetOption(dhcp::kOptionRelayAgentInfo)) {
    reply.packet.SetOption(dhcp::kOptionRelayAgentInfo, *rai);
  }
  Route(exchange, reply);
}

void Dhcp4Processor::Route(Exchange& exchange, Reply& reply) const {
  const Packet4& q = exchange.query;
  ReplyRoute& route = reply.route;
  route.ifindex = exchange.info.ifindex;
  route.source = ServerIdentifier(exchange.info);
  const bool nak = reply.packet.message_type() == MessageType::kNak;
  if (!q.giaddr.IsZero() && !(q.message_type() == MessageType::kInform && !q.ciaddr.IsZero())) {
    // RFC 2131 §4.1: to the relay, on the server port; a NAK asks the relay
    // to broadcast.
    route.address = q.giaddr;
    route.port = ports_.client != 0 ? ports_.client : dhcp::kServerPort;
    if (nak) reply.packet.flags |= 0x8000;
    return;
  }
  route.port = ports_.client != 0 ? ports_.client : dhcp::kClientPort;
  if (nak) {
    route.address = Ipv4Address(0xffffffff);
  } else if (!q.ciaddr.IsZero()) {
    route.address = q.ciaddr;
  } else if (q.broadcast_flag() || reply.packet.yiaddr.IsZero() || q.hw_address().empty()) {
    route.address = Ipv4Address(0xffffffff);
  } else {
    route.address = reply.packet.yiaddr;
    route.needs_arp_entry = true;
    auto hw = q.hw_address();
    route.hw_address.assign(hw.begin(), hw.end());
  }
}

}  // namespace shoal::server
