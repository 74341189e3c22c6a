// The typed configuration of one shoal-dhcp4 node (Kea's `Dhcp4` map).
//
// A Config is immutable once built by the parser (config/dhcp4_parser.h) and
// is shared between threads as std::shared_ptr<const Config>. Inherited
// parameters (lifetimes, timers, match-client-id, authoritative, relay,
// interface) are already resolved onto every Subnet4: global -> shared network
// -> subnet, so the server never walks the hierarchy on the packet path.
// Options are kept per scope; the server applies Kea's precedence
// (reservation > pool > subnet > shared network > global).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dhcp/ipv4_address.h"
#include "dhcp/option_definition.h"
#include "nlohmann/json.hpp"

namespace shoal::config {

using dhcp::Ipv4Address;
using dhcp::Ipv4Prefix;

// One `option-data` entry, encoded to wire bytes at parse time.
struct OptionData {
  std::string space = "dhcp4";
  uint16_t code = 0;
  std::string name;              // from the definition, may be empty for unknown codes
  std::vector<uint8_t> payload;  // wire bytes, without code and length
  bool always_send = false;
  bool never_send = false;
};

enum class IdentifierType { kHwAddress, kClientId, kCircuitId, kDuid, kFlexId };
// "hw-address" etc.
const char* IdentifierTypeName(IdentifierType type);

// A host reservation (`reservations` entry).
struct Reservation {
  IdentifierType identifier_type = IdentifierType::kHwAddress;
  std::vector<uint8_t> identifier;  // raw bytes; a client-id includes its type byte
  std::optional<Ipv4Address> address;
  std::string hostname;
  std::vector<OptionData> options;
  std::vector<std::string> client_classes;
  Ipv4Address next_server;
  std::string server_hostname;
  std::string boot_file_name;
  uint32_t subnet_id = 0;  // 0 = global reservation
};

struct Pool {
  Ipv4Address first;
  Ipv4Address last;  // inclusive
  std::vector<OptionData> options;
  std::string client_class;  // may be empty
  std::vector<std::string> require_client_classes;
};

struct Subnet4 {
  uint32_t id = 0;
  Ipv4Prefix prefix;
  std::vector<Pool> pools;
  std::vector<OptionData> options;
  std::vector<Reservation> reservations;
  // Relay addresses (`relay.ip-addresses`) this subnet is selected by, besides
  // giaddr falling inside `prefix`. Inherited from the shared network.
  std::vector<Ipv4Address> relay_addresses;
  std::string interface;    // inherited from the shared network; may be empty
  int shared_network = -1;  // index into Config::shared_networks, or -1

  // Resolved parameters (global -> shared network -> subnet).
  uint32_t valid_lifetime = 7200;
  uint32_t min_valid_lifetime = 7200;
  uint32_t max_valid_lifetime = 7200;
  std::optional<uint32_t> renew_timer;
  std::optional<uint32_t> rebind_timer;
  bool calculate_tee_times = false;
  double t1_percent = 0.5;
  double t2_percent = 0.875;
  bool match_client_id = true;
  bool authoritative = false;
  bool reservations_global = false;
  bool reservations_in_subnet = true;
  bool reservations_out_of_pool = false;
  Ipv4Address next_server;
  std::string server_hostname;
  std::string boot_file_name;
  // `client-class` (inherited from the shared network) and
  // `require-client-classes` (this subnet's own).
  std::string client_class;
  std::vector<std::string> require_client_classes;
};

struct SharedNetwork {
  std::string name;
  std::vector<OptionData> options;
  std::vector<uint32_t> subnet_ids;
  // The network's own values (already copied onto its subnets unless a
  // subnet overrides them).
  std::string interface;
  std::vector<Ipv4Address> relay_addresses;
  std::string client_class;
};

struct InterfaceSpec {
  std::string name;                    // "eth0", or "*" for all
  std::optional<Ipv4Address> address;  // Kea's "eth0/192.0.2.1" form
};

struct InterfacesConfig {
  std::vector<InterfaceSpec> interfaces;
  bool raw_sockets = true;  // "dhcp-socket-type": "raw" (Kea's default) or "udp"
  bool re_detect = true;
  // "outbound-interface": false = "same-as-inbound" (default), true = "use-routing".
  bool outbound_use_routing = false;
  bool service_sockets_require_all = false;
  uint32_t service_sockets_max_retries = 0;
  uint32_t service_sockets_retry_wait_time = 5000;  // ms
};

// Kea's database access map (`lease-database`, `hosts-database`, ...).
// Fields not used by a type keep their defaults. `raw` keeps the map as
// given for backends that read more parameters.
struct DatabaseConfig {
  std::string type;  // "memfile", "mysql", "postgresql"
  // memfile
  bool persist = true;
  std::string name;  // memfile: lease file path; SQL: database name
  uint32_t lfc_interval = 3600;
  uint32_t max_row_errors = 0;
  nlohmann::json raw = nlohmann::json::object();
  friend bool operator==(const DatabaseConfig&, const DatabaseConfig&) = default;
};

struct ExpiredLeasesProcessing {
  uint32_t reclaim_timer_wait_time = 10;          // s; 0 disables
  uint32_t flush_reclaimed_timer_wait_time = 25;  // s; 0 = delete at reclamation
  uint32_t hold_reclaimed_time = 3600;            // s
  uint32_t max_reclaim_leases = 100;              // 0 = unlimited
  uint32_t max_reclaim_time = 250;                // ms; 0 = unlimited
  uint32_t unwarned_reclaim_cycles = 5;
};

struct LoggerOutput {
  std::string output = "stdout";  // "stdout", "stderr", "syslog[:name]", or a file path
  bool flush = true;
  uint64_t maxsize = 10240000;
  uint32_t maxver = 1;
  std::string pattern;
};

struct LoggerConfig {
  std::string name;               // "kea-dhcp4", "kea-dhcp4.leases", "shoal-dhcp4", ...
  std::string severity = "INFO";  // FATAL ERROR WARN INFO DEBUG NONE
  uint32_t debuglevel = 0;
  std::vector<LoggerOutput> outputs;
};

// One control channel (`control-sockets` entry, or Kea 2.2's single
// `control-socket`).
struct HttpClientCredential {
  std::string user;
  std::string password;
  bool read_only = false;  // shoal's "read-only": only reading commands
  friend bool operator==(const HttpClientCredential&, const HttpClientCredential&) = default;
};

struct ControlSocketConfig {
  enum class Type { kUnix, kHttp, kHttps };
  Type type = Type::kUnix;
  std::string socket_name;                   // unix: path
  std::string socket_address = "127.0.0.1";  // http
  uint16_t socket_port = 8000;               // http
  // HTTP basic authentication; required when `clients` is not empty.
  std::string auth_realm;
  std::vector<HttpClientCredential> auth_clients;
  // TLS: all three files or none.
  std::string trust_anchor;
  std::string cert_file;
  std::string key_file;
  bool cert_required = true;
  friend bool operator==(const ControlSocketConfig&, const ControlSocketConfig&) = default;
};

// `config-control`: where the shared configuration lives.
struct ConfigControl {
  std::vector<DatabaseConfig> config_databases;  // at most one (as Kea 2.2)
  uint32_t config_fetch_wait_time = 30;          // seconds; 0 = no automatic updates
  // shoal: how long revisions are kept after every live node applied them.
  uint32_t history_retention = 3600;  // seconds
  friend bool operator==(const ConfigControl&, const ConfigControl&) = default;
};

// `multi-threading` (Kea 2.2 defaults: disabled, auto-sized pool, queue 64).
struct MultiThreadingConfig {
  bool enable = false;
  uint32_t thread_pool_size = 0;  // 0 = number of CPUs
  uint32_t packet_queue_size = 64;
};

// A `client-classes` entry. Stored, not evaluated yet (classification is not
// implemented); `test` is Kea's expression text.
struct ClientClassConfig {
  std::string name;
  std::string test;
  bool only_if_required = false;
  std::vector<OptionData> options;
  std::vector<dhcp::OptionDefinition> option_definitions;
  Ipv4Address next_server;
  std::string server_hostname;
  std::string boot_file_name;
  std::optional<uint32_t> valid_lifetime;
  std::optional<uint32_t> min_valid_lifetime;
  std::optional<uint32_t> max_valid_lifetime;
};

// A `hooks-libraries` entry. shoal does not load Kea hook libraries; the list
// is kept so config-get shows it and a warning is recorded.
struct HookLibraryConfig {
  std::string library;
  // Kea's configuration backend (libdhcp_mysql_cb.so / libdhcp_pgsql_cb.so):
  // "mysql" / "postgresql"; shoal has it built in. Empty for anything else.
  std::string config_backend_type;
  nlohmann::json parameters = nlohmann::json::object();
};

struct Config {
  // The `Dhcp4` map as read (comments removed), for config-get/config-write,
  // kept as compact JSON text: as a tree it would take about ten times the
  // memory (15 MB for 10,000 subnets), and only those commands read it.
  std::string source_text = "{}";
  nlohmann::json Source() const { return nlohmann::json::parse(source_text); }

  InterfacesConfig interfaces;
  std::vector<Subnet4> subnets;
  std::vector<SharedNetwork> shared_networks;
  std::vector<OptionData> global_options;
  dhcp::OptionDefinitionSet option_definitions;  // standard + `option-def`
  std::vector<Reservation> global_reservations;
  // Host identifiers tried in order (`host-reservation-identifiers`).
  std::vector<IdentifierType> host_reservation_identifiers = {
      IdentifierType::kHwAddress, IdentifierType::kDuid, IdentifierType::kCircuitId,
      IdentifierType::kClientId};

  uint32_t decline_probation_period = 86400;
  bool echo_client_id = true;
  std::string server_tag;

  DatabaseConfig lease_database = [] {
    DatabaseConfig memfile;
    memfile.type = "memfile";
    return memfile;
  }();
  std::vector<DatabaseConfig> hosts_databases;
  ExpiredLeasesProcessing expired_leases_processing;
  std::vector<LoggerConfig> loggers;
  std::vector<ControlSocketConfig> control_sockets;

  ConfigControl config_control;
  MultiThreadingConfig multi_threading;
  std::string lease_checks = "warn";  // `sanity-checks.lease-checks`
  bool ip_reservations_unique = true;
  std::vector<ClientClassConfig> client_classes;
  std::vector<HookLibraryConfig> hooks_libraries;
  // Things that were accepted but are not acted upon (hooks libraries, Kea
  // parameters shoal does not implement), for the server to log at startup.
  std::vector<std::string> warnings;
};

}  // namespace shoal::config
