#include "server/dhcp4_server.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <future>
#include <random>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/posix/stream_descriptor.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/signal_set.hpp"
#include "boost/asio/steady_timer.hpp"
#include "config/dhcp4_parser.h"
#include "lease_backend/memfile_lease_store.h"
#include "server/lease_reclaimer.h"

namespace shoal::server {
namespace {

// Messages waiting for one worker beyond which new ones are dropped, so a
// flood cannot grow memory without bound (clients retransmit).
constexpr int kMaxPendingPerWorker = 4096;
// DHCPREQUESTs get room beyond that (see HandleDatagram).
constexpr int kMaxPendingRequestsPerWorker = 2 * kMaxPendingPerWorker;
// Messages one worker keeps in flight (each on a fiber, most of them waiting
// on the lease database); more wait for a slot. A message stays in flight
// for a database round or two (each up to the batching linger, 10 ms), so
// this bounds a worker's rate to about itself / that time: 512 held one
// MariaDB node below 21000 DORA/s with CPU to spare. Fiber stacks are
// pooled, touched only as deep as a message goes.
constexpr size_t kMaxInFlightPerWorker = 2048;
// A message that waited longer than this for its worker is dropped unseen:
// past capacity the backlog would otherwise grow until every answer came
// too late for its client and none completed; dropping what is stale keeps
// the server answering fresh messages at its full rate (clients retransmit).
constexpr std::chrono::milliseconds kMaxQueueWait(500);
// Datagrams taken per wakeup at most, so that other handlers (resumed
// fibers, timers) get their turn under a flood.
constexpr size_t kMaxReadsPerWakeup = 256;
// The dhcp-disable origin used while the lease database is unreachable.
constexpr char kDatabaseOrigin[] = "db-connection";

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

// This run of this node, as "hostname/pid/random hex": unique among the
// nodes sharing a lease database.
std::string RunName() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return absl::StrCat(
      std::string(host).substr(0, 64), "/", getpid(), "/",
      absl::Hex(absl::HashOf(std::chrono::steady_clock::now().time_since_epoch().count(),
                             std::random_device{}())));
}

// Where this node starts searching pools: spread over the pool when the lease
// store is shared, so nodes rarely pick the same address at the same time.
uint64_t AllocationSeed(const config::DatabaseConfig& leases) {
  return leases.type == "memfile" ? 0 : absl::HashOf(RunName());
}

// Opens the hosts databases and waits a little for their reservations, so
// that a node does not offer a reserved address because it has not read the
// reservation yet. A database that does not answer in time is loaded later;
// the node serves meanwhile (docs/hosts-sql.md).
absl::StatusOr<std::shared_ptr<host_backend::HostDatabases>> OpenHostDatabases(
    const std::vector<config::DatabaseConfig>& databases, std::shared_ptr<spdlog::logger> log) {
  constexpr absl::Duration kLoadWait = absl::Seconds(5);
  auto opened = host_backend::HostDatabases::Open(databases, log);
  if (!opened.ok()) return opened.status();
  if (!(*opened)->WaitLoaded(kLoadWait)) {
    log->warn("hosts database not loaded after {} s ({}): serving without its reservations "
              "until it is", absl::ToInt64Seconds(kLoadWait), (*opened)->state());
  }
  return opened;
}

// This node's address blocks on a lease store shared with other nodes;
// null for a store only this node uses. `background` runs its top-up claims.
std::shared_ptr<BlockClaimer> MakeClaimer(std::shared_ptr<lease_backend::LeaseStore> store,
                                          BlockClaimer::Background background) {
  if (store->block_claims() == nullptr) return nullptr;
  return std::make_shared<BlockClaimer>(std::move(store), RunName(), BlockClaimerOptions{},
                                        std::move(background));
}

// Worker threads when the configuration does not say: none, the I/O thread
// processes every message itself. With memfile a message never waits on
// I/O; with a SQL store it runs as a fiber on the I/O thread (FiberWorker)
// and parks while it waits on the database, so one thread keeps hundreds of
// messages in flight without a thread hand-off or context switch per
// message (each hand-off cost more CPU than processing the message).
constexpr size_t kDefaultWorkers = 1;

bool SameLeaseDatabase(const config::DatabaseConfig& a, const config::DatabaseConfig& b) {
  return a.type == b.type && a.name == b.name && a.persist == b.persist && a.raw == b.raw;
}

}  // namespace

struct Dhcp4Server::ListenSocket {
  ListenSocket(boost::asio::io_context& io, std::unique_ptr<PacketSocket> s, int index,
               std::optional<dhcp::Ipv4Address> address)
      : socket(std::move(s)),
        descriptor(io, dup(socket->fd())),
        ifindex(index),
        configured_address(address) {}
  std::unique_ptr<PacketSocket> socket;
  boost::asio::posix::stream_descriptor descriptor;
  int ifindex;
  std::optional<dhcp::Ipv4Address> configured_address;  // Kea's "eth0/192.0.2.1"
  bool receiving = false;                               // I/O thread only
};

Dhcp4Server::Dhcp4Server(ServerOptions options, const BackendRegistry& backends,
                         std::shared_ptr<spdlog::logger> log)
    : options_(std::move(options)),
      backends_(backends),
      log_(std::move(log)),
      processor_(counters_, options_.ports, *log_) {}

Dhcp4Server::~Dhcp4Server() {
  io_.stop();
  maintenance_.stop();
  health_.stop();
  for (auto& w : workers_) w->Stop();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

absl::StatusOr<std::unique_ptr<Dhcp4Server>> Dhcp4Server::Create(
    ServerOptions options, std::shared_ptr<const config::Config> config,
    const BackendRegistry& backends, std::shared_ptr<spdlog::logger> log) {
  std::unique_ptr<Dhcp4Server> server(new Dhcp4Server(std::move(options), backends, log));
  auto leases = backends.OpenLeaseStore(config->lease_database);
  if (!leases.ok()) return leases.status();
  auto hosts = OpenHostDatabases(config->hosts_databases, log);
  if (!hosts.ok()) return hosts.status();
  server->host_databases_.store(*hosts);
  auto context = ServingContext::Create(config, *leases, AllocationSeed(config->lease_database),
                                        nullptr, MakeClaimer(*leases, server->Background()),
                                        nullptr, {(*hosts)->caches(), log});
  if (!context.ok()) return context.status();
  server->context_.store(*context);
  auto interfaces = InterfaceTable::Load();
  if (!interfaces.ok()) return interfaces.status();
  server->interfaces_.store(std::make_shared<const InterfaceTable>(std::move(*interfaces)));
  if (absl::Status s = server->OpenSockets(*config); !s.ok()) return s;

  size_t workers = server->options_.workers;
  if (workers == 0) workers = kDefaultWorkers;
  // One thread: the I/O thread processes messages itself; a SQL store's
  // messages need fibers there, since one waiting on the database must not
  // hold up every other.
  if (workers > 1) {
    for (size_t i = 0; i < workers; ++i) {
      server->workers_.push_back(std::make_unique<FiberWorker>(kMaxInFlightPerWorker));
    }
  } else if (config->lease_database.type != "memfile") {
    server->workers_.push_back(std::make_unique<FiberWorker>(server->io_, kMaxInFlightPerWorker));
  }
  server->start_time_ = server->reconfigure_time_ = Now();
  return server;
}

absl::Status Dhcp4Server::OpenSockets(const config::Config& config) {
  auto table = interfaces_.load();
  struct Wanted {
    const NetworkInterface* interface;
    std::optional<dhcp::Ipv4Address> address;
  };
  std::vector<Wanted> wanted;
  std::vector<std::string> errors;
  for (const config::InterfaceSpec& spec : config.interfaces.interfaces) {
    if (spec.name == "*") {
      for (const NetworkInterface& i : table->all()) {
        if (i.up && !i.loopback && !i.addresses.empty()) wanted.push_back({&i, std::nullopt});
      }
      continue;
    }
    const NetworkInterface* i = table->FindByName(spec.name);
    if (i == nullptr) {
      std::string error = "interface '" + spec.name + "' does not exist";
      log_->warn("interfaces-config: {}; not listening on it", error);
      errors.push_back(error);
      continue;
    }
    wanted.push_back({i, spec.address});
  }
  // Open what is new first; on failure nothing changes. An unchanged socket
  // stays open, so no message queued on it is lost.
  std::vector<std::shared_ptr<ListenSocket>> opened;
  for (const Wanted& w : wanted) {
    auto kept = std::find_if(sockets_.begin(), sockets_.end(), [&](const auto& s) {
      return s->socket->interface() == w.interface->name && s->ifindex == w.interface->index &&
             s->configured_address == w.address;
    });
    if (kept != sockets_.end()) {
      opened.push_back(*kept);
      continue;
    }
    auto socket = PacketSocket::Open(w.interface->name, dhcp::Ipv4Address(), options_.ports.server);
    if (!socket.ok()) {
      return absl::Status(socket.status().code(),
                          absl::StrCat("cannot listen for DHCPv4 on ", w.interface->name, ": ",
                                       socket.status().message()));
    }
    opened.push_back(
        std::make_shared<ListenSocket>(io_, std::move(*socket), w.interface->index, w.address));
    log_->info("listening on {} port {}", w.interface->name, options_.ports.server);
  }
  for (auto& old : sockets_) {
    if (std::find(opened.begin(), opened.end(), old) == opened.end()) {
      old->descriptor.cancel();  // no longer wanted
    }
  }
  if (opened.empty()) {
    log_->warn(
        "no interface to listen on: check interfaces-config; the node answers commands only");
  }
  sockets_ = std::move(opened);
  std::lock_guard lock(service_mu_);
  socket_errors_ = std::move(errors);
  return absl::OkStatus();
}

void Dhcp4Server::StartReceiving(const std::shared_ptr<ListenSocket>& socket) {
  if (socket->receiving) return;
  socket->receiving = true;
  WaitForDatagrams(socket);
}

void Dhcp4Server::WaitForDatagrams(const std::shared_ptr<ListenSocket>& socket) {
  socket->descriptor.async_wait(boost::asio::posix::descriptor_base::wait_read,
                                [this, socket](const boost::system::error_code& ec) {
                                  if (ec) return;  // cancelled: the socket was replaced
                                  DrainSocket(socket);
                                  WaitForDatagrams(socket);
                                });
}

void Dhcp4Server::DrainSocket(const std::shared_ptr<ListenSocket>& socket) {
  for (size_t taken = 0; taken < kMaxReadsPerWakeup;) {
    auto batch = socket->socket->ReceiveBatch();
    if (!batch.ok()) {
      if (!absl::IsUnavailable(batch.status())) log_->warn("{}", batch.status().ToString());
      return;
    }
    for (const InboundDatagram& datagram : *batch) {
      HandleDatagram(socket, datagram.bytes, datagram.meta);
    }
    if (batch->size() < PacketSocket::kBatch) return;  // nothing more queued
    taken += batch->size();
  }
}

void Dhcp4Server::HandleDatagram(const std::shared_ptr<ListenSocket>& socket,
                                 std::span<const uint8_t> data, const ReceivedDatagram& meta) {
  if (workers_.empty()) {  // one thread: process here, no hand-off
    ProcessDatagram(*socket, data, meta);
    return;
  }
  // Route by chaddr (bytes 28..43) so one client's messages stay in order.
  const uint64_t client =
      data.size() >= 44
          ? absl::HashOf(std::string_view(reinterpret_cast<const char*>(data.data()) + 28, 16))
          : 0;
  FiberWorker& worker = *workers_[client % workers_.size()];
  // Past capacity, a DHCPREQUEST finishes an exchange whose first half was
  // already paid for, while any other message starts new work: requests
  // jump the queue and are shed last, so an overloaded server completes
  // the exchanges it can instead of half of many.
  const bool request = dhcp::PeekMessageType(data) == dhcp::MessageType::kRequest;
  if (worker.pending() >= (request ? kMaxPendingRequestsPerWorker : kMaxPendingPerWorker)) {
    counters_.Increment(PacketCounter::kReceived);
    counters_.Increment(PacketCounter::kReceiveDrop);
    return;
  }
  worker.Submit(
      client,
      [this, socket, copy = std::vector<uint8_t>(data.begin(), data.end()), meta,
       queued = std::chrono::steady_clock::now()]() {
        if (std::chrono::steady_clock::now() - queued > kMaxQueueWait) {
          counters_.Increment(PacketCounter::kReceived);
          counters_.Increment(PacketCounter::kReceiveDrop);
          return;
        }
        ProcessDatagram(*socket, copy, meta);
      },
      request ? FiberWorker::Priority::kUrgent : FiberWorker::Priority::kNormal);
}

void Dhcp4Server::ProcessDatagram(ListenSocket& socket, std::span<const uint8_t> data,
                                  const ReceivedDatagram& meta) {
  if (!service_enabled()) {
    counters_.Increment(PacketCounter::kReceived);
    counters_.Increment(PacketCounter::kReceiveDrop);
    return;
  }
  auto packet = dhcp::Packet4::Parse(data);
  if (!packet.ok()) {
    counters_.Increment(PacketCounter::kReceived);
    counters_.Increment(PacketCounter::kParseFailed);
    log_->debug("malformed packet from {}:{}: {}", meta.source.ToString(), meta.source_port,
                std::string(packet.status().message()));
    return;
  }
  ReceiveInfo info{.ifindex = meta.ifindex,
                   .interface_name = socket.socket->interface(),
                   .source = meta.source,
                   .source_port = meta.source_port,
                   .destination = meta.destination};
  if (socket.configured_address) {
    info.interface_addresses.push_back(*socket.configured_address);
  } else if (const NetworkInterface* i = interfaces_.load()->FindByIndex(meta.ifindex)) {
    info.interface_addresses = i->addresses;
  }
  std::shared_ptr<ServingContext> context = context_.load();
  std::optional<Reply> reply = processor_.Process(*context, *packet, info, Now());
  if (!reply) return;
  size_t max_size = 576;
  if (const auto* mms = packet->GetOption(dhcp::kOptionMaxMessageSize); mms && mms->size() == 2) {
    max_size = std::clamp<size_t>(size_t{(*mms)[0]} << 8 | (*mms)[1], 576, 1500);
  }
  SendReply(socket, *reply, max_size);
}

void Dhcp4Server::SendReply(ListenSocket& socket, Reply& reply, size_t max_size) {
  auto wire = reply.packet.Serialize(max_size);
  if (!wire.ok()) {
    log_->error("cannot encode reply {}: {}", reply.packet.Describe(), wire.status().ToString());
    return;
  }
  ReplyRoute& route = reply.route;
  if (route.needs_arp_entry) {
    absl::Status arp = socket.socket->AddArpEntry(route.address, route.hw_address);
    if (!arp.ok()) {
      log_->debug("{}; broadcasting the reply instead", arp.ToString());
      route.address = dhcp::Ipv4Address(0xffffffff);
    }
  }
  absl::Status sent =
      socket.socket->Send(*wire, route.address, route.port, route.ifindex, route.source);
  if (!sent.ok()) {
    log_->warn("reply {} not sent: {}", reply.packet.Describe(), sent.ToString());
    return;
  }
  counters_.Increment(PacketCounter::kSent);
}

absl::Status Dhcp4Server::Reconfigure(std::shared_ptr<const config::Config> config) {
  std::lock_guard lock(reconfigure_mu_);
  std::shared_ptr<ServingContext> current = context_.load();
  std::shared_ptr<lease_backend::LeaseStore> leases = current->leases_ptr();
  std::shared_ptr<BlockClaimer> claimer = current->claimer_ptr();
  if (!SameLeaseDatabase(current->config().lease_database, config->lease_database)) {
    (void)leases->Flush();
    auto opened = backends_.OpenLeaseStore(config->lease_database);
    if (!opened.ok()) return opened.status();
    leases = *opened;
    claimer = MakeClaimer(leases, Background());
  }
  std::shared_ptr<host_backend::HostDatabases> hosts = host_databases_.load();
  if (!hosts->Matches(config->hosts_databases)) {
    auto opened = OpenHostDatabases(config->hosts_databases, log_);
    if (!opened.ok()) return opened.status();
    hosts = *opened;
  }
  // On the same lease store, unchanged subnets keep their allocation state.
  const ServingContext* previous = leases == current->leases_ptr() ? current.get() : nullptr;
  auto context = ServingContext::Create(config, leases, AllocationSeed(config->lease_database),
                                        current->offers_ptr(), claimer, previous,
                                        {hosts->caches(), log_});
  if (!context.ok()) return context.status();
  auto interfaces = InterfaceTable::Load();
  if (!interfaces.ok()) return interfaces.status();
  interfaces_.store(std::make_shared<const InterfaceTable>(std::move(*interfaces)));

  // Sockets belong to the I/O thread: reopen them there once it runs.
  absl::Status sockets;
  switch (phase_.load()) {
    case Phase::kCreated:
      sockets = OpenSockets(*config);
      break;
    case Phase::kRunning: {
      auto opened = std::make_shared<std::promise<absl::Status>>();
      std::future<absl::Status> result = opened->get_future();
      boost::asio::post(io_, [this, opened, config] {
        if (phase_.load() != Phase::kRunning) {  // run by the drain at shutdown
          opened->set_value(absl::UnavailableError("the server is shutting down"));
          return;
        }
        absl::Status s = OpenSockets(*config);
        if (s.ok()) {
          for (auto& socket : sockets_) StartReceiving(socket);
        }
        opened->set_value(s);
      });
      while (result.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
        if (phase_.load() != Phase::kRunning) {
          return absl::UnavailableError("the server is shutting down");
        }
      }
      sockets = result.get();
      break;
    }
    case Phase::kStopped:
      return absl::UnavailableError("the server is shutting down");
  }
  if (!sockets.ok()) return sockets;
  context_.store(*context);
  host_databases_.store(hosts);
  if (current->claimer() != nullptr && current->claimer() != claimer.get()) {
    if (absl::Status s = current->claimer()->ReleaseAll(); !s.ok()) {
      log_->warn("giving up the address blocks of the previous lease database: {}", s.ToString());
    }
  }
  reconfigure_time_ = Now();
  log_->info("configuration applied: {} subnets", config->subnets.size());
  if (reconfigure_observer_) reconfigure_observer_(*config);
  return absl::OkStatus();
}

absl::Status Dhcp4Server::ReloadConfigFile() {
  auto config = config::ParseDhcp4ConfigFile(options_.config_file);
  if (!config.ok()) return config.status();
  return ApplyFileConfig(std::make_shared<const config::Config>(std::move(*config)));
}

absl::Status Dhcp4Server::ApplyFileConfig(std::shared_ptr<const config::Config> config) {
  if (file_config_handler_) return file_config_handler_(std::move(config));
  return Reconfigure(std::move(config));
}

absl::Status Dhcp4Server::RunReclamation(int64_t now, bool remove, size_t limit) {
  std::shared_ptr<ServingContext> context = context_.load();
  auto result = ReclaimLeases(*context, now, remove, limit, *log_);
  if (!result.ok()) {
    log_->error("lease reclamation: {}", result.status().ToString());
    return result.status();
  }
  if (result->reclaimed > 0) log_->info("reclaimed {} expired leases", result->reclaimed);
  return absl::OkStatus();
}

absl::Status Dhcp4Server::ReclaimExpiredLeases(bool remove) {
  std::promise<absl::Status> done;
  boost::asio::post(maintenance_, [&] { done.set_value(RunReclamation(Now(), remove, 0)); });
  return done.get_future().get();
}

void Dhcp4Server::ScheduleMaintenance() {
  auto timer = std::make_shared<boost::asio::steady_timer>(maintenance_);
  auto last_reclaim = std::make_shared<int64_t>(Now());
  auto tick = std::make_shared<std::function<void()>>();
  *tick = [this, timer, last_reclaim, tick] {
    timer->expires_after(std::chrono::seconds(1));
    timer->async_wait([this, timer, last_reclaim, tick](const boost::system::error_code& ec) {
      if (ec) return;
      const int64_t now = Now();
      std::shared_ptr<ServingContext> context = context_.load();
      const config::Config& config = context->config();
      const config::ExpiredLeasesProcessing& elp = config.expired_leases_processing;
      if (lease_database_down_.load()) {  // nothing to do with the store until it is back
        (*tick)();
        return;
      }
      context->ReleaseStaleOffers(now);
      if (BlockClaimer* claimer = context->claimer()) {
        if (absl::Status s = claimer->Maintain(*context); !s.ok()) {
          log_->warn("renewing this node's address block claims: {}", s.ToString());
        }
      }
      if (elp.reclaim_timer_wait_time > 0 &&
          now - *last_reclaim >= int64_t{elp.reclaim_timer_wait_time}) {
        // Failures are logged; the next tick tries again.
        (void)RunReclamation(now, elp.flush_reclaimed_timer_wait_time == 0,
                             elp.max_reclaim_leases);
        *last_reclaim = Now();
      }
      if (elp.flush_reclaimed_timer_wait_time > 0 &&
          now - last_flush_ >= int64_t{elp.flush_reclaimed_timer_wait_time}) {
        auto flushed =
            context->leases().DeleteReclaimedBefore(now - int64_t{elp.hold_reclaimed_time});
        if (!flushed.ok())
          log_->error("flushing reclaimed leases: {}", flushed.status().ToString());
        last_flush_ = now;
      }
      const config::DatabaseConfig& db = config.lease_database;
      if (db.type == "memfile" && db.persist && db.lfc_interval > 0 &&
          now - last_lfc_ >= int64_t{db.lfc_interval}) {
        if (last_lfc_ != 0) {
          auto* memfile = dynamic_cast<lease_backend::MemfileLeaseStore*>(&context->leases());
          if (memfile != nullptr) {
            absl::Status s = memfile->RunLeaseFileCleanup();
            if (!s.ok())
              log_->error("lease file cleanup: {}", s.ToString());
            else
              log_->info("lease file cleanup done");
          }
        }
        last_lfc_ = now;
      }
      (*tick)();
    });
  };
  (*tick)();
}

void Dhcp4Server::ScheduleHealthWatch() {
  auto timer = std::make_shared<boost::asio::steady_timer>(health_);
  auto tick = std::make_shared<std::function<void()>>();
  *tick = [this, timer, tick] {
    timer->expires_after(std::chrono::seconds(1));
    timer->async_wait([this, timer, tick](const boost::system::error_code& ec) {
      if (ec) return;
      WatchLeaseDatabase(*context_.load());
      (*tick)();
    });
  };
  (*tick)();
}

void Dhcp4Server::WaitForSignals() {
  auto signals = std::make_shared<boost::asio::signal_set>(io_, SIGTERM, SIGINT, SIGHUP);
  signals->async_wait([this, signals](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    if (signo == SIGHUP) {
      log_->info("SIGHUP: reloading {}", options_.config_file);
      boost::asio::post(maintenance_, [this] {
        absl::Status s = ReloadConfigFile();
        if (!s.ok())
          log_->error("configuration reload failed, keeping the old one: {}", s.ToString());
      });
      WaitForSignals();
      return;
    }
    log_->info("{}: shutting down", strsignal(signo));
    Shutdown(0);
  });
}

void Dhcp4Server::RunInBackground(std::function<void()> task) {
  boost::asio::post(maintenance_, std::move(task));
}

BlockClaimer::Background Dhcp4Server::Background() {
  return [this](std::function<void()> task) { RunInBackground(std::move(task)); };
}

std::string Dhcp4Server::hosts_database_state() const {
  return host_databases_.load()->state();
}

std::string Dhcp4Server::lease_database_state() const {
  std::lock_guard lock(service_mu_);
  return lease_database_state_;
}

void Dhcp4Server::WatchLeaseDatabase(ServingContext& context) {
  const config::DatabaseConfig& db = context.config().lease_database;
  if (db.type == "memfile") return;
  const int64_t now = Now();
  const std::string on_fail = db.raw.value("on-fail", std::string("stop-retry-exit"));
  // The probe reconnects per the database's policy and may take as long as
  // max-reconnect-tries x reconnect-wait-time, so it runs on its own thread
  // and a probe that does not answer at once already counts as an outage.
  if (!health_probe_.valid()) {
    auto promise = std::make_shared<std::promise<absl::Status>>();
    health_probe_ = promise->get_future();
    health_probe_started_ = now;
    std::thread([promise, store = context.leases_ptr()] {
      promise->set_value(store->CheckHealth());
    }).detach();
  }
  if (health_probe_.wait_for(std::chrono::milliseconds(200)) != std::future_status::ready) {
    const int64_t waiting = now - health_probe_started_;
    if (waiting < 2) return;
    {
      std::lock_guard lock(service_mu_);
      lease_database_state_ =
          absl::StrCat("unreachable: no answer for ", waiting, " s, reconnecting");
    }
    if (!lease_database_down_) {
      lease_database_down_ = true;
      log_->error(
          "lease database not answering: reconnecting; no lease is acknowledged until "
          "it is back (on-fail {})",
          on_fail);
      if (on_fail == "stop-retry-exit") DisableService(kDatabaseOrigin, 0);
    }
    return;
  }
  absl::Status health = health_probe_.get();  // the next tick starts a new probe
  if (health.ok()) {
    if (lease_database_down_) {
      lease_database_down_ = false;
      log_->info("lease database reachable again: serving resumes");
      EnableService(kDatabaseOrigin);
    }
    std::lock_guard lock(service_mu_);
    lease_database_state_ = "connected";
    return;
  }
  {
    std::lock_guard lock(service_mu_);
    lease_database_state_ = "unreachable: " + std::string(health.message());
  }
  if (!lease_database_down_) {
    lease_database_down_ = true;
    log_->error("lease database lost ({}): no lease is acknowledged until it is back; on-fail {}",
                health.ToString(), on_fail);
    if (on_fail == "stop-retry-exit") DisableService(kDatabaseOrigin, 0);
  }
  if (!absl::IsUnavailable(health)) return;  // not a connection problem: keep checking
  if (on_fail != "serve-retry-continue") {
    log_->critical(
        "lease database still unreachable after max-reconnect-tries; exiting (on-fail {})",
        on_fail);
    Shutdown(EXIT_FAILURE);
  }
}

std::vector<std::string> Dhcp4Server::socket_errors() const {
  std::lock_guard lock(service_mu_);
  return socket_errors_;
}

void Dhcp4Server::DisableService(const std::string& origin, uint32_t max_period_seconds) {
  uint64_t generation;
  {
    std::lock_guard lock(service_mu_);
    generation = ++disable_generation_;
    disabled_by_[origin] = generation;
    disabled_count_ = static_cast<int>(disabled_by_.size());
  }
  log_->info("DHCP service disabled by {}{}", origin,
             max_period_seconds > 0 ? " for " + std::to_string(max_period_seconds) + " s" : "");
  if (max_period_seconds == 0) return;
  auto timer = std::make_shared<boost::asio::steady_timer>(
      maintenance_, std::chrono::seconds(max_period_seconds));
  timer->async_wait([this, timer, origin, generation](const boost::system::error_code& ec) {
    if (ec) return;
    std::lock_guard lock(service_mu_);
    auto it = disabled_by_.find(origin);
    if (it == disabled_by_.end() || it->second != generation) return;  // re-disabled meanwhile
    disabled_by_.erase(it);
    disabled_count_ = static_cast<int>(disabled_by_.size());
    log_->info("DHCP service re-enabled: {}'s max-period ended", origin);
  });
}

void Dhcp4Server::EnableService(const std::string& origin) {
  std::lock_guard lock(service_mu_);
  disabled_by_.erase(origin);
  disabled_count_ = static_cast<int>(disabled_by_.size());
  log_->info("DHCP service enabled by {}", origin);
}

void Dhcp4Server::Shutdown(int exit_code) {
  exit_code_ = exit_code;
  io_.stop();
}

int Dhcp4Server::Run() {
  for (auto& worker : workers_) worker->Start();
  auto maintenance_guard = boost::asio::make_work_guard(maintenance_);
  ScheduleMaintenance();
  threads_.emplace_back([this] { maintenance_.run(); });
  auto health_guard = boost::asio::make_work_guard(health_);
  ScheduleHealthWatch();
  threads_.emplace_back([this] { health_.run(); });
  WaitForSignals();
  for (auto& socket : sockets_) StartReceiving(socket);
  log_->info("shoal-dhcp4 serving with {} worker thread(s)", worker_count());

  {
    std::lock_guard lock(reconfigure_mu_);
    phase_ = Phase::kRunning;
  }
  io_.run();
  phase_ = Phase::kStopped;
  std::lock_guard lock(reconfigure_mu_);  // wait for a reconfiguration in progress

  // Stop taking packets, let the workers finish what they hold, then flush.
  for (auto& socket : sockets_) socket->descriptor.cancel();
  for (auto& worker : workers_) worker->Stop();
  maintenance_.stop();
  health_.stop();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
  if (BlockClaimer* claimer = context_.load()->claimer()) {
    if (absl::Status s = claimer->ReleaseAll(); !s.ok()) {
      log_->warn("giving up this node's address block claims at shutdown: {}", s.ToString());
    }
  }
  absl::Status flushed = context_.load()->leases().Flush();
  if (!flushed.ok()) log_->error("flushing leases at shutdown: {}", flushed.ToString());
  log_->info("shoal-dhcp4 stopped");
  return exit_code_;
}

}  // namespace shoal::server
