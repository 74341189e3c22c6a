#include "server/packet_socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace shoal::server {
namespace {

absl::Status Errno(const std::string& what) {
  int e = errno;
  std::string text = absl::StrCat(what, ": ", std::strerror(e));
  if (e == EACCES || e == EPERM) return absl::PermissionDeniedError(text);
  if (e == EADDRINUSE) return absl::AlreadyExistsError(text);
  if (e == EAGAIN || e == EWOULDBLOCK) return absl::UnavailableError(text);
  return absl::InternalError(text);
}

}  // namespace

struct PacketSocket::ReceiveSlots {
  std::array<std::array<uint8_t, kMaxDatagram>, kBatch> buffers;
  std::array<sockaddr_in, kBatch> from;
  std::array<iovec, kBatch> iov;
  struct alignas(cmsghdr) Control {
    char bytes[CMSG_SPACE(sizeof(in_pktinfo))];
  };
  std::array<Control, kBatch> control;
  std::array<mmsghdr, kBatch> messages;
  std::array<InboundDatagram, kBatch> received;
};

PacketSocket::PacketSocket(int fd, std::string interface)
    : fd_(fd), interface_(std::move(interface)), slots_(std::make_unique<ReceiveSlots>()) {}

absl::StatusOr<std::unique_ptr<PacketSocket>> PacketSocket::Open(const std::string& interface,
                                                                 dhcp::Ipv4Address address,
                                                                 uint16_t port) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("socket");
  std::unique_ptr<PacketSocket> sock(new PacketSocket(fd, interface));
  int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one) != 0 ||
      setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one) != 0) {
    return Errno("setsockopt on " + interface);
  }
  int buffer = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);  // best effort
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
  if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, interface.c_str(), interface.size()) != 0) {
    return Errno("cannot bind to interface " + interface);
  }
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  sin.sin_addr.s_addr = htonl(address.value());
  if (bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0) {
    return Errno(absl::StrCat("cannot bind ", address.ToString(), ":", port, " on ", interface));
  }
  return sock;
}

PacketSocket::~PacketSocket() { close(fd_); }

absl::StatusOr<std::span<const InboundDatagram>> PacketSocket::ReceiveBatch() {
  ReceiveSlots& s = *slots_;
  for (size_t i = 0; i < kBatch; ++i) {
    s.iov[i] = {s.buffers[i].data(), kMaxDatagram};
    msghdr& msg = s.messages[i].msg_hdr;
    msg = {};
    msg.msg_name = &s.from[i];
    msg.msg_namelen = sizeof s.from[i];
    msg.msg_iov = &s.iov[i];
    msg.msg_iovlen = 1;
    msg.msg_control = s.control[i].bytes;
    msg.msg_controllen = sizeof s.control[i].bytes;
  }
  const int n = recvmmsg(fd_, s.messages.data(), kBatch, MSG_DONTWAIT, nullptr);
  if (n < 0) return Errno("recvmmsg on " + interface_);
  for (int i = 0; i < n; ++i) {
    msghdr& msg = s.messages[i].msg_hdr;
    s.received[i].bytes = std::span<const uint8_t>(
        s.buffers[i].data(), std::min<size_t>(s.messages[i].msg_len, kMaxDatagram));
    ReceivedDatagram& d = s.received[i].meta;
    d = {};
    d.source = dhcp::Ipv4Address(ntohl(s.from[i].sin_addr.s_addr));
    d.source_port = ntohs(s.from[i].sin_port);
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
        in_pktinfo info;
        std::memcpy(&info, CMSG_DATA(c), sizeof info);
        d.ifindex = info.ipi_ifindex;
        d.destination = dhcp::Ipv4Address(ntohl(info.ipi_addr.s_addr));
      }
    }
  }
  return std::span<const InboundDatagram>(s.received.data(), static_cast<size_t>(n));
}

absl::Status PacketSocket::Send(std::span<const uint8_t> data, dhcp::Ipv4Address destination,
                                uint16_t port, int ifindex, dhcp::Ipv4Address source) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(destination.value());
  iovec iov{const_cast<uint8_t*>(data.data()), data.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in_pktinfo))] = {};
  msghdr msg{};
  msg.msg_name = &to;
  msg.msg_namelen = sizeof to;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = IPPROTO_IP;
  c->cmsg_type = IP_PKTINFO;
  c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
  in_pktinfo info{};
  info.ipi_ifindex = ifindex;
  info.ipi_spec_dst.s_addr = htonl(source.value());
  std::memcpy(CMSG_DATA(c), &info, sizeof info);
  if (sendmsg(fd_, &msg, 0) < 0) {
    return Errno(absl::StrCat("sendmsg to ", destination.ToString(), ":", port));
  }
  return absl::OkStatus();
}

absl::Status PacketSocket::AddArpEntry(dhcp::Ipv4Address address,
                                       std::span<const uint8_t> hw_address) {
  arpreq req{};
  auto* pa = reinterpret_cast<sockaddr_in*>(&req.arp_pa);
  pa->sin_family = AF_INET;
  pa->sin_addr.s_addr = htonl(address.value());
  req.arp_ha.sa_family = ARPHRD_ETHER;
  std::memcpy(req.arp_ha.sa_data, hw_address.data(),
              std::min(hw_address.size(), sizeof req.arp_ha.sa_data));
  req.arp_flags = ATF_COM;
  std::strncpy(req.arp_dev, interface_.c_str(), sizeof req.arp_dev - 1);
  if (ioctl(fd_, SIOCSARP, &req) != 0) return Errno("SIOCSARP for " + address.ToString());
  return absl::OkStatus();
}

}  // namespace shoal::server
