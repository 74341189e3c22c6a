// PacketSocket on the loopback interface: batched receives take what is
// queued, in order, with each datagram's source and destination. Needs
// CAP_NET_RAW (SO_BINDTODEVICE); skipped without it.
#include "server/packet_socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace shoal::server {
namespace {

constexpr uint16_t kPort = 31467;

class PacketSocketTest : public testing::Test {
 protected:
  void SetUp() override {
    auto opened = PacketSocket::Open("lo", dhcp::Ipv4Address(0x7f000001), kPort);
    if (absl::IsPermissionDenied(opened.status())) GTEST_SKIP() << opened.status();
    ASSERT_TRUE(opened.ok()) << opened.status();
    socket_ = std::move(*opened);
    sender_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_GE(sender_, 0);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(sender_, reinterpret_cast<sockaddr*>(&local), sizeof local), 0);
    socklen_t len = sizeof local;
    ASSERT_EQ(getsockname(sender_, reinterpret_cast<sockaddr*>(&local), &len), 0);
    sender_port_ = ntohs(local.sin_port);
  }
  void TearDown() override {
    if (sender_ >= 0) close(sender_);
  }

  void SendDatagram(const std::vector<uint8_t>& bytes) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(kPort);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(sendto(sender_, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&to),
                     sizeof to),
              static_cast<ssize_t>(bytes.size()));
  }

  std::unique_ptr<PacketSocket> socket_;
  int sender_ = -1;
  uint16_t sender_port_ = 0;
};

TEST_F(PacketSocketTest, NothingQueuedIsUnavailable) {
  auto batch = socket_->ReceiveBatch();
  EXPECT_TRUE(absl::IsUnavailable(batch.status())) << batch.status();
}

TEST_F(PacketSocketTest, BatchesTakeEverythingQueuedInOrder) {
  const size_t count = PacketSocket::kBatch + 5;
  for (size_t i = 0; i < count; ++i) {
    SendDatagram(std::vector<uint8_t>(10 + i, static_cast<uint8_t>(i)));
  }
  std::vector<std::vector<uint8_t>> received;
  std::vector<size_t> batch_sizes;
  for (;;) {
    auto batch = socket_->ReceiveBatch();
    if (absl::IsUnavailable(batch.status())) break;
    ASSERT_TRUE(batch.ok()) << batch.status();
    batch_sizes.push_back(batch->size());
    for (const InboundDatagram& d : *batch) {
      received.emplace_back(d.bytes.begin(), d.bytes.end());
      EXPECT_EQ(d.meta.source, dhcp::Ipv4Address(0x7f000001));
      EXPECT_EQ(d.meta.source_port, sender_port_);
      EXPECT_EQ(d.meta.destination, dhcp::Ipv4Address(0x7f000001));
      EXPECT_NE(d.meta.ifindex, 0);
    }
  }
  EXPECT_EQ(batch_sizes, (std::vector<size_t>{PacketSocket::kBatch, 5}));
  ASSERT_EQ(received.size(), count);
  for (size_t i = 0; i < count; ++i) {
    EXPECT_EQ(received[i], std::vector<uint8_t>(10 + i, static_cast<uint8_t>(i))) << i;
  }
}

TEST_F(PacketSocketTest, OversizedDatagramIsCutToTheLargestKept) {
  SendDatagram(std::vector<uint8_t>(PacketSocket::kMaxDatagram + 100, 7));
  auto batch = socket_->ReceiveBatch();
  ASSERT_TRUE(batch.ok()) << batch.status();
  ASSERT_EQ(batch->size(), 1u);
  EXPECT_EQ((*batch)[0].bytes.size(), PacketSocket::kMaxDatagram);
}

}  // namespace
}  // namespace shoal::server
