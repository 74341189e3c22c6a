#include "server/control_channel.h"

#include <algorithm>

namespace shoal::server {

absl::Status ControlChannel::Keep(std::vector<Endpoint> opened, std::vector<Endpoint> old,
                                  absl::Status error) {
  endpoints_ = std::move(opened);
  for (Endpoint& e : old) endpoints_.push_back(std::move(e));
  return error;
}

absl::Status ControlChannel::Apply(const std::vector<config::ControlSocketConfig>& sockets) {
  std::lock_guard lock(mu_);
  std::vector<Endpoint> next;
  std::vector<Endpoint> old = std::move(endpoints_);
  endpoints_.clear();
  for (const config::ControlSocketConfig& wanted : sockets) {
    auto same =
        std::find_if(old.begin(), old.end(), [&](const Endpoint& e) { return e.config == wanted; });
    if (same != old.end()) {
      next.push_back(std::move(*same));
      old.erase(same);
      continue;
    }
    Endpoint endpoint{.config = wanted, .http = nullptr, .unix_socket = nullptr};
    // A socket that moves to an address an old one holds must be freed first.
    for (auto it = old.begin(); it != old.end(); ++it) {
      bool clash = it->config.type == config::ControlSocketConfig::Type::kUnix
                       ? it->config.socket_name == wanted.socket_name
                       : it->config.socket_port == wanted.socket_port;
      if (clash) {
        old.erase(it);
        break;
      }
    }
    if (wanted.type == config::ControlSocketConfig::Type::kUnix) {
      auto listener = control::UnixListener::Create(wanted, registry_);
      if (!listener.ok()) return Keep(std::move(next), std::move(old), listener.status());
      endpoint.unix_socket = std::move(*listener);
      log_->info("command channel on UNIX socket {}", wanted.socket_name);
    } else {
      auto listener = control::HttpListener::Create(wanted, registry_);
      if (!listener.ok()) return Keep(std::move(next), std::move(old), listener.status());
      endpoint.http = std::move(*listener);
      log_->info("command channel on {}://{}:{}",
                 wanted.type == config::ControlSocketConfig::Type::kHttps ? "https" : "http",
                 wanted.socket_address, endpoint.http->port());
    }
    next.push_back(std::move(endpoint));
  }
  endpoints_ = std::move(next);
  return absl::OkStatus();  // `old` endpoints close here
}

void ControlChannel::Stop() {
  std::lock_guard lock(mu_);
  endpoints_.clear();
}

}  // namespace shoal::server
