// ControlChannel: the node's command API endpoints — Kea's `control-sockets`
// (UNIX and HTTP/HTTPS listeners) in front of one CommandRegistry.
//
// Apply() opens the listeners a configuration names and closes the ones it
// no longer names; unchanged sockets stay open, so a config-set that keeps
// the control sockets does not drop the connection it arrived on. Apply()
// must not be called from a listener thread (it joins them): handlers that
// change the configuration hand the call to another thread.
// Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "absl/status/status.h"
#include "config/config.h"
#include "control/command_registry.h"
#include "control/http_listener.h"
#include "control/unix_listener.h"
#include "spdlog/logger.h"

namespace shoal::server {

class ControlChannel {
 public:
  explicit ControlChannel(std::shared_ptr<spdlog::logger> log) : log_(std::move(log)) {}
  ~ControlChannel() { Stop(); }

  control::CommandRegistry& registry() { return registry_; }

  // When a new socket cannot be opened, returns why and keeps every listener
  // still open (old ones it would have closed included).
  absl::Status Apply(const std::vector<config::ControlSocketConfig>& sockets);
  void Stop();

 private:
  struct Endpoint {
    config::ControlSocketConfig config;
    std::unique_ptr<control::HttpListener> http;
    std::unique_ptr<control::UnixListener> unix_socket;
  };

  // On a failed Apply: keep what is open (new and old) and return `error`.
  absl::Status Keep(std::vector<Endpoint> opened, std::vector<Endpoint> old, absl::Status error);

  std::shared_ptr<spdlog::logger> log_;
  control::CommandRegistry registry_;
  std::mutex mu_;
  std::vector<Endpoint> endpoints_;
};

}  // namespace shoal::server
