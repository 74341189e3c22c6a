#include "server/core_commands.h"

#include <unistd.h>

#include <ctime>

#include "config/config_files.h"
#include "config/dhcp4_parser.h"
#include "server/version.h"

namespace shoal::server {
namespace {

using control::CommandAnswer;
using nlohmann::json;

// status-get: each hosts database, where it is and what the node holds of it.
json HostDatabasesStatus(const host_backend::HostDatabases& databases) {
  json out = json::array();
  for (const host_backend::HostFollowerStatus& s : databases.statuses()) {
    out.push_back({{"database", s.database},
                   {"state", s.state},
                   {"revision", s.revision},
                   {"reservations", s.hosts},
                   {"problems", s.problems}});
  }
  return out;
}

// Kea's checks on config-set / config-test arguments; on success `dhcp4`
// points at the Dhcp4 map.
std::optional<CommandAnswer> CheckConfigArguments(const json& arguments, const json** dhcp4) {
  if (arguments.is_null()) return CommandAnswer::Error("Missing mandatory 'arguments' parameter.");
  if (!arguments.is_object())
    return CommandAnswer::Error("'arguments' parameter expected to be a map.");
  for (const auto& [key, value] : arguments.items()) {
    if (key != "Dhcp4") return CommandAnswer::Error("Unsupported '" + key + "' parameter.");
  }
  auto it = arguments.find("Dhcp4");
  if (it == arguments.end()) return CommandAnswer::Error("Missing mandatory 'Dhcp4' parameter.");
  if (!it->is_object()) return CommandAnswer::Error("'Dhcp4' parameter expected to be a map.");
  *dhcp4 = &*it;
  return std::nullopt;
}

std::optional<std::string> OptionalOrigin(const json& arguments, std::string* origin) {
  *origin = "user";
  if (!arguments.is_object() || !arguments.contains("origin")) return std::nullopt;
  const json& value = arguments["origin"];
  if (!value.is_string()) return "'origin' argument must be a string";
  *origin = value.get<std::string>();
  if (*origin != "user" && *origin != "ha-partner") {
    return "invalid value used for 'origin' parameter: " + *origin +
           "; expected 'user' or 'ha-partner'";
  }
  return std::nullopt;
}

}  // namespace

json RedactPasswords(json config) {
  if (config.is_object()) {
    for (auto& [key, value] : config.items()) {
      if (key == "password" && value.is_string()) {
        value = "*****";
      } else {
        value = RedactPasswords(std::move(value));
      }
    }
  } else if (config.is_array()) {
    for (json& element : config) element = RedactPasswords(std::move(element));
  }
  return config;
}

void RegisterCoreCommands(control::CommandRegistry& registry, Dhcp4Server& server,
                          StatusExtension extend_status) {
  auto add = [&registry](const char* name, control::CommandHandler handler) {
    (void)registry.Register(name, std::move(handler));
  };

  add("list-commands",
      [&registry](const json&) { return CommandAnswer::Success("", json(registry.names())); });
  add("version-get", [](const json&) {
    return CommandAnswer::Success(kVersion, json{{"extended", ExtendedVersion()}});
  });
  add("build-report", [](const json&) { return CommandAnswer::Success(ExtendedVersion()); });
  add("server-tag-get", [&server](const json&) {
    return CommandAnswer::Success("", json{{"server-tag", server.context()->config().server_tag}});
  });

  add("status-get", [&server, extend_status](const json&) {
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    auto context = server.context();
    const config::Config& config = context->config();
    std::vector<std::string> errors = server.socket_errors();
    json status = {
        {"pid", static_cast<int64_t>(getpid())},
        {"uptime", now - server.start_time()},
        {"reload", now - server.last_reconfigure_time()},
        {"multi-threading-enabled", server.worker_count() > 1},
        {"thread-pool-size", server.worker_count()},
        {"packet-queue-size", config.multi_threading.packet_queue_size},
        {"sockets", errors.empty() ? json{{"status", "ready"}}
                                   : json{{"status", "failed"}, {"errors", errors}}},
        // shoal's own: whether DHCP is being served, and each backend's state.
        {"dhcp-state", server.service_enabled() ? "enabled" : "disabled"},
        {"backends",
         json{{"lease-database",
               {{"type", config.lease_database.type}, {"state", server.lease_database_state()}}},
              {"hosts-database", server.hosts_database_state()},
              {"hosts-databases", HostDatabasesStatus(*server.host_databases())}}},
    };
    if (extend_status) extend_status(status);
    return CommandAnswer::Success("", status);
  });

  add("config-get", [&server](const json&) {
    return CommandAnswer::Success(
        "", json{{"Dhcp4", RedactPasswords(server.context()->config().Source())}});
  });

  add("config-test", [](const json& arguments) {
    const json* dhcp4 = nullptr;
    if (auto error = CheckConfigArguments(arguments, &dhcp4)) return *error;
    auto config = config::ParseDhcp4Map(*dhcp4, "<config-test>");
    if (!config.ok()) return CommandAnswer::Error(std::string(config.status().message()));
    return CommandAnswer::Success(
        "Configuration seems sane. Control-socket, hook-libraries, and D2 configuration were "
        "sanity checked, but not applied.");
  });

  add("config-set", [&server](const json& arguments) {
    const json* dhcp4 = nullptr;
    if (auto error = CheckConfigArguments(arguments, &dhcp4)) return *error;
    auto config = config::ParseDhcp4Map(*dhcp4, "<config-set>");
    if (!config.ok()) return CommandAnswer::Error(std::string(config.status().message()));
    absl::Status applied =
        server.ApplyFileConfig(std::make_shared<const config::Config>(std::move(*config)));
    if (!applied.ok()) return CommandAnswer::Error(std::string(applied.message()));
    return CommandAnswer::Success("Configuration successful.");
  });

  add("config-reload", [&server](const json&) {
    absl::Status reloaded = server.ReloadConfigFile();
    if (!reloaded.ok()) {
      return CommandAnswer::Error("Config reload failed: " + std::string(reloaded.message()));
    }
    return CommandAnswer::Success("Configuration successful.");
  });

  add("config-write", [&server](const json& arguments) {
    std::string requested;
    if (arguments.is_object() && arguments.contains("filename")) {
      if (!arguments["filename"].is_string()) {
        return CommandAnswer::Error("filename parameter must be a string");
      }
      requested = arguments["filename"].get<std::string>();
    }
    auto path = config::ConfigWritePath(server.options().config_file, requested);
    if (!path.ok()) return CommandAnswer::Error(std::string(path.status().message()));
    std::string text = json{{"Dhcp4", server.context()->config().Source()}}.dump(2) + "\n";
    if (absl::Status s = config::WriteFileAtomically(*path, text); !s.ok()) {
      return CommandAnswer::Error(std::string(s.message()));
    }
    return CommandAnswer::Success("Configuration written to " + *path + " successful",
                                  json{{"filename", *path}, {"size", text.size()}});
  });

  add("shutdown", [&server](const json& arguments) {
    int exit_value = 0;
    if (arguments.is_object() && arguments.contains("exit-value")) {
      if (!arguments["exit-value"].is_number_integer()) {
        return CommandAnswer::Error("parameter 'exit-value' is not an integer");
      }
      exit_value = arguments["exit-value"].get<int>();
    }
    server.Shutdown(exit_value);
    return CommandAnswer::Success("Shutting down.");
  });

  add("dhcp-disable", [&server](const json& arguments) {
    if (!arguments.is_null() && !arguments.is_object()) {
      return CommandAnswer::Error("arguments for the 'dhcp-disable' command must be a map");
    }
    uint32_t max_period = 0;
    if (arguments.is_object() && arguments.contains("max-period")) {
      const json& value = arguments["max-period"];
      if (!value.is_number_integer() || value.get<int64_t>() <= 0 ||
          value.get<int64_t>() > UINT32_MAX) {
        return CommandAnswer::Error("'max-period' must be a positive integer");
      }
      max_period = value.get<uint32_t>();
    }
    std::string origin;
    if (auto error = OptionalOrigin(arguments, &origin)) return CommandAnswer::Error(*error);
    server.DisableService(origin, max_period);
    std::string text = "DHCPv4 service disabled";
    if (max_period > 0) text += " for " + std::to_string(max_period) + " seconds";
    return CommandAnswer::Success(text);
  });

  add("dhcp-enable", [&server](const json& arguments) {
    if (!arguments.is_null() && !arguments.is_object()) {
      return CommandAnswer::Error("arguments for the 'dhcp-enable' command must be a map");
    }
    std::string origin;
    if (auto error = OptionalOrigin(arguments, &origin)) return CommandAnswer::Error(*error);
    server.EnableService(origin);
    return CommandAnswer::Success("DHCP service successfully enabled");
  });

  add("leases-reclaim", [&server](const json& arguments) {
    if (!arguments.is_object() || !arguments.contains("remove")) {
      return CommandAnswer::Error("Missing mandatory 'remove' parameter.");
    }
    if (!arguments["remove"].is_boolean()) {
      return CommandAnswer::Error("'remove' parameter expected to be a boolean.");
    }
    absl::Status reclaimed = server.ReclaimExpiredLeases(arguments["remove"].get<bool>());
    if (!reclaimed.ok()) return CommandAnswer::Error(std::string(reclaimed.message()));
    return CommandAnswer::Success("Reclamation of expired leases is complete.");
  });
}

}  // namespace shoal::server
