#include "config_backend/node_config_source.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "config/dhcp4_parser.h"
#include "db/database_params.h"

namespace shoal::config_backend {
namespace {

using control::CommandAnswer;
using nlohmann::json;

}  // namespace

std::string ConfigCopyPath(const std::string& data_directory, const std::string& server_tag) {
  std::string name;
  for (char c : NormalizeServerTag(server_tag)) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-') {
      name.push_back(c);
    } else {
      absl::StrAppend(&name, absl::StrFormat("%%%02X", static_cast<unsigned char>(c)));
    }
  }
  if (name == "." || name == "..") name = absl::StrCat("%2E", name.substr(1));
  return absl::StrCat(data_directory, "/config4-", name, ".json");
}

absl::StatusOr<std::unique_ptr<NodeConfigSource>> NodeConfigSource::Create(
    std::shared_ptr<const config::Config> file, Options options, ReconfigureFn reconfigure,
    HealthFn health, std::shared_ptr<spdlog::logger> log) {
  const config::ConfigControl& control = file->config_control;
  if (control.config_databases.empty()) {
    return absl::InvalidArgumentError("config-control has no configuration database");
  }
  auto params = db::DatabaseParams::FromJson(control.config_databases.front().raw,
                                             "config-control.config-databases[0]");
  if (!params.ok()) return params.status();
  FollowerOptions follow;
  follow.database = *params;
  follow.server_tag = file->server_tag;
  follow.fetch_wait = absl::Seconds(control.config_fetch_wait_time);
  follow.poll_interval = options.poll_interval;
  follow.heartbeat_interval = options.heartbeat_interval;
  follow.history_retention_seconds = control.history_retention;
  follow.hostname = options.hostname;
  follow.version = options.version;
  if (!options.data_directory.empty()) {
    if (mkdir(options.data_directory.c_str(), 0700) != 0 && errno != EEXIST) {
      log->warn("cannot create the data directory {}: {}; the node keeps no copy of its "
                "configuration",
                options.data_directory, strerror(errno));
    } else {
      follow.cache_path = ConfigCopyPath(options.data_directory, file->server_tag);
    }
  }
  std::unique_ptr<NodeConfigSource> source(
      new NodeConfigSource(std::move(file), std::move(reconfigure), log));
  NodeConfigSource* self = source.get();
  source->follower_ = std::make_unique<ConfigFollower>(
      std::move(follow),
      [self](const ConfigObjects& objects, uint64_t revision) {
        return self->ApplyObjects(objects, revision);
      },
      std::move(health), std::move(log));
  source->remote_ = std::make_unique<RemoteCommands>(*params, options.hostname);
  return source;
}

NodeConfigSource::~NodeConfigSource() { Stop(); }

void NodeConfigSource::Start() { follower_->Start(); }

void NodeConfigSource::Stop() {
  if (follower_) follower_->Stop();
}

absl::StatusOr<std::shared_ptr<const config::Config>> NodeConfigSource::Merge(
    const config::Config& file, const ConfigObjects& objects, uint64_t revision) const {
  auto merged = MergeIntoFile(file.Source(), objects);
  if (!merged.ok()) return merged.status();
  auto config = config::ParseDhcp4Map(
      *merged, absl::StrCat("configuration database revision ", revision));
  if (!config.ok()) return config.status();
  return std::make_shared<const config::Config>(std::move(*config));
}

absl::Status NodeConfigSource::ApplyObjects(const ConfigObjects& objects, uint64_t revision) {
  std::lock_guard lock(mu_);
  auto config = Merge(*file_, objects, revision);
  if (!config.ok()) return config.status();
  if (absl::Status s = reconfigure_(*config); !s.ok()) return s;
  applied_ = objects;
  return absl::OkStatus();
}

absl::Status NodeConfigSource::ApplyFile(std::shared_ptr<const config::Config> file) {
  std::lock_guard lock(mu_);
  if (!(file->config_control == file_->config_control) ||
      NormalizeServerTag(file->server_tag) != NormalizeServerTag(file_->server_tag)) {
    return absl::FailedPreconditionError(
        "config-control and server-tag cannot change while the node runs; restart the node "
        "with the new file");
  }
  auto config = Merge(*file, applied_, follower_->status().applied_revision);
  if (!config.ok()) return config.status();
  if (absl::Status s = reconfigure_(*config); !s.ok()) return s;
  file_ = std::move(file);
  return absl::OkStatus();
}

json NodeConfigSource::Status() const {
  FollowerStatus s = follower_->status();
  return json{{"server-tag", NormalizeServerTag(follower_->options().server_tag)},
              {"node-id", follower_->node_id()},
              {"state", s.database_state},
              {"applied-revision", s.applied_revision},
              {"database-revision", s.database_revision},
              {"configuration", s.config_state},
              {"serving-copy", s.from_copy}};
}

void NodeConfigSource::RegisterCommands(control::CommandRegistry& registry) {
  remote_->Register(registry);
  (void)registry.Register("config-backend-pull", [this](const json&) {
    absl::Status pulled = follower_->Pull();
    if (!pulled.ok()) {
      return CommandAnswer::Error(
          absl::StrCat("On demand configuration update failed: ", pulled.message()));
    }
    FollowerStatus s = follower_->status();
    if (s.config_state != "ok") {
      return CommandAnswer::Error(
          absl::StrCat("On demand configuration update failed: ", s.config_state));
    }
    return CommandAnswer::Success("On demand configuration update successful.");
  });
  (void)registry.Register("cluster-nodes-get", [this](const json&) {
    auto nodes = follower_->ListNodes();
    if (!nodes.ok()) return CommandAnswer::Error(std::string(nodes.status().message()));
    auto head = follower_->ReadHead();
    if (!head.ok()) return CommandAnswer::Error(std::string(head.status().message()));
    const int64_t live_seconds = follower_->live_seconds();
    json list = json::array();
    for (const NodeRecord& n : *nodes) {
      bool live = n.heartbeat_age_seconds <= live_seconds;
      list.push_back({{"node-id", n.node_id},
                      {"server-tag", n.server_tag},
                      {"hostname", n.hostname},
                      {"version", n.version},
                      {"state", live ? "live" : "silent"},
                      {"applied-revision", n.applied_revision},
                      {"lag", head->revision > n.applied_revision
                                  ? head->revision - n.applied_revision
                                  : 0},
                      {"configuration", n.config_state},
                      {"lease-database", n.lease_database_state},
                      {"hosts-database", n.hosts_database_state},
                      {"started", n.started_at},
                      {"heartbeat", n.heartbeat_at},
                      {"heartbeat-age", n.heartbeat_age_seconds},
                      {"this-node", n.node_id == follower_->node_id()}});
    }
    return CommandAnswer::Success(
        absl::StrCat(list.size(), " node", list.size() == 1 ? "" : "s", " found"),
        json{{"revision", head->revision}, {"nodes", std::move(list)}});
  });
}

}  // namespace shoal::config_backend
