// Dhcp4Server: one shoal-dhcp4 node at run time.
//
// Threads:
//  - the I/O thread runs packet sockets (Boost.Asio), signals and timers;
//  - by default (one thread) the I/O thread also processes every message,
//    with no hand-off: itself for memfile, whose writes never wait on a
//    network; as a fiber per message for a SQL store (FiberWorker on the I/O
//    thread's io_context), so a message waiting on the database parks and the
//    thread goes on with the others;
//  - with thread-pool-size N > 1, N workers (FiberWorker, a thread each)
//    process messages and the I/O thread only reads datagrams and hands them
//    on. In every setup all messages of one client (by chaddr) are processed
//    one at a time, in order;
//  - a maintenance thread reclaims expired leases, releases stale offers and
//    runs lease file cleanup, so none of that stalls the packet path;
//  - a health thread watches a shared lease database and applies Kea's
//    on-fail while it is unreachable.
// Configuration is a ServingContext snapshot swapped atomically: a new one is
// built and validated completely first; a bad one is rejected and the old
// one keeps serving.
#pragma once

#include <atomic>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/asio/io_context.hpp"
#include "config/config.h"
#include "server/backend_registry.h"
#include "server/dhcp4_processor.h"
#include "server/fiber_worker.h"
#include "server/interface_table.h"
#include "server/packet_counters.h"
#include "server/packet_socket.h"
#include "host_backend/host_databases.h"
#include "server/serving_context.h"
#include "spdlog/logger.h"

namespace shoal::server {

struct ServerOptions {
  std::string config_file;  // -c, re-read on SIGHUP and config-reload
  Ports ports;              // -p, -P
  bool debug = false;       // -d
  size_t workers = 0;       // 0 = default: 1 (the I/O thread)
};

class Dhcp4Server {
 public:
  static absl::StatusOr<std::unique_ptr<Dhcp4Server>> Create(
      ServerOptions options, std::shared_ptr<const config::Config> config,
      const BackendRegistry& backends, std::shared_ptr<spdlog::logger> log);
  ~Dhcp4Server();

  // Serves until Shutdown() or SIGTERM/SIGINT; returns the exit code.
  int Run();
  void Shutdown(int exit_code);

  // Validates `config` completely, opens what it needs, then swaps it in.
  // On error nothing changes and the old configuration keeps serving.
  absl::Status Reconfigure(std::shared_ptr<const config::Config> config);
  // Re-reads the -c file and applies it (SIGHUP, config-reload).
  absl::Status ReloadConfigFile();
  // Applies a configuration that replaces the node's file (config-set,
  // reloads): through the file-config handler when one is set (a node with
  // a configuration database merges it first), else Reconfigure.
  absl::Status ApplyFileConfig(std::shared_ptr<const config::Config> config);
  // Set before Run().
  void set_file_config_handler(
      std::function<absl::Status(std::shared_ptr<const config::Config>)> handler) {
    file_config_handler_ = std::move(handler);
  }
  // Called after every successful reconfiguration, on the thread that
  // reconfigured (set before Run()).
  void set_reconfigure_observer(std::function<void(const config::Config&)> observer) {
    reconfigure_observer_ = std::move(observer);
  }
  // Runs `task` on the maintenance thread (never a packet or listener thread).
  void RunInBackground(std::function<void()> task);
  // RunInBackground as a function (the block claimer's top-ups).
  BlockClaimer::Background Background();

  // Reclaims every expired lease now (`leases-reclaim`); the store's error
  // when it failed.
  absl::Status ReclaimExpiredLeases(bool remove);

  // dhcp-disable / dhcp-enable: while any origin ("user", "ha-partner")
  // has the service disabled, DHCP messages are dropped (commands still
  // work). A disable with max_period_seconds > 0 lifts itself after that.
  void DisableService(const std::string& origin, uint32_t max_period_seconds);
  void EnableService(const std::string& origin);
  bool service_enabled() const { return disabled_count_.load() == 0; }

  std::shared_ptr<ServingContext> context() const { return context_.load(); }
  const ServerOptions& options() const { return options_; }
  // Threads processing messages (1: the I/O thread itself).
  size_t worker_count() const { return std::max<size_t>(1, workers_.size()); }
  // "connected", or why the lease database cannot be reached.
  std::string lease_database_state() const;
  // "none", "connected", or which hosts database is not reachable and why.
  std::string hosts_database_state() const;
  std::shared_ptr<const host_backend::HostDatabases> host_databases() const {
    return host_databases_.load();
  }
  // Interfaces configured but not listened on, with the reason.
  std::vector<std::string> socket_errors() const;
  const PacketCounters& counters() const { return counters_; }
  int64_t start_time() const { return start_time_; }
  int64_t last_reconfigure_time() const { return reconfigure_time_.load(); }

 private:
  struct ListenSocket;

  Dhcp4Server(ServerOptions options, const BackendRegistry& backends,
              std::shared_ptr<spdlog::logger> log);

  // Opens the sockets `config` needs, keeping the ones already open for an
  // unchanged interface. I/O thread (or before Run()).
  absl::Status OpenSockets(const config::Config& config);
  // Starts the receive loop of a socket (once; later calls do nothing).
  void StartReceiving(const std::shared_ptr<ListenSocket>& socket);
  void WaitForDatagrams(const std::shared_ptr<ListenSocket>& socket);
  void DrainSocket(const std::shared_ptr<ListenSocket>& socket);
  // Hands a datagram to its client's worker, or processes it here when the
  // node runs on one thread.
  void HandleDatagram(const std::shared_ptr<ListenSocket>& socket, std::span<const uint8_t> data,
                      const ReceivedDatagram& meta);
  void ProcessDatagram(ListenSocket& socket, std::span<const uint8_t> data,
                       const ReceivedDatagram& meta);
  void SendReply(ListenSocket& socket, Reply& reply, size_t max_size);
  void WaitForSignals();
  void ScheduleHealthWatch();
  void ScheduleMaintenance();
  // Logs and returns what failed.
  absl::Status RunReclamation(int64_t now, bool remove, size_t limit);
  // Kea's on-fail for the lease database (health thread, once a second):
  // watches reachability, stops or keeps serving while the store
  // reconnects, exits when recovery fails.
  void WatchLeaseDatabase(ServingContext& context);

  ServerOptions options_;
  const BackendRegistry& backends_;
  std::shared_ptr<spdlog::logger> log_;
  PacketCounters counters_;
  Dhcp4Processor processor_;
  std::atomic<std::shared_ptr<ServingContext>> context_;
  std::atomic<std::shared_ptr<const InterfaceTable>> interfaces_;
  std::mutex reconfigure_mu_;
  // The SQL hosts databases the current configuration names (kept while a
  // new configuration names the same ones); replaced with context_.
  std::atomic<std::shared_ptr<host_backend::HostDatabases>> host_databases_;

  std::function<void(const config::Config&)> reconfigure_observer_;
  std::function<absl::Status(std::shared_ptr<const config::Config>)> file_config_handler_;
  mutable std::mutex service_mu_;
  std::map<std::string, uint64_t> disabled_by_;  // origin -> disable generation
  uint64_t disable_generation_ = 0;
  std::atomic<int> disabled_count_{0};
  std::vector<std::string> socket_errors_;          // guarded by service_mu_
  std::string lease_database_state_ = "connected";  // guarded by service_mu_
  std::atomic<bool> lease_database_down_{false};    // written by the health thread
  std::future<absl::Status> health_probe_;          // health thread only
  int64_t health_probe_started_ = 0;                // health thread only

  boost::asio::io_context io_;
  boost::asio::io_context maintenance_;
  boost::asio::io_context health_;                      // watches the lease database (on-fail)
  std::vector<std::shared_ptr<ListenSocket>> sockets_;  // I/O thread only
  std::vector<std::unique_ptr<FiberWorker>> workers_;
  std::vector<std::thread> threads_;
  std::atomic<int> exit_code_{0};
  enum class Phase { kCreated, kRunning, kStopped };
  std::atomic<Phase> phase_{Phase::kCreated};
  int64_t start_time_ = 0;
  std::atomic<int64_t> reconfigure_time_{0};
  int64_t last_lfc_ = 0;
  int64_t last_flush_ = 0;
};

}  // namespace shoal::server
