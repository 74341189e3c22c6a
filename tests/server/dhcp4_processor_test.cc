// Drives the DHCPv4 pipeline directly (no sockets) with a memory lease store.
#include "server/dhcp4_processor.h"

#include <gtest/gtest.h>

#include <set>

#include "lease_backend/memfile_lease_store.h"
#include "spdlog/sinks/null_sink.h"

namespace shoal::server {
namespace {

using dhcp::Ipv4Address;
using dhcp::MessageType;
using dhcp::Packet4;

Ipv4Address A(const char* text) { return *Ipv4Address::Parse(text); }
std::vector<uint8_t> Bytes(Ipv4Address a) {
  return {uint8_t(a.value() >> 24), uint8_t(a.value() >> 16), uint8_t(a.value() >> 8),
          uint8_t(a.value())};
}

constexpr int64_t kNow = 1'700'000'000;

class ProcessorTest : public ::testing::Test {
 protected:
  ProcessorTest() : log_("test", std::make_shared<spdlog::sinks::null_sink_mt>()) {}

  void SetUp() override {
    config_.subnets.push_back(MakeSubnet());
    Rebuild();
  }

  static config::Subnet4 MakeSubnet() {
    config::Subnet4 s;
    s.id = 1;
    s.prefix = *dhcp::Ipv4Prefix::Parse("192.0.2.0/24");
    s.pools.push_back({.first = A("192.0.2.100"), .last = A("192.0.2.109")});
    s.options.push_back({.code = 3, .name = "routers", .payload = Bytes(A("192.0.2.1"))});
    s.options.push_back(
        {.code = 6, .name = "domain-name-servers", .payload = Bytes(A("192.0.2.53"))});
    s.valid_lifetime = s.min_valid_lifetime = 4000;
    s.max_valid_lifetime = 8000;
    s.renew_timer = 1000;
    s.rebind_timer = 2000;
    return s;
  }

  void Rebuild() {
    if (!store_) {
      store_ = *lease_backend::MemfileLeaseStore::Create({.persist = false});
    }
    auto context = ServingContext::Create(std::make_shared<const config::Config>(config_), store_);
    ASSERT_TRUE(context.ok()) << context.status();
    context_ = *context;
  }

  static Packet4 Query(MessageType type, uint8_t client) {
    Packet4 p;
    p.op = dhcp::kBootRequest;
    p.xid = 0x1000 + client;
    p.chaddr = {0x02, 0, 0, 0, 0, client};
    p.set_message_type(type);
    return p;
  }

  std::optional<Reply> Send(const Packet4& query, int64_t now = kNow) {
    ReceiveInfo info{.ifindex = 7,
                     .interface_name = "veth0",
                     .interface_addresses = {A("192.0.2.1")},
                     .source = Ipv4Address(),
                     .source_port = 68,
                     .destination = Ipv4Address(0xffffffff)};
    return processor_.Process(*context_, query, info, now);
  }

  // DISCOVER + REQUEST; returns the acknowledged address.
  std::optional<Ipv4Address> Lease(uint8_t client) {
    auto offer = Send(Query(MessageType::kDiscover, client));
    if (!offer) return std::nullopt;
    Packet4 request = Query(MessageType::kRequest, client);
    request.SetOption(dhcp::kOptionRequestedAddress, Bytes(offer->packet.yiaddr));
    request.SetOption(dhcp::kOptionServerIdentifier, Bytes(A("192.0.2.1")));
    auto ack = Send(request);
    if (!ack || ack->packet.message_type() != MessageType::kAck) return std::nullopt;
    return ack->packet.yiaddr;
  }

  spdlog::logger log_;
  PacketCounters counters_;
  Dhcp4Processor processor_{counters_, Ports{}, log_};
  config::Config config_;
  std::shared_ptr<lease_backend::LeaseStore> store_;
  std::shared_ptr<ServingContext> context_;
};

TEST_F(ProcessorTest, DiscoverGetsOfferWithConfiguredOptions) {
  Packet4 discover = Query(MessageType::kDiscover, 1);
  discover.SetOption(dhcp::kOptionParameterRequestList, {1, 3, 6});
  auto offer = Send(discover);
  ASSERT_TRUE(offer.has_value());
  const Packet4& p = offer->packet;
  EXPECT_EQ(p.message_type(), MessageType::kOffer);
  EXPECT_EQ(p.op, dhcp::kBootReply);
  EXPECT_EQ(p.xid, discover.xid);
  EXPECT_TRUE(A("192.0.2.100") <= p.yiaddr && p.yiaddr <= A("192.0.2.109"));
  EXPECT_EQ(*p.GetOption(dhcp::kOptionServerIdentifier), Bytes(A("192.0.2.1")));
  EXPECT_EQ(*p.GetOption(dhcp::kOptionRouters), Bytes(A("192.0.2.1")));
  EXPECT_EQ(*p.GetOption(dhcp::kOptionDomainNameServers), Bytes(A("192.0.2.53")));
  EXPECT_EQ(*p.GetOption(dhcp::kOptionSubnetMask), Bytes(A("255.255.255.0")));
  EXPECT_EQ(*p.GetOption(dhcp::kOptionLeaseTime), (std::vector<uint8_t>{0, 0, 0x0f, 0xa0}));
  EXPECT_EQ(*p.GetOption(dhcp::kOptionRenewalTime), (std::vector<uint8_t>{0, 0, 0x03, 0xe8}));
  EXPECT_EQ(*p.GetOption(dhcp::kOptionRebindingTime), (std::vector<uint8_t>{0, 0, 0x07, 0xd0}));
  // No broadcast flag, no ciaddr: unicast to yiaddr after installing an ARP entry.
  EXPECT_TRUE(offer->route.needs_arp_entry);
  EXPECT_EQ(offer->route.address, p.yiaddr);
  EXPECT_EQ(offer->route.port, 68);
  EXPECT_EQ(offer->route.ifindex, 7);
  // Nothing is stored for an offer.
  EXPECT_FALSE((*store_->Get(p.yiaddr)).has_value());
}

TEST_F(ProcessorTest, BroadcastFlagMeansBroadcastReply) {
  Packet4 discover = Query(MessageType::kDiscover, 1);
  discover.flags = 0x8000;
  auto offer = Send(discover);
  ASSERT_TRUE(offer.has_value());
  EXPECT_EQ(offer->route.address, Ipv4Address(0xffffffff));
  EXPECT_FALSE(offer->route.needs_arp_entry);
  EXPECT_EQ(offer->packet.flags, 0x8000);
}

TEST_F(ProcessorTest, TwoClientsAreNotOfferedTheSameAddress) {
  auto a = Send(Query(MessageType::kDiscover, 1));
  auto b = Send(Query(MessageType::kDiscover, 2));
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->packet.yiaddr, b->packet.yiaddr);
  // A repeated DISCOVER gets the same offer.
  auto a2 = Send(Query(MessageType::kDiscover, 1));
  ASSERT_TRUE(a2);
  EXPECT_EQ(a2->packet.yiaddr, a->packet.yiaddr);
}

TEST_F(ProcessorTest, RequestStoresLeaseAndAcks) {
  auto address = Lease(1);
  ASSERT_TRUE(address.has_value());
  auto lease = *store_->Get(*address);
  ASSERT_TRUE(lease.has_value());
  EXPECT_EQ(lease->hwaddr, (std::vector<uint8_t>{0x02, 0, 0, 0, 0, 1}));
  EXPECT_EQ(lease->subnet_id, 1u);
  EXPECT_EQ(lease->valid_lifetime, 4000u);
  EXPECT_EQ(lease->cltt, kNow);
  // The same client discovering again is offered its lease.
  auto again = Send(Query(MessageType::kDiscover, 1));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->packet.yiaddr, *address);
}

TEST_F(ProcessorTest, RequestedLeaseTimeIsClampedToMinMax) {
  Packet4 discover = Query(MessageType::kDiscover, 1);
  discover.SetOption(dhcp::kOptionLeaseTime, {0, 1, 0, 0});  // 65536 s
  auto offer = Send(discover);
  ASSERT_TRUE(offer);
  EXPECT_EQ(*offer->packet.GetOption(dhcp::kOptionLeaseTime),
            (std::vector<uint8_t>{0, 0, 0x1f, 0x40}));  // max-valid-lifetime 8000
}

TEST_F(ProcessorTest, EveryClientGetsADistinctAddressUntilThePoolIsFull) {
  std::set<uint32_t> seen;
  for (uint8_t c = 1; c <= 10; ++c) {
    auto address = Lease(c);
    ASSERT_TRUE(address.has_value()) << int(c);
    EXPECT_TRUE(seen.insert(address->value()).second);
  }
  EXPECT_FALSE(Send(Query(MessageType::kDiscover, 11)).has_value());
  EXPECT_EQ(counters_.Get(PacketCounter::kAckSent), 10);
}

TEST_F(ProcessorTest, RequestForAnotherClientsAddressIsNaked) {
  auto address = Lease(1);
  ASSERT_TRUE(address);
  Packet4 request = Query(MessageType::kRequest, 2);
  request.SetOption(dhcp::kOptionRequestedAddress, Bytes(*address));
  request.SetOption(dhcp::kOptionServerIdentifier, Bytes(A("192.0.2.1")));
  auto nak = Send(request);
  ASSERT_TRUE(nak);
  EXPECT_EQ(nak->packet.message_type(), MessageType::kNak);
  EXPECT_EQ(nak->route.address, Ipv4Address(0xffffffff));
  EXPECT_EQ(nak->packet.yiaddr, Ipv4Address());
}

TEST_F(ProcessorTest, RenewGoesToCiaddrAndExtendsTheLease) {
  auto address = Lease(1);
  ASSERT_TRUE(address);
  Packet4 renew = Query(MessageType::kRequest, 1);
  renew.ciaddr = *address;
  auto ack = Send(renew, kNow + 2000);
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->packet.message_type(), MessageType::kAck);
  EXPECT_EQ(ack->packet.yiaddr, *address);
  EXPECT_EQ(ack->packet.ciaddr, *address);
  EXPECT_EQ(ack->route.address, *address);
  EXPECT_FALSE(ack->route.needs_arp_entry);
  EXPECT_EQ((*store_->Get(*address))->cltt, kNow + 2000);
}

TEST_F(ProcessorTest, InitRebootOfUnknownClientIsIgnoredUnlessAuthoritative) {
  Packet4 reboot = Query(MessageType::kRequest, 5);
  reboot.SetOption(dhcp::kOptionRequestedAddress, Bytes(A("192.0.2.105")));
  EXPECT_FALSE(Send(reboot).has_value());

  config_.subnets[0].authoritative = true;
  Rebuild();
  reboot.SetOption(dhcp::kOptionRequestedAddress, Bytes(A("198.51.100.5")));  // wrong network
  auto nak = Send(reboot);
  ASSERT_TRUE(nak);
  EXPECT_EQ(nak->packet.message_type(), MessageType::kNak);
}

TEST_F(ProcessorTest, InitRebootOfKnownClientIsAcked) {
  auto address = Lease(1);
  ASSERT_TRUE(address);
  Packet4 reboot = Query(MessageType::kRequest, 1);
  reboot.SetOption(dhcp::kOptionRequestedAddress, Bytes(*address));
  auto ack = Send(reboot);
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->packet.message_type(), MessageType::kAck);
  // Asking for a different address than its lease: NAK.
  reboot.SetOption(dhcp::kOptionRequestedAddress, Bytes(A("192.0.2.109")));
  auto nak = Send(reboot);
  ASSERT_TRUE(nak);
  EXPECT_EQ(nak->packet.message_type(), MessageType::kNak);
}

TEST_F(ProcessorTest, SelectingAnotherServerReleasesOurOffer) {
  config_.subnets[0].pools[0].last = A("192.0.2.100");  // one address
  Rebuild();
  auto offer = Send(Query(MessageType::kDiscover, 1));
  ASSERT_TRUE(offer);
  EXPECT_FALSE(Send(Query(MessageType::kDiscover, 2)).has_value());  // held for client 1
  Packet4 elsewhere = Query(MessageType::kRequest, 1);
  elsewhere.SetOption(dhcp::kOptionRequestedAddress, Bytes(A("203.0.113.5")));
  elsewhere.SetOption(dhcp::kOptionServerIdentifier, Bytes(A("203.0.113.1")));
  EXPECT_FALSE(Send(elsewhere).has_value());
  auto second = Send(Query(MessageType::kDiscover, 2));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->packet.yiaddr, A("192.0.2.100"));
}

TEST_F(ProcessorTest, ReleaseFreesTheAddress) {
  auto address = Lease(1);
  ASSERT_TRUE(address);
  Packet4 release = Query(MessageType::kRelease, 1);
  release.ciaddr = *address;
  EXPECT_FALSE(Send(release).has_value());
  EXPECT_FALSE((*store_->Get(*address)).has_value());
  // A release from someone else changes nothing.
  auto again = Lease(1);
  Packet4 spoof = Query(MessageType::kRelease, 9);
  spoof.ciaddr = *again;
  Send(spoof);
  EXPECT_TRUE((*store_->Get(*again)).has_value());
}

TEST_F(ProcessorTest, DeclinePutsAddressInProbation) {
  config_.decline_probation_period = 600;
  Rebuild();
  auto address = Lease(1);
  ASSERT_TRUE(address);
  Packet4 decline = Query(MessageType::kDecline, 1);
  decline.SetOption(dhcp::kOptionRequestedAddress, Bytes(*address));
  decline.SetOption(dhcp::kOptionServerIdentifier, Bytes(A("192.0.2.1")));
  EXPECT_FALSE(Send(decline).has_value());
  auto lease = *store_->Get(*address);
  ASSERT_TRUE(lease.has_value());
  EXPECT_EQ(lease->state, lease_backend::LeaseState::kDeclined);
  EXPECT_TRUE(lease->hwaddr.empty());
  EXPECT_EQ(lease->valid_lifetime, 600u);
  // The client is not offered the declined address again.
  auto offer = Send(Query(MessageType::kDiscover, 1));
  ASSERT_TRUE(offer);
  EXPECT_NE(offer->packet.yiaddr, *address);
}

TEST_F(ProcessorTest, ReservedAddressGoesOnlyToItsHost) {
  config::Reservation r;
  r.identifier = {0x02, 0, 0, 0, 0, 42};
  r.address = A("192.0.2.105");
  r.hostname = "printer";
  config_.subnets[0].reservations.push_back(r);
  Rebuild();
  std::set<uint32_t> others;
  for (uint8_t c = 1; c <= 9; ++c) {
    auto address = Lease(c);
    ASSERT_TRUE(address) << int(c);
    EXPECT_NE(*address, A("192.0.2.105"));
  }
  Packet4 discover = Query(MessageType::kDiscover, 42);
  discover.SetOption(dhcp::kOptionParameterRequestList, {1, 3, 12});
  auto offer = Send(discover);
  ASSERT_TRUE(offer);
  EXPECT_EQ(offer->packet.yiaddr, A("192.0.2.105"));
  const auto* hostname = offer->packet.GetOption(dhcp::kOptionHostName);
  ASSERT_NE(hostname, nullptr);
  EXPECT_EQ(std::string(hostname->begin(), hostname->end()), "printer");
  EXPECT_EQ(Lease(42), A("192.0.2.105"));
}

TEST_F(ProcessorTest, RelayedQueryIsAnsweredToTheRelayWithOption82) {
  Packet4 discover = Query(MessageType::kDiscover, 1);
  discover.giaddr = A("192.0.2.254");
  std::vector<uint8_t> rai = {1, 3, 'c', 'i', 'd'};
  discover.SetOption(dhcp::kOptionRelayAgentInfo, rai);
  auto offer = Send(discover);
  ASSERT_TRUE(offer);
  EXPECT_EQ(offer->route.address, A("192.0.2.254"));
  EXPECT_EQ(offer->route.port, 67);
  EXPECT_EQ(offer->packet.giaddr, A("192.0.2.254"));
  EXPECT_EQ(*offer->packet.GetOption(dhcp::kOptionRelayAgentInfo), rai);
}

TEST_F(ProcessorTest, RelayFromUnknownNetworkIsDropped) {
  Packet4 discover = Query(MessageType::kDiscover, 1);
  discover.giaddr = A("203.0.113.1");
  EXPECT_FALSE(Send(discover).has_value());
  EXPECT_EQ(counters_.Get(PacketCounter::kReceiveDrop), 1);
}

TEST_F(ProcessorTest, InformGetsOptionsButNoLease) {
  Packet4 inform = Query(MessageType::kInform, 1);
  inform.ciaddr = A("192.0.2.50");
  inform.SetOption(dhcp::kOptionParameterRequestList, {3, 6});
  auto ack = Send(inform);
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->packet.message_type(), MessageType::kAck);
  EXPECT_EQ(ack->packet.yiaddr, Ipv4Address());
  EXPECT_EQ(ack->packet.GetOption(dhcp::kOptionLeaseTime), nullptr);
  EXPECT_NE(ack->packet.GetOption(dhcp::kOptionRouters), nullptr);
  EXPECT_EQ(ack->route.address, A("192.0.2.50"));
}

TEST_F(ProcessorTest, ClientIdIdentifiesTheClientWhenMatchClientIdIsOn) {
  Packet4 discover = Query(MessageType::kDiscover, 1);
  discover.SetOption(dhcp::kOptionClientId, {1, 0xaa, 0xbb});
  auto offer = Send(discover);
  ASSERT_TRUE(offer);
  Packet4 request = Query(MessageType::kRequest, 1);
  request.SetOption(dhcp::kOptionClientId, {1, 0xaa, 0xbb});
  request.SetOption(dhcp::kOptionRequestedAddress, Bytes(offer->packet.yiaddr));
  request.SetOption(dhcp::kOptionServerIdentifier, Bytes(A("192.0.2.1")));
  auto ack = Send(request);
  ASSERT_TRUE(ack);
  EXPECT_EQ(*ack->packet.GetOption(dhcp::kOptionClientId), (std::vector<uint8_t>{1, 0xaa, 0xbb}));
  // Same chaddr, different client id: a different client.
  Packet4 other = Query(MessageType::kDiscover, 1);
  other.SetOption(dhcp::kOptionClientId, {1, 0xcc});
  auto offer2 = Send(other);
  ASSERT_TRUE(offer2);
  EXPECT_NE(offer2->packet.yiaddr, offer->packet.yiaddr);
}

TEST_F(ProcessorTest, ExpiredLeaseOfAnotherClientCanBeReused) {
  config_.subnets[0].pools[0].last = A("192.0.2.100");
  Rebuild();
  auto address = Lease(1);
  ASSERT_TRUE(address);
  const int64_t later = kNow + 5000;  // past the 4000 s lifetime
  Packet4 request = Query(MessageType::kRequest, 2);
  request.SetOption(dhcp::kOptionRequestedAddress, Bytes(*address));
  auto ack = Send(request, later);  // INIT-REBOOT, unknown client, non-authoritative: ignored
  EXPECT_FALSE(ack.has_value());
  Packet4 selecting = request;
  selecting.SetOption(dhcp::kOptionServerIdentifier, Bytes(A("192.0.2.1")));
  ack = Send(selecting, later);
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->packet.message_type(), MessageType::kAck);
  EXPECT_EQ((*store_->Get(*address))->hwaddr, (std::vector<uint8_t>{0x02, 0, 0, 0, 0, 2}));
}

TEST_F(ProcessorTest, NonRequestsAreDropped) {
  Packet4 offer = Query(MessageType::kOffer, 1);
  EXPECT_FALSE(Send(offer).has_value());
  Packet4 reply = Query(MessageType::kDiscover, 1);
  reply.op = dhcp::kBootReply;
  EXPECT_FALSE(Send(reply).has_value());
}

}  // namespace
}  // namespace shoal::server

// Reclamation runs against the same context the processor uses.
#include "server/lease_reclaimer.h"

namespace shoal::server {
namespace {

TEST_F(ProcessorTest, ExpiredLeasesAreReclaimedAndTheirAddressesReused) {
  config_.subnets[0].pools[0].last = A("192.0.2.101");  // two addresses
  Rebuild();
  auto first = Lease(1);
  auto second = Lease(2);
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(Send(Query(MessageType::kDiscover, 3)).has_value());  // full

  // Nothing has expired yet.
  auto none = ReclaimLeases(*context_, kNow + 10, /*remove=*/false, 0, log_);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->reclaimed, 0u);

  // Lease affinity: reclaimed leases stay, in state expired-reclaimed.
  const int64_t later = kNow + 5000;
  auto result = ReclaimLeases(*context_, later, /*remove=*/false, 1, log_);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->reclaimed, 1u);  // limited to one per run
  result = ReclaimLeases(*context_, later, /*remove=*/false, 0, log_);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->reclaimed, 1u);
  auto kept = *store_->Get(*first);
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->state, lease_backend::LeaseState::kExpiredReclaimed);

  // A returning client is offered its old address (affinity), and the
  // other address is free again for a new client.
  auto back = Send(Query(MessageType::kDiscover, 1), later);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->packet.yiaddr, *first);
  auto offer = Send(Query(MessageType::kDiscover, 3), later);
  ASSERT_TRUE(offer.has_value());
  EXPECT_EQ(offer->packet.yiaddr, *second);
}

TEST_F(ProcessorTest, ReclaimWithRemoveDeletesOnlyLeasesStillExpired) {
  auto address = Lease(1);
  ASSERT_TRUE(address);
  const int64_t later = kNow + 5000;
  // Another writer (an API command, another node) renews the lease before
  // the reclamation run: it is no longer expired and must stay.
  auto lease = **store_->Get(*address);
  auto renewed = lease;
  renewed.cltt = later;
  ASSERT_TRUE(store_->Update(renewed, lease.expire()).ok());
  auto result = ReclaimLeases(*context_, later, /*remove=*/true, 0, log_);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->reclaimed, 0u);
  EXPECT_TRUE((*store_->Get(*address)).has_value());
  result = ReclaimLeases(*context_, later + 5000, /*remove=*/true, 0, log_);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->reclaimed, 1u);
  EXPECT_FALSE((*store_->Get(*address)).has_value());
}

}  // namespace
}  // namespace shoal::server
