// RemoteCommands: Kea's configuration-backend commands (cb_cmds, the
// remote-* family) for DHCPv4, built in: servers, global parameters, option
// definitions, global / shared-network / subnet / pool options, shared
// networks, subnets and client classes, with Kea's arguments, server-tag
// policies, reply texts and result codes (docs/control-api.md,
// "Configuration database commands").
//
// Every write is one ConfigWrite (one transaction, one revision of the
// change feed, serialised with every other writer) and runs the
// ConfigChecks before it commits; a refused write changes nothing and
// answers result 1 naming the conflict. Reads answer result 3 when nothing
// matches.
//
// Threading: handlers may run concurrently (each takes its own connection
// from a small pool, opened on first use so a node starts without the
// database).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "config_backend/config_checks.h"
#include "config_backend/config_tables.h"
#include "config_backend/config_write.h"
#include "control/command_registry.h"
#include "db/connection_pool.h"
#include "nlohmann/json.hpp"

namespace shoal::config_backend {

class RemoteCommands {
 public:
  // Writes are recorded as made by "<user>@<node_name>" (the HTTP
  // basic-authentication user; "api" when the request carried none, as on
  // the UNIX socket).
  RemoteCommands(db::DatabaseParams database, std::string node_name)
      : database_(std::move(database)), node_name_(std::move(node_name)) {}

  void Register(control::CommandRegistry& registry);

 private:
  using json = nlohmann::json;
  using Answer = control::CommandAnswer;
  // A write's body: returns the answer (committed only when its result is
  // 0) or an error status (rolled back).
  using WriteBody = std::function<absl::StatusOr<Answer>(ConfigTables&, ConfigChecks&)>;
  using ReadBody = std::function<absl::StatusOr<Answer>(ConfigTables&)>;

  // Result 1 with the status's text (and what to do when the database is
  // unavailable).
  static Answer Refuse(const absl::Status& status);
  absl::StatusOr<db::ConnectionPool::Handle> Acquire();
  Answer Read(const ReadBody& body);
  // `actor` is recorded as the write's author (config4_revision.actor).
  Answer Write(const std::string& actor, const std::string& command, const WriteBody& body);
  // Every tag of `tags` other than 'all' names a server (remote-server4-set).
  static absl::Status RequireServers(ConfigTables& tables, const TagSet& tags);

  // remote_commands.cc
  Answer ServerSet(const json& args, const std::string& actor);
  Answer ServerGet(const json& args);
  Answer ServerGetAll(const json& args);
  Answer ServerDel(const json& args, const std::string& actor);
  Answer GlobalSet(const json& args, const std::string& actor);
  Answer GlobalGet(const json& args);
  Answer GlobalGetAll(const json& args);
  Answer GlobalDel(const json& args, const std::string& actor);
  Answer SingleTagGet(SingleTagKind kind, const json& args);
  Answer SingleTagGetAll(SingleTagKind kind, const json& args);
  Answer SingleTagSet(SingleTagKind kind, const std::string& command, const json& args, const std::string& actor);
  Answer SingleTagDel(SingleTagKind kind, const std::string& command, const json& args, const std::string& actor);

  // config-history-get (shoal's): the change feed's history, paged.
  Answer HistoryGet(const json& args);

  // remote_network_commands.cc
  Answer NetworkSet(const json& args, const std::string& actor);
  Answer NetworkGet(const json& args);
  Answer NetworkList(const json& args);
  Answer NetworkDel(const json& args, const std::string& actor);
  Answer SubnetSet(const json& args, const std::string& actor);
  Answer SubnetGet(const json& args, bool by_prefix);
  Answer SubnetList(const json& args);
  Answer SubnetDel(const json& args, bool by_prefix, const std::string& actor);
  Answer ScopedOptionSet(const std::string& command, const json& args, const std::string& actor);
  Answer ScopedOptionDel(const std::string& command, const json& args, const std::string& actor);

  // remote_class_commands.cc
  Answer ClassSet(const json& args, const std::string& actor);
  Answer ClassGet(const json& args);
  Answer ClassGetAll(const json& args);
  Answer ClassDel(const json& args, const std::string& actor);

  const db::DatabaseParams database_;
  const std::string node_name_;
  std::mutex pool_mu_;
  std::unique_ptr<db::ConnectionPool> pool_;  // guarded by pool_mu_
};

// {"server-tags": [...]} with [null] for none, as Kea shows bindings.
nlohmann::json Metadata(const TagSet& tags);

}  // namespace shoal::config_backend
