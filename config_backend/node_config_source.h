// NodeConfigSource: a node's configuration when its file has
// `config-control`: the file (the base) merged with what the configuration
// database holds for the node's server tag, kept current by a
// ConfigFollower, and the commands about it:
//   config-backend-pull   Kea's: check the database now
//   cluster-nodes-get     shoal's: every node of the configuration
//                         database, its revision, lag and health
//   remote-*              Kea's cb_cmds: manage the database (RemoteCommands)
//   config-history-get    shoal's: who changed what, when (RemoteCommands)
//
// Every merged configuration goes through the same parser and validation as
// a file (config::ParseDhcp4Map); a refused one never reaches the node.
//
// Threading: thread-safe. `reconfigure` is called from the follower's
// thread or from ApplyFile's caller, one at a time.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "config/config.h"
#include "config_backend/config_follower.h"
#include "config_backend/remote_commands.h"
#include "control/command_registry.h"
#include "nlohmann/json.hpp"
#include "spdlog/logger.h"

namespace shoal::config_backend {

class NodeConfigSource {
 public:
  using ReconfigureFn = std::function<absl::Status(std::shared_ptr<const config::Config>)>;
  using HealthFn = ConfigFollower::HealthFn;

  struct Options {
    std::string data_directory;  // where the copy of the last configuration is kept
    std::string hostname;
    std::string version;
    absl::Duration poll_interval = absl::Milliseconds(20);
    absl::Duration heartbeat_interval = absl::Seconds(5);
  };

  // `file` must have a configuration database (config-control).
  static absl::StatusOr<std::unique_ptr<NodeConfigSource>> Create(
      std::shared_ptr<const config::Config> file, Options options, ReconfigureFn reconfigure,
      HealthFn health, std::shared_ptr<spdlog::logger> log);
  ~NodeConfigSource();

  // Starts following the database (the first round loads everything).
  void Start();
  void Stop();

  // A new file configuration (SIGHUP, config-reload, config-set): merges it
  // with the objects the node applied last and reconfigures. On error
  // nothing changes. FailedPrecondition if it changes config-control or
  // server-tag (that needs a restart of the node).
  absl::Status ApplyFile(std::shared_ptr<const config::Config> file);

  void RegisterCommands(control::CommandRegistry& registry);
  // The "config-database" part of status-get.
  nlohmann::json Status() const;

  ConfigFollower& follower() { return *follower_; }

 private:
  NodeConfigSource(std::shared_ptr<const config::Config> file, ReconfigureFn reconfigure,
                   std::shared_ptr<spdlog::logger> log)
      : file_(std::move(file)), reconfigure_(std::move(reconfigure)), log_(std::move(log)) {}
  absl::StatusOr<std::shared_ptr<const config::Config>> Merge(const config::Config& file,
                                                              const ConfigObjects& objects,
                                                              uint64_t revision) const;
  absl::Status ApplyObjects(const ConfigObjects& objects, uint64_t revision);

  // Held across merge and reconfigure, so a file reload and a database
  // change never apply out of order.
  mutable std::mutex mu_;
  std::shared_ptr<const config::Config> file_;  // guarded by mu_
  ConfigObjects applied_;                       // guarded by mu_
  ReconfigureFn reconfigure_;
  std::shared_ptr<spdlog::logger> log_;
  std::unique_ptr<ConfigFollower> follower_;
  std::unique_ptr<RemoteCommands> remote_;
};

// The file a node keeps its copy in: <data_directory>/config4-<tag>.json,
// with any character of the tag outside [a-z0-9._-] written as %XX.
std::string ConfigCopyPath(const std::string& data_directory, const std::string& server_tag);

}  // namespace shoal::config_backend
