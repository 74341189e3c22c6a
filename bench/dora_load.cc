// dora-load: a lean DHCPv4 load generator for benchmarking a server on
// loopback (bench/dhcp_bench.py, docs/benchmarks.md).
//
// It acts as a relay agent, like `perfdhcp -l 127.0.0.1`: it binds
// <local-address>:<local-port>, and sends every DHCPDISCOVER with
// giaddr = <local-address> to <server>:<server-port>, so the server answers
// to the relay (the server must reply to <local-port>, e.g. run with
// `-P <local-port>`). Each exchange is a new client: chaddr 02:xx:xx:xx:xx:xx
// holds a 40-bit client number counted up from --first-client (default 0),
// so generators running at once with first clients far enough apart (e.g.
// n << 32 for generator n) use disjoint MAC ranges; the xid is random. On a
// DHCPOFFER it sends a DHCPREQUEST (option 50 = yiaddr, option 54 = the
// offer's server identifier) and counts the DHCPACK. An exchange not ACKed
// within --timeout of its DISCOVER counts as dropped; replies arriving later
// are counted as late and ignored.
//
// Modes: --rate N starts N exchanges per second, paced (open loop);
// --window W keeps W exchanges outstanding and starts a new one whenever one
// ends (closed loop, as fast as the server answers).
//
// Cost: one thread, one non-blocking UDP socket, ppoll, recvmmsg/sendmmsg in
// batches, packets built by patching preallocated templates (made once with
// the shoal::dhcp codec); replies are decoded with Packet4::Parse.
//
// Output: `key: value` lines on stdout (or one JSON object with --json).
// Exit status: 0 on a completed run, 1 on a setup or socket error, 2 on bad
// arguments, 3 if an address was ACKed to two different clients or an ACK
// carried another address than the one offered.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "dhcp/ipv4_address.h"
#include "dhcp/option_codes.h"
#include "dhcp/packet4.h"

namespace {

using shoal::dhcp::Ipv4Address;
using shoal::dhcp::MessageType;
using shoal::dhcp::Packet4;

constexpr size_t kBufferSize = 1500;  // one datagram, sent or received
constexpr uint8_t kChaddrTag = 0x02;  // locally administered MAC prefix
// Client numbers fill chaddr[1..5] and wrap at 2^40.
constexpr uint64_t kClientMask = (uint64_t{1} << 40) - 1;

struct Options {
  std::string server = "127.0.0.1";
  int server_port = 67;
  std::string local = "127.0.0.1";
  int local_port = 68;
  double rate = 0;      // exchanges started per second (open loop)
  uint32_t window = 0;  // exchanges outstanding (closed loop)
  double duration = 10;
  double timeout = 1;
  uint32_t batch = 64;
  int rcvbuf = 8 << 20;
  std::optional<uint64_t> seed;
  uint64_t first_client = 0;  // client number (chaddr[1..5]) of the first exchange
  bool json = false;
};

constexpr const char* kUsage =
    "usage: dora-load (--rate N | --window W) [options]\n"
    "  --rate N          start N DORA exchanges per second, paced (open loop)\n"
    "  --window W        keep W exchanges outstanding (closed loop)\n"
    "  --duration S      seconds to start exchanges for (default 10)\n"
    "  --timeout S       an exchange not ACKed within S s of its DISCOVER is\n"
    "                    dropped (default 1)\n"
    "  --server A        server address (default 127.0.0.1)\n"
    "  --server-port P   server port (default 67)\n"
    "  --local A         relay address: bound and sent as giaddr (default 127.0.0.1)\n"
    "  --local-port P    port to bind; the server must reply to it (default 68)\n"
    "  --batch N         datagrams per recvmmsg/sendmmsg (default 64)\n"
    "  --rcvbuf BYTES    socket receive buffer (default 8388608)\n"
    "  --seed N          xid random seed (default: random)\n"
    "  --first-client N  client number of the first exchange: chaddr is 02 and\n"
    "                    then N, N+1, ... as 5 bytes (default 0); give\n"
    "                    generators running at once disjoint ranges\n"
    "  --json            print one JSON object instead of key: value lines\n";

[[noreturn]] void UsageError(const std::string& message) {
  std::fprintf(stderr, "dora-load: %s\n%s", message.c_str(), kUsage);
  std::exit(2);
}

double ParseNumber(const std::string& flag, const std::string& text, double min, double max) {
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno != 0 || !(v >= min && v <= max)) {
    UsageError(flag + " expects a number from " + std::to_string(min) + " to " +
               std::to_string(max) + ", got '" + text + "'");
  }
  return v;
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    std::string value;
    const bool takes_value = flag != "--json" && flag != "--help" && flag != "-h";
    if (const size_t eq = flag.find('='); eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag.resize(eq);
    } else if (takes_value) {
      if (i + 1 >= argc) UsageError(flag + " expects a value");
      value = argv[++i];
    }
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (flag == "--json") {
      o.json = true;
    } else if (flag == "--rate") {
      o.rate = ParseNumber(flag, value, 1, 1e7);
    } else if (flag == "--window") {
      o.window = uint32_t(ParseNumber(flag, value, 1, 1 << 20));
    } else if (flag == "--duration") {
      o.duration = ParseNumber(flag, value, 0.01, 86400);
    } else if (flag == "--timeout") {
      o.timeout = ParseNumber(flag, value, 0.001, 60);
    } else if (flag == "--server") {
      o.server = value;
    } else if (flag == "--server-port") {
      o.server_port = int(ParseNumber(flag, value, 1, 65535));
    } else if (flag == "--local") {
      o.local = value;
    } else if (flag == "--local-port") {
      o.local_port = int(ParseNumber(flag, value, 1, 65535));
    } else if (flag == "--batch") {
      o.batch = uint32_t(ParseNumber(flag, value, 1, 1024));
    } else if (flag == "--rcvbuf") {
      o.rcvbuf = int(ParseNumber(flag, value, 4096, 1 << 30));
    } else if (flag == "--seed") {
      o.seed = uint64_t(ParseNumber(flag, value, 0, 1e15));
    } else if (flag == "--first-client") {
      o.first_client = uint64_t(ParseNumber(flag, value, 0, double(kClientMask)));
    } else {
      UsageError("unknown option '" + flag + "'");
    }
  }
  if ((o.rate > 0) == (o.window > 0)) UsageError("give exactly one of --rate and --window");
  return o;
}

int64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

// Offset of the data of option `code` in a serialized packet without overload.
size_t OptionDataOffset(const std::vector<uint8_t>& wire, uint8_t code) {
  size_t pos = Packet4::kOptionsOffset;
  while (pos + 1 < wire.size() && wire[pos] != shoal::dhcp::kOptionEnd) {
    if (wire[pos] == code) return pos + 2;
    pos += wire[pos] == shoal::dhcp::kOptionPad ? 1 : 2 + wire[pos + 1];
  }
  std::fprintf(stderr, "dora-load: internal error: option %u missing from a template\n", code);
  std::exit(1);
}

void Put32(uint8_t* p, uint32_t v) {
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

// The DISCOVER and REQUEST templates and where to patch them.
struct Templates {
  std::vector<uint8_t> discover;
  std::vector<uint8_t> request;
  size_t requested_address = 0;  // option 50 data in `request`
  size_t server_id = 0;          // option 54 data in `request`
  static constexpr size_t kXid = 4;
  static constexpr size_t kChaddr = 28;
};

Templates MakeTemplates(Ipv4Address relay) {
  Packet4 p;
  p.op = shoal::dhcp::kBootRequest;
  p.hops = 1;
  p.giaddr = relay;
  p.chaddr[0] = kChaddrTag;
  p.set_message_type(MessageType::kDiscover);
  p.SetOption(shoal::dhcp::kOptionParameterRequestList, {1, 3, 6, 15, 28, 51, 54, 58, 59});
  Templates t;
  t.discover = *p.Serialize();
  p.set_message_type(MessageType::kRequest);
  p.SetOption(shoal::dhcp::kOptionRequestedAddress, {0, 0, 0, 0});
  p.SetOption(shoal::dhcp::kOptionServerIdentifier, {0, 0, 0, 0});
  t.request = *p.Serialize();
  t.requested_address = OptionDataOffset(t.request, shoal::dhcp::kOptionRequestedAddress);
  t.server_id = OptionDataOffset(t.request, shoal::dhcp::kOptionServerIdentifier);
  return t;
}

enum class State : uint8_t { kDiscoverSent, kRequestSent, kAcked, kNaked, kDropped };

struct Exchange {
  int64_t start_ns = 0;
  uint32_t xid = 0;
  uint32_t offered = 0;  // yiaddr of the OFFER, host order
  State state = State::kDiscoverSent;
};

struct Counters {
  uint64_t started = 0;
  uint64_t completed = 0;
  uint64_t dropped_no_offer = 0;
  uint64_t dropped_no_ack = 0;
  uint64_t naks = 0;
  uint64_t non_unique = 0;
  uint64_t ack_mismatch = 0;
  uint64_t late = 0;          // replies for an exchange already ended
  uint64_t unexpected = 0;    // unparseable, foreign or out-of-state replies
  uint64_t send_errors = 0;   // datagrams the kernel refused to send
  uint64_t socket_drops = 0;  // kernel drops at our socket (SO_RXQ_OVFL)
};

// Round-trip times DISCOVER -> ACK in 10 µs buckets up to the timeout.
class Latency {
 public:
  explicit Latency(double timeout_s) : buckets_(size_t(timeout_s * 1e5) + 2, 0) {}
  void Add(int64_t ns) {
    sum_ns_ += ns;
    max_ns_ = std::max(max_ns_, ns);
    ++count_;
    ++buckets_[std::min(size_t(ns / 10000), buckets_.size() - 1)];
  }
  double AvgUs() const { return count_ ? sum_ns_ / 1e3 / count_ : 0; }
  double MaxUs() const { return max_ns_ / 1e3; }
  // Upper edge of the bucket holding quantile q.
  double QuantileUs(double q) const {
    if (count_ == 0) return 0;
    const uint64_t rank = uint64_t(std::ceil(q * count_));
    uint64_t seen = 0;
    for (size_t i = 0; i < buckets_.size(); ++i) {
      seen += buckets_[i];
      if (seen >= rank) return (i + 1) * 10.0;
    }
    return MaxUs();
  }

 private:
  std::vector<uint32_t> buckets_;
  uint64_t count_ = 0;
  int64_t sum_ns_ = 0;
  int64_t max_ns_ = 0;
};

class Generator {
 public:
  Generator(const Options& o, int fd, sockaddr_in server, Ipv4Address relay)
      : o_(o),
        fd_(fd),
        server_(server),
        templates_(MakeTemplates(relay)),
        rng_(o.seed ? *o.seed : std::random_device{}()),
        latency_(o.timeout),
        out_bufs_(o.batch),
        out_iov_(o.batch),
        out_msgs_(o.batch),
        in_bufs_(o.batch),
        in_iov_(o.batch),
        in_msgs_(o.batch),
        in_ctrl_(o.batch) {
    const double expected = o.rate > 0 ? o.rate * o.duration * 1.05 + 1024 : 1 << 20;
    exchanges_.reserve(size_t(expected));
    leases_.reserve(size_t(expected));
    for (uint32_t i = 0; i < o.batch; ++i) {
      out_iov_[i] = {out_bufs_[i].data(), 0};
      out_msgs_[i].msg_hdr = {};
      out_msgs_[i].msg_hdr.msg_name = &server_;
      out_msgs_[i].msg_hdr.msg_namelen = sizeof(server_);
      out_msgs_[i].msg_hdr.msg_iov = &out_iov_[i];
      out_msgs_[i].msg_hdr.msg_iovlen = 1;
      in_iov_[i] = {in_bufs_[i].data(), kBufferSize};
    }
  }

  void Run() {
    const int64_t timeout_ns = int64_t(o_.timeout * 1e9);
    t0_ = NowNs();
    const int64_t end_send = t0_ + int64_t(o_.duration * 1e9);
    for (;;) {
      int64_t now = NowNs();
      if (now < end_send) StartDue(now);
      Flush();
      // Exchanges end in start order at the latest, so expiring is a sweep.
      while (sweep_ < exchanges_.size()) {
        Exchange& e = exchanges_[sweep_];
        if (e.state == State::kDiscoverSent || e.state == State::kRequestSent) {
          if (e.start_ns + timeout_ns > now) break;
          ++(e.state == State::kDiscoverSent ? c_.dropped_no_offer : c_.dropped_no_ack);
          e.state = State::kDropped;
          --outstanding_;
        }
        ++sweep_;
      }
      if (now >= end_send && outstanding_ == 0) break;
      // Sleep until a reply, the next paced start, or the oldest deadline.
      int64_t wake = now + 100000000;
      if (now < end_send) {
        wake = std::min(wake, o_.rate > 0 ? NextStartNs() : end_send);
      }
      if (sweep_ < exchanges_.size()) {
        wake = std::min(wake, exchanges_[sweep_].start_ns + timeout_ns);
      }
      const int64_t wait = std::max<int64_t>(0, wake - now);
      timespec ts{time_t(wait / 1000000000), long(wait % 1000000000)};
      pollfd pfd{fd_, POLLIN, 0};
      const int n = ppoll(&pfd, 1, &ts, nullptr);
      if (n < 0 && errno != EINTR) {
        std::perror("dora-load: ppoll");
        std::exit(1);
      }
      if (n > 0 && (pfd.revents & POLLIN)) Receive();
    }
    end_ = NowNs();
  }

  void Report() const {
    const double duration = o_.duration;
    const uint64_t dropped = c_.started - c_.completed;
    struct Item {
      const char* key;
      std::string value;
    };
    auto num = [](double v, int decimals) {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
      return std::string(buf);
    };
    const std::vector<Item> items = {
        {"mode", o_.rate > 0 ? "\"rate\"" : "\"window\""},
        {"rate", num(o_.rate, 0)},
        {"window", std::to_string(o_.window)},
        {"first-client", std::to_string(o_.first_client)},
        {"duration-s", num(duration, 3)},
        {"elapsed-s", num((end_ - t0_) / 1e9, 3)},
        {"started", std::to_string(c_.started)},
        {"completed", std::to_string(c_.completed)},
        {"dropped", std::to_string(dropped)},
        {"dropped-no-offer", std::to_string(c_.dropped_no_offer)},
        {"dropped-no-ack", std::to_string(c_.dropped_no_ack)},
        {"naks", std::to_string(c_.naks)},
        {"started-per-s", num(c_.started / duration, 1)},
        {"completed-per-s", num(c_.completed / duration, 1)},
        {"drop-percent", num(c_.started ? 100.0 * dropped / c_.started : 100.0, 3)},
        {"non-unique", std::to_string(c_.non_unique)},
        {"ack-mismatch", std::to_string(c_.ack_mismatch)},
        {"late-replies", std::to_string(c_.late)},
        {"unexpected-replies", std::to_string(c_.unexpected)},
        {"send-errors", std::to_string(c_.send_errors)},
        {"socket-drops", std::to_string(c_.socket_drops)},
        {"latency-avg-us", num(latency_.AvgUs(), 1)},
        {"latency-p50-us", num(latency_.QuantileUs(0.5), 0)},
        {"latency-p99-us", num(latency_.QuantileUs(0.99), 0)},
        {"latency-max-us", num(latency_.MaxUs(), 0)},
    };
    if (o_.json) {
      std::printf("{");
      for (size_t i = 0; i < items.size(); ++i) {
        std::printf("%s\"%s\": %s", i ? ", " : "", items[i].key, items[i].value.c_str());
      }
      std::printf("}\n");
    } else {
      for (const Item& item : items) {
        std::string v = item.value;
        if (!v.empty() && v.front() == '"') v = v.substr(1, v.size() - 2);
        std::printf("%s: %s\n", item.key, v.c_str());
      }
    }
  }

  bool Correct() const { return c_.non_unique == 0 && c_.ack_mismatch == 0; }

 private:
  int64_t NextStartNs() const { return t0_ + int64_t(c_.started * 1e9 / o_.rate); }

  void StartDue(int64_t now) {
    if (o_.rate > 0) {
      while (NextStartNs() <= now) Start(now);
    } else {
      while (outstanding_ < o_.window) Start(now);
    }
  }

  void Start(int64_t now) {
    const uint64_t index = exchanges_.size();
    Exchange& e = exchanges_.emplace_back();
    e.start_ns = now;
    e.xid = uint32_t(rng_());
    uint8_t* p = Queue(templates_.discover);
    Put32(p + Templates::kXid, e.xid);
    PutChaddr(p, o_.first_client + index);
    ++c_.started;
    ++outstanding_;
  }

  // Writes client number `client` (low 40 bits) into chaddr[1..5].
  static void PutChaddr(uint8_t* p, uint64_t client) {
    for (int i = 0; i < 5; ++i) p[Templates::kChaddr + 5 - i] = uint8_t(client >> (8 * i));
  }

  // Copies a template into the next send slot (flushing when full).
  uint8_t* Queue(const std::vector<uint8_t>& tmpl) {
    if (out_count_ == o_.batch) Flush();
    uint8_t* p = out_bufs_[out_count_].data();
    std::memcpy(p, tmpl.data(), tmpl.size());
    out_iov_[out_count_].iov_len = tmpl.size();
    ++out_count_;
    return p;
  }

  void Flush() {
    uint32_t done = 0;
    while (done < out_count_) {
      const int n = sendmmsg(fd_, &out_msgs_[done], out_count_ - done, 0);
      if (n > 0) {
        done += n;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)) {
        pollfd pfd{fd_, POLLOUT, 0};
        poll(&pfd, 1, 10);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else {
        ++c_.send_errors;  // this datagram is lost; its exchange times out
        ++done;
      }
    }
    out_count_ = 0;
  }

  void Receive() {
    for (;;) {
      for (uint32_t i = 0; i < o_.batch; ++i) {
        msghdr& h = in_msgs_[i].msg_hdr;
        h = {};
        h.msg_iov = &in_iov_[i];
        h.msg_iovlen = 1;
        h.msg_control = in_ctrl_[i].data();
        h.msg_controllen = in_ctrl_[i].size();
      }
      const int n = recvmmsg(fd_, in_msgs_.data(), o_.batch, MSG_DONTWAIT, nullptr);
      if (n <= 0) break;
      const int64_t now = NowNs();
      for (int i = 0; i < n; ++i) {
        Handle(std::span<const uint8_t>(in_bufs_[i].data(), in_msgs_[i].msg_len), now);
        ReadDropCounter(in_msgs_[i].msg_hdr);
      }
      // Refill the window at once in closed loop, sent with the REQUESTs.
      if (o_.window > 0 && now < t0_ + int64_t(o_.duration * 1e9)) StartDue(now);
      Flush();
      if (uint32_t(n) < o_.batch) break;
    }
  }

  void ReadDropCounter(msghdr& h) {
    for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) {
        uint32_t drops;
        std::memcpy(&drops, CMSG_DATA(c), sizeof(drops));
        c_.socket_drops = std::max<uint64_t>(c_.socket_drops, drops);
      }
    }
  }

  void Handle(std::span<const uint8_t> wire, int64_t now) {
    auto parsed = Packet4::Parse(wire);
    if (!parsed.ok() || parsed->op != shoal::dhcp::kBootReply || parsed->hlen != 6 ||
        parsed->chaddr[0] != kChaddrTag) {
      ++c_.unexpected;
      return;
    }
    const Packet4& p = *parsed;
    uint64_t client = 0;
    for (int i = 1; i <= 5; ++i) client = client << 8 | p.chaddr[i];
    const uint64_t index = (client - o_.first_client) & kClientMask;  // wraps like PutChaddr
    if (index >= exchanges_.size() || exchanges_[index].xid != p.xid) {
      ++c_.unexpected;
      return;
    }
    Exchange& e = exchanges_[index];
    if (e.state == State::kDropped) {
      ++c_.late;
      return;
    }
    const MessageType type = p.message_type();
    if (type == MessageType::kOffer && e.state == State::kDiscoverSent) {
      const std::vector<uint8_t>* server_id = p.GetOption(shoal::dhcp::kOptionServerIdentifier);
      if (server_id == nullptr || server_id->size() != 4 || p.yiaddr.IsZero()) {
        ++c_.unexpected;  // an unusable OFFER: the exchange will time out
        return;
      }
      e.offered = p.yiaddr.value();
      e.state = State::kRequestSent;
      uint8_t* r = Queue(templates_.request);
      Put32(r + Templates::kXid, e.xid);
      PutChaddr(r, o_.first_client + index);
      Put32(r + templates_.requested_address, e.offered);
      std::memcpy(r + templates_.server_id, server_id->data(), 4);
    } else if (type == MessageType::kAck && e.state == State::kRequestSent) {
      e.state = State::kAcked;
      --outstanding_;
      ++c_.completed;
      latency_.Add(now - e.start_ns);
      if (p.yiaddr.value() != e.offered) ++c_.ack_mismatch;
      auto [it, inserted] = leases_.try_emplace(p.yiaddr.value(), index);
      if (!inserted && it->second != index) ++c_.non_unique;
    } else if (type == MessageType::kNak && e.state == State::kRequestSent) {
      e.state = State::kNaked;
      --outstanding_;
      ++c_.naks;
    } else {
      ++c_.unexpected;
    }
  }

  const Options& o_;
  const int fd_;
  sockaddr_in server_;
  const Templates templates_;
  std::mt19937_64 rng_;
  Latency latency_;
  Counters c_;
  std::vector<Exchange> exchanges_;                 // index = client number - first
  absl::flat_hash_map<uint32_t, uint64_t> leases_;  // ACKed address -> client
  size_t sweep_ = 0;                                // oldest exchange maybe open
  uint32_t outstanding_ = 0;
  int64_t t0_ = 0;
  int64_t end_ = 0;

  std::vector<std::array<uint8_t, kBufferSize>> out_bufs_;
  std::vector<iovec> out_iov_;
  std::vector<mmsghdr> out_msgs_;
  uint32_t out_count_ = 0;
  std::vector<std::array<uint8_t, kBufferSize>> in_bufs_;
  std::vector<iovec> in_iov_;
  std::vector<mmsghdr> in_msgs_;
  std::vector<std::array<uint8_t, CMSG_SPACE(sizeof(uint32_t))>> in_ctrl_;
};

sockaddr_in MakeAddress(const std::string& text, int port, const char* what) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(uint16_t(port));
  if (inet_pton(AF_INET, text.c_str(), &a.sin_addr) != 1) {
    UsageError(std::string(what) + " expects a dotted-quad IPv4 address, got '" + text + "'");
  }
  return a;
}

int OpenSocket(const Options& o) {
  const sockaddr_in local = MakeAddress(o.local, o.local_port, "--local");
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    std::perror("dora-load: socket");
    std::exit(1);
  }
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one));
  // SO_RCVBUFFORCE passes the rmem_max limit when privileged.
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &o.rcvbuf, sizeof(o.rcvbuf)) != 0) {
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &o.rcvbuf, sizeof(o.rcvbuf));
  }
  if (bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof(local)) != 0) {
    std::fprintf(stderr, "dora-load: cannot bind %s:%d: %s\n", o.local.c_str(), o.local_port,
                 std::strerror(errno));
    std::exit(1);
  }
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = ParseArgs(argc, argv);
  const sockaddr_in server = MakeAddress(o.server, o.server_port, "--server");
  const int fd = OpenSocket(o);  // validates --local
  const Ipv4Address relay = *Ipv4Address::Parse(o.local);
  prctl(PR_SET_TIMERSLACK, 1UL);  // pace starts to the microsecond, not 50 µs
  Generator g(o, fd, server, relay);
  g.Run();
  g.Report();
  return g.Correct() ? 0 : 3;
}
