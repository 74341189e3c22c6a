// shoal-dhcp4: a DHCPv4 node. Takes kea-dhcp4's command line:
//   shoal-dhcp4 [-v] [-V] [-W] [-d] [-c file] [-t file] [-T file] [-p port] [-P port]
#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/synchronization/mutex.h"
#include "config/dhcp4_parser.h"
#include "config_backend/node_config_source.h"
#include "db/database_params.h"
#include "lease_backend/memfile_lease_store.h"
#include "lease_backend/sql_lease_store.h"
#include "server/backend_registry.h"
#include "server/control_channel.h"
#include "server/core_commands.h"
#include "server/dhcp4_server.h"
#include "host_backend/reservation_commands.h"
#include "server/lease_commands.h"
#include "server/logging.h"
#include "server/statistic_commands.h"
#include "server/statistics.h"
#include "server/version.h"

// gperftools' C interface; present when shoal-dhcp4 links tcmalloc.
extern "C" void MallocExtension_ReleaseFreeMemory(void) __attribute__((weak));

namespace {

using shoal::server::BackendRegistry;

// Gives freed heap memory back to the system (tcmalloc's free lists, else
// glibc's malloc_trim): after a configuration swap, never on the packet path.
void ReturnFreeMemoryToSystem() {
  if (MallocExtension_ReleaseFreeMemory != nullptr) {
    MallocExtension_ReleaseFreeMemory();
  } else {
    malloc_trim(0);
  }
}

constexpr char kDefaultLeaseFile[] = "/var/lib/shoal/shoal-leases4.csv";
// Where a node keeps its own files (the copy of its database configuration);
// SHOAL_DATA_DIR overrides it.
constexpr char kDefaultDataDirectory[] = "/var/lib/shoal";

std::string DataDirectory() {
  const char* dir = std::getenv("SHOAL_DATA_DIR");
  return dir != nullptr && *dir != '\0' ? dir : kDefaultDataDirectory;
}

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "unknown";
  return name;
}

void Usage(const char* reason) {
  if (reason != nullptr) std::cerr << "shoal-dhcp4: " << reason << "\n";
  std::cerr
      << "Usage: shoal-dhcp4 -[v|V|W] [-d] [-{c|t|T} cfgfile] [-p server_port_number]"
         " [-P client_port_number]\n"
         "  -v: print version number and exit\n"
         "  -V: print extended version and exit\n"
         "  -W: display the configuration report and exit\n"
         "  -d: debug mode with extra verbosity (former -v)\n"
         "  -c file: specify configuration file\n"
         "  -t file: check the configuration file syntax and exit\n"
         "  -T file: check the configuration file doing hooks load and extra checks and exit\n"
         "  -p number: specify non-standard server port number 1-65535 (useful for testing only)\n"
         "  -P number: specify non-standard client port number 1-65535 (useful for testing only)\n";
  std::exit(EXIT_FAILURE);
}

uint16_t ParsePort(const char* text, const char* flag) {
  int port = 0;
  if (!absl::SimpleAtoi(text, &port) || port < 1 || port > 65535) {
    std::string reason = std::string(flag) + " requires a port number 1-65535, got '" + text + "'";
    Usage(reason.c_str());
  }
  return static_cast<uint16_t>(port);
}

void RegisterBackends(BackendRegistry& registry) {
  registry.RegisterLeaseStore(
      "memfile",
      [](const shoal::config::DatabaseConfig& db)
          -> absl::StatusOr<std::shared_ptr<shoal::lease_backend::LeaseStore>> {
        shoal::lease_backend::MemfileOptions options{
            .path = db.name.empty() ? kDefaultLeaseFile : db.name,
            .persist = db.persist,
            .max_row_errors = db.max_row_errors};
        auto store = shoal::lease_backend::MemfileLeaseStore::Create(options);
        if (!store.ok()) return store.status();
        return std::shared_ptr<shoal::lease_backend::LeaseStore>(std::move(*store));
      });
  auto sql = [](const shoal::config::DatabaseConfig& db)
      -> absl::StatusOr<std::shared_ptr<shoal::lease_backend::LeaseStore>> {
    auto params = shoal::db::DatabaseParams::FromJson(db.raw, "lease-database");
    if (!params.ok()) return params.status();
    auto store = shoal::lease_backend::SqlLeaseStore::Create(*params);
    if (!store.ok()) return store.status();
    return std::shared_ptr<shoal::lease_backend::LeaseStore>(std::move(*store));
  };
  registry.RegisterLeaseStore("mysql", sql);
  registry.RegisterLeaseStore("postgresql", sql);
}

}  // namespace

int main(int argc, char** argv) {
  // Debian's Abseil checks every mutex for lock-order cycles; that costs
  // about 1% of a node's CPU on the packet path.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  shoal::server::ServerOptions options;
  std::string check_file;
  bool check_backends = false;
  int opt;
  while ((opt = getopt(argc, argv, "vVWdc:t:T:p:P:")) != -1) {
    switch (opt) {
      case 'v':
        std::cout << shoal::server::kVersion << "\n";
        return EXIT_SUCCESS;
      case 'V':
        std::cout << shoal::server::kVersion << "\n" << shoal::server::ExtendedVersion() << "\n";
        return EXIT_SUCCESS;
      case 'W':
        std::cout << shoal::server::ExtendedVersion() << "\n";
        return EXIT_SUCCESS;
      case 'd':
        options.debug = true;
        break;
      case 'c':
        options.config_file = optarg;
        break;
      case 'T':
        check_backends = true;
        [[fallthrough]];
      case 't':
        check_file = optarg;
        break;
      case 'p':
        options.ports.server = ParsePort(optarg, "-p");
        break;
      case 'P':
        options.ports.client = ParsePort(optarg, "-P");
        break;
      default:
        Usage(nullptr);
    }
  }
  if (optind < argc) Usage((std::string("extraneous argument '") + argv[optind] + "'").c_str());

  BackendRegistry backends;
  RegisterBackends(backends);

  if (!check_file.empty()) {
    auto config = shoal::config::ParseDhcp4ConfigFile(check_file);
    if (!config.ok()) {
      std::cerr << "shoal-dhcp4: configuration error in " << check_file << ": "
                << config.status().message() << "\n";
      return EXIT_FAILURE;
    }
    if (check_backends) {
      auto store = backends.OpenLeaseStore(config->lease_database);
      if (!store.ok()) {
        std::cerr << "shoal-dhcp4: lease-database: " << store.status().message() << "\n";
        return EXIT_FAILURE;
      }
    }
    std::cout << "Configuration " << check_file << " is valid\n";
    return EXIT_SUCCESS;
  }
  if (options.config_file.empty()) Usage("no configuration file given (-c file)");

  auto config = shoal::config::ParseDhcp4ConfigFile(options.config_file);
  if (!config.ok()) {
    std::cerr << "shoal-dhcp4: configuration error in " << options.config_file << ": "
              << config.status().message() << "\n";
    return EXIT_FAILURE;
  }
  auto log = shoal::server::MakeLogger(config->loggers, options.debug);
  if (!log.ok()) {
    std::cerr << "shoal-dhcp4: " << log.status().message() << "\n";
    return EXIT_FAILURE;
  }
  if (options.workers == 0) options.workers = config->multi_threading.thread_pool_size;
  auto shared_config = std::make_shared<const shoal::config::Config>(std::move(*config));
  for (const std::string& warning : shared_config->warnings) (*log)->warn("{}", warning);
  auto server = shoal::server::Dhcp4Server::Create(options, shared_config, backends, *log);
  if (!server.ok()) {
    (*log)->critical("cannot start: {}", server.status().ToString());
    return EXIT_FAILURE;
  }
  shoal::server::Dhcp4Server& node = **server;

  shoal::server::ControlChannel control(*log);
  // A node with config-control takes everything else from the
  // configuration database and follows it.
  std::unique_ptr<shoal::config_backend::NodeConfigSource> database_config;
  if (!shared_config->config_control.config_databases.empty()) {
    auto source = shoal::config_backend::NodeConfigSource::Create(
        shared_config,
        {.data_directory = DataDirectory(),
         .hostname = HostName(),
         .version = shoal::server::kVersion},
        [&node](std::shared_ptr<const shoal::config::Config> config) {
          absl::Status s = node.Reconfigure(std::move(config));
          // The previous configuration's memory (tens of MB at 10,000
          // subnets) goes back to the system, so a node's footprint stays
          // that of one configuration however many revisions it applies.
          ReturnFreeMemoryToSystem();
          return s;
        },
        [&node] {
          return shoal::config_backend::ConfigFollower::NodeHealth{
              .lease_database = node.lease_database_state(),
              .hosts_database = node.hosts_database_state()};
        },
        *log);
    if (!source.ok()) {
      (*log)->critical("config-control: {}", source.status().ToString());
      return EXIT_FAILURE;
    }
    database_config = std::move(*source);
    node.set_file_config_handler([&database_config](auto config) {
      return database_config->ApplyFile(std::move(config));
    });
    database_config->RegisterCommands(control.registry());
  }
  shoal::server::RegisterCoreCommands(control.registry(), node, [&database_config](auto& status) {
    if (database_config) status["config-database"] = database_config->Status();
  });
  shoal::server::Statistics statistics(node.counters(), [&node] { return node.context(); });
  shoal::server::RegisterStatisticCommands(control.registry(), statistics);
  shoal::server::RegisterLeaseCommands(control.registry(), [&node] { return node.context(); });
  shoal::host_backend::RegisterReservationCommands(
      control.registry(),
      {.config = [&node] { return node.context()->config_ptr(); },
       .databases = [&node] { return node.host_databases(); }});
  if (absl::Status s = control.Apply(shared_config->control_sockets); !s.ok()) {
    (*log)->critical("cannot open the command channel: {}", s.ToString());
    return EXIT_FAILURE;
  }
  // A new configuration may move the command sockets; listeners cannot be
  // replaced from their own threads, so do it in the background.
  node.set_reconfigure_observer([&node, &control, log = *log](const shoal::config::Config& c) {
    node.RunInBackground([&control, log, sockets = c.control_sockets] {
      if (absl::Status s = control.Apply(sockets); !s.ok()) {
        log->error("command channel not changed: {}", s.ToString());
      }
    });
  });
  if (database_config) database_config->Start();
  int exit_code = node.Run();
  if (database_config) database_config->Stop();
  control.Stop();
  return exit_code;
}
