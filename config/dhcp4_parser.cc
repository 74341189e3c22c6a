// The Dhcp4 map: globals, shared networks, subnets, pools, reservations,
// client classes, and the inheritance of subnet parameters.
#include "config/dhcp4_parser.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "config/json_reader.h"
#include "config/option_parser.h"
#include "config/parse_context.h"
#include "config/sections_parser.h"

namespace shoal::config {
namespace {

using dhcp::Ipv4Address;
using dhcp::Ipv4Prefix;
using internal::Document;
using internal::Node;
using internal::ParseError;

// Kea parameters shoal accepts (type-checked) without acting on them. They
// have no effect without the features they belong to (DNS updates are
// refused in dhcp-ddns) or only tune Kea internals.
const std::vector<std::string_view> kIgnoredScopeKeys = {"ddns-send-updates",
                                                         "ddns-override-no-update",
                                                         "ddns-override-client-update",
                                                         "ddns-replace-client-name",
                                                         "ddns-generated-prefix",
                                                         "ddns-qualifying-suffix",
                                                         "ddns-update-on-renew",
                                                         "ddns-use-conflict-resolution",
                                                         "hostname-char-set",
                                                         "hostname-char-replacement",
                                                         "store-extended-info",
                                                         "cache-threshold",
                                                         "cache-max-age"};

// Parameters a shared network and a subnet both take (Kea's inheritable
// ones; a subnet's value wins over its network's).
const std::vector<std::string_view> kNetworkScopeKeys = {"option-data",
                                                         "relay",
                                                         "interface",
                                                         "valid-lifetime",
                                                         "min-valid-lifetime",
                                                         "max-valid-lifetime",
                                                         "renew-timer",
                                                         "rebind-timer",
                                                         "calculate-tee-times",
                                                         "t1-percent",
                                                         "t2-percent",
                                                         "match-client-id",
                                                         "authoritative",
                                                         "next-server",
                                                         "server-hostname",
                                                         "boot-file-name",
                                                         "reservation-mode",
                                                         "reservations-global",
                                                         "reservations-in-subnet",
                                                         "reservations-out-of-pool",
                                                         "client-class",
                                                         "require-client-classes"};

// The keys a shared network or subnet accepts: its own, the inheritable ones
// and the ignored ones.
std::vector<std::string_view> ScopeKeys(std::initializer_list<std::string_view> own) {
  std::vector<std::string_view> keys(own);
  keys.insert(keys.end(), kNetworkScopeKeys.begin(), kNetworkScopeKeys.end());
  keys.insert(keys.end(), kIgnoredScopeKeys.begin(), kIgnoredScopeKeys.end());
  return keys;
}

// Parameters inherited global -> shared network -> subnet. Unset = inherit.
struct Triplet {
  uint32_t min = 0, value = 0, max = 0;
};

struct Scope {
  std::optional<Triplet> valid;
  std::optional<uint32_t> renew, rebind;
  std::optional<bool> calculate_tee_times;
  std::optional<double> t1, t2;
  std::optional<bool> match_client_id, authoritative;
  std::optional<bool> res_global, res_in_subnet, res_out_of_pool;
  std::optional<Ipv4Address> next_server;
  std::optional<std::string> server_hostname, boot_file_name;
  std::optional<std::string> interface;
  std::optional<std::vector<Ipv4Address>> relay;
  std::optional<std::string> client_class;

  // `over` wins where it is set.
  Scope Merge(const Scope& over) const {
    Scope r = *this;
    auto pick = [](auto& mine, const auto& theirs) {
      if (theirs) mine = theirs;
    };
    pick(r.valid, over.valid);
    pick(r.renew, over.renew);
    pick(r.rebind, over.rebind);
    pick(r.calculate_tee_times, over.calculate_tee_times);
    pick(r.t1, over.t1);
    pick(r.t2, over.t2);
    pick(r.match_client_id, over.match_client_id);
    pick(r.authoritative, over.authoritative);
    pick(r.res_global, over.res_global);
    pick(r.res_in_subnet, over.res_in_subnet);
    pick(r.res_out_of_pool, over.res_out_of_pool);
    pick(r.next_server, over.next_server);
    pick(r.server_hostname, over.server_hostname);
    pick(r.boot_file_name, over.boot_file_name);
    pick(r.interface, over.interface);
    pick(r.relay, over.relay);
    pick(r.client_class, over.client_class);
    return r;
  }
};

// Kea's SimpleParser::parseIntTriplet for valid-lifetime.
std::optional<Triplet> ParseValidTriplet(const Node& n) {
  std::optional<uint32_t> value, min, max;
  if (auto v = n.Get("valid-lifetime")) value = v->Uint32();
  if (auto v = n.Get("min-valid-lifetime")) min = v->Uint32();
  if (auto v = n.Get("max-valid-lifetime")) max = v->Uint32();
  if (!value && !min && !max) return std::nullopt;
  Triplet t;
  if (value) {
    t.value = *value;
    t.min = min.value_or(*value);
    t.max = max.value_or(*value);
  } else if (min && max) {
    t.min = *min;
    t.max = *max;
    t.value = *min;
  } else if (min) {
    t.min = t.value = t.max = *min;
  } else {
    t.min = t.value = t.max = *max;
  }
  if (t.min > t.value) {
    (value ? n.Child("valid-lifetime") : n.Child("min-valid-lifetime"))
        .Fail(absl::StrCat("min-valid-lifetime (", t.min, ") is greater than valid-lifetime (",
                           t.value,
                           "); expected min-valid-lifetime <= valid-lifetime <= "
                           "max-valid-lifetime"));
  }
  if (t.value > t.max) {
    (value ? n.Child("valid-lifetime") : n.Child("max-valid-lifetime"))
        .Fail(absl::StrCat("valid-lifetime (", t.value, ") is greater than max-valid-lifetime (",
                           t.max,
                           "); expected min-valid-lifetime <= valid-lifetime <= "
                           "max-valid-lifetime"));
  }
  return t;
}

double ParsePercent(const Node& n) {
  double v = n.Double();
  if (!(v > 0.0 && v < 1.0)) {
    n.Fail(absl::StrCat(v, " is invalid, expected a number greater than 0 and less than 1"));
  }
  return v;
}

std::vector<Ipv4Address> ParseRelay(const Node& n) {
  n.CheckKeys({"ip-addresses", "ip-address"});
  if (n.Has("ip-addresses") && n.Has("ip-address")) {
    n.Fail("give either 'ip-address' or 'ip-addresses', not both");
  }
  std::vector<Ipv4Address> out;
  auto add = [&](const Node& item) {
    Ipv4Address a = item.Address();
    // Kea's examples write "0.0.0.0" for "no relay"; giaddr 0 means not
    // relayed, so it never selects a subnet and is dropped.
    if (a.IsZero()) return;
    if (std::find(out.begin(), out.end(), a) != out.end()) {
      item.Fail(absl::StrCat("relay address ", a.ToString(), " is listed twice"));
    }
    out.push_back(a);
  };
  if (auto list = n.Get("ip-addresses")) {
    list->ExpectList();
    for (size_t i = 0; i < list->json().size(); ++i) add(list->At(i));
  }
  if (auto one = n.Get("ip-address")) add(*one);
  return out;
}

void ParseReservationFlags(const Node& n, Scope* s) {
  bool has_new = n.Has("reservations-global") || n.Has("reservations-in-subnet") ||
                 n.Has("reservations-out-of-pool");
  if (auto mode = n.Get("reservation-mode")) {
    if (has_new) {
      mode->Fail(
          "'reservation-mode' cannot be combined with reservations-global, "
          "reservations-in-subnet or reservations-out-of-pool");
    }
    std::string m = mode->String();
    if (m == "disabled") {
      s->res_global = false, s->res_in_subnet = false, s->res_out_of_pool = false;
    } else if (m == "global") {
      s->res_global = true, s->res_in_subnet = false, s->res_out_of_pool = false;
    } else if (m == "out-of-pool") {
      s->res_global = false, s->res_in_subnet = true, s->res_out_of_pool = true;
    } else if (m == "all") {
      s->res_global = false, s->res_in_subnet = true, s->res_out_of_pool = false;
    } else {
      mode->Fail(absl::StrCat("'", m,
                              "' is not a reservation mode, expected disabled, global, "
                              "out-of-pool or all"));
    }
  }
  if (auto v = n.Get("reservations-global")) s->res_global = v->Bool();
  if (auto v = n.Get("reservations-in-subnet")) s->res_in_subnet = v->Bool();
  if (auto v = n.Get("reservations-out-of-pool")) s->res_out_of_pool = v->Bool();
}

std::string ParseBootString(const Node& n, size_t max_len) {
  std::string s = n.String();
  if (s.size() > max_len) {
    n.Fail(absl::StrCat("is ", s.size(), " characters long, the field holds at most ", max_len));
  }
  return s;
}

// The inheritable parameters present in one scope (global, shared network
// or subnet).
Scope ParseScope(const Node& n) {
  Scope s;
  s.valid = ParseValidTriplet(n);
  if (auto v = n.Get("renew-timer")) s.renew = v->Uint32();
  if (auto v = n.Get("rebind-timer")) s.rebind = v->Uint32();
  if (auto v = n.Get("calculate-tee-times")) s.calculate_tee_times = v->Bool();
  if (auto v = n.Get("t1-percent")) s.t1 = ParsePercent(*v);
  if (auto v = n.Get("t2-percent")) s.t2 = ParsePercent(*v);
  if (auto v = n.Get("match-client-id")) s.match_client_id = v->Bool();
  if (auto v = n.Get("authoritative")) s.authoritative = v->Bool();
  ParseReservationFlags(n, &s);
  if (auto v = n.Get("next-server")) s.next_server = v->Address();
  if (auto v = n.Get("server-hostname")) s.server_hostname = ParseBootString(*v, 63);
  if (auto v = n.Get("boot-file-name")) s.boot_file_name = ParseBootString(*v, 127);
  if (auto v = n.Get("interface")) {
    std::string name = v->String();
    if (name.empty() || name.size() > 15 || name.find_first_of(" /*") != std::string::npos) {
      v->Fail(absl::StrCat("'", name, "' is not a valid interface name"));
    }
    s.interface = name;
  }
  if (auto v = n.Get("relay")) s.relay = ParseRelay(*v);
  if (auto v = n.Get("client-class")) s.client_class = v->String();
  // Accepted Kea parameters without effect in shoal: type-check only.
  for (std::string_view key : kIgnoredScopeKeys) {
    if (auto v = n.Get(key)) {
      const auto& j = v->json();
      if (j.is_object() || j.is_array() || j.is_null()) {
        v->Fail(absl::StrCat("expected a scalar value, got ", internal::JsonTypeName(j)));
      }
    }
  }
  return s;
}

// Pool text: "a - b", "a-b" or "prefix/len".
std::pair<Ipv4Address, Ipv4Address> ParsePoolRange(const Node& n) {
  std::string text = n.String();
  std::optional<dhcp::Ipv4Range> range = dhcp::Ipv4Range::Parse(text);
  if (!range) {
    n.Fail(absl::StrCat("'", text,
                        "' is not a valid pool, expected 'first - last' (the first address "
                        "not greater than the last) or 'prefix/len'"));
  }
  return {range->first, range->last};
}

std::string RangeText(const Pool& p) {
  return absl::StrCat(p.first.ToString(), " - ", p.last.ToString());
}

class Parser {
 public:
  explicit Parser(const Document* doc, Config* config) : doc_(doc), config_(config) {}

  // Kea refuses a configuration database whose type has no backend hook
  // loaded when another backend's hook is: shoal does the same for the
  // markers it accepts (without any marker the built-in backend is used).
  void CheckConfigBackendHooks(const Node& hooks) {
    std::vector<std::string> markers;
    for (const HookLibraryConfig& lib : config_->hooks_libraries) {
      if (!lib.config_backend_type.empty()) markers.push_back(lib.config_backend_type);
    }
    if (markers.empty()) return;
    for (const DatabaseConfig& db : config_->config_control.config_databases) {
      if (std::find(markers.begin(), markers.end(), db.type) == markers.end()) {
        hooks.Fail(absl::StrCat("the configuration database is of type '", db.type,
                                "' but the configuration backend hook loaded is for '",
                                markers.front(), "'; load libdhcp_",
                                db.type == "mysql" ? "mysql" : "pgsql", "_cb.so instead"));
      }
    }
  }

  // One reservation map in a one-element list, checked as in a file
  // (reservation-add).
  Reservation ParseOneReservation(const nlohmann::json& list, Subnet4* subnet) {
    Node n(doc_, &list, "", "");
    std::vector<Reservation> parsed = ParseReservations(n, subnet);
    return std::move(parsed.front());
  }

  void ParseRoot(const nlohmann::json& dhcp4) {
    Node root(doc_, &dhcp4, "", "");
    root.ExpectMap();
    std::vector<std::string_view> keys = {"valid-lifetime",
                                          "min-valid-lifetime",
                                          "max-valid-lifetime",
                                          "renew-timer",
                                          "rebind-timer",
                                          "calculate-tee-times",
                                          "t1-percent",
                                          "t2-percent",
                                          "decline-probation-period",
                                          "subnet4",
                                          "shared-networks",
                                          "interfaces-config",
                                          "lease-database",
                                          "hosts-database",
                                          "hosts-databases",
                                          "host-reservation-identifiers",
                                          "client-classes",
                                          "option-def",
                                          "option-data",
                                          "hooks-libraries",
                                          "expired-leases-processing",
                                          "control-socket",
                                          "control-sockets",
                                          "dhcp-ddns",
                                          "echo-client-id",
                                          "match-client-id",
                                          "authoritative",
                                          "next-server",
                                          "server-hostname",
                                          "boot-file-name",
                                          "sanity-checks",
                                          "reservations",
                                          "config-control",
                                          "server-tag",
                                          "reservation-mode",
                                          "reservations-global",
                                          "reservations-in-subnet",
                                          "reservations-out-of-pool",
                                          "loggers",
                                          "multi-threading",
                                          "ip-reservations-unique",
                                          "dhcp4o6-port",
                                          "dhcp-queue-control",
                                          "statistic-default-sample-count",
                                          "statistic-default-sample-age",
                                          "early-global-reservations-lookup",
                                          "reservations-lookup-first",
                                          "compatibility",
                                          "parked-packet-limit"};
    keys.insert(keys.end(), kIgnoredScopeKeys.begin(), kIgnoredScopeKeys.end());
    root.CheckKeys(keys);
    if (root.Has("interface")) root.Fail("'interface' is not a global parameter");

    // Option definitions first: option data everywhere depends on them.
    config_->option_definitions = dhcp::StandardDhcp4OptionDefinitions();
    if (auto v = root.Get("option-def")) {
      internal::ParseOptionDefList(*v, &config_->option_definitions);
    }
    if (auto v = root.Get("interfaces-config")) {
      config_->interfaces = internal::ParseInterfacesConfig(*v);
    }
    if (auto v = root.Get("lease-database")) {
      config_->lease_database = internal::ParseDatabase(*v, /*hosts=*/false);
    }
    if (root.Has("hosts-database") && root.Has("hosts-databases")) {
      root.Child("hosts-databases")
          .Fail("give either 'hosts-database' or 'hosts-databases', not both");
    }
    // A node keeps every reservation of a hosts database in memory and
    // keeps serving what it has while the database is away, so Kea's
    // failure policy has nothing to stop or retry.
    auto parse_hosts_database = [this](const internal::Node& n) {
      for (const char* key : {"on-fail", "retry-on-startup"}) {
        if (auto v = n.Get(key)) {
          v->Warn(absl::StrCat("'", key,
                               "' does not apply to a hosts database: a node serves the "
                               "reservations it last read and reconnects for ever "
                               "(docs/hosts-sql.md)"));
        }
      }
      config_->hosts_databases.push_back(internal::ParseDatabase(n, /*hosts=*/true));
    };
    if (auto v = root.Get("hosts-database")) parse_hosts_database(*v);
    if (auto v = root.Get("hosts-databases")) {
      v->ExpectList();
      for (size_t i = 0; i < v->json().size(); ++i) parse_hosts_database(v->At(i));
    }
    if (auto v = root.Get("host-reservation-identifiers")) {
      config_->host_reservation_identifiers = internal::ParseHostReservationIdentifiers(*v);
    }
    if (auto v = root.Get("expired-leases-processing")) {
      config_->expired_leases_processing = internal::ParseExpiredLeasesProcessing(*v);
    }
    if (auto v = root.Get("loggers")) config_->loggers = internal::ParseLoggers(*v);
    if (auto v = root.Get("control-socket")) {
      config_->control_sockets.push_back(internal::ParseKea22ControlSocket(*v));
    }
    if (auto v = root.Get("control-sockets")) {
      auto more = internal::ParseControlSockets(*v);
      config_->control_sockets.insert(config_->control_sockets.end(), more.begin(), more.end());
    }
    if (auto v = root.Get("config-control"))
      config_->config_control = internal::ParseConfigControl(*v);
    if (auto v = root.Get("multi-threading")) {
      config_->multi_threading = internal::ParseMultiThreading(*v);
    }
    if (auto v = root.Get("hooks-libraries")) {
      config_->hooks_libraries = internal::ParseHooksLibraries(*v);
      CheckConfigBackendHooks(*v);
    }
    if (auto v = root.Get("dhcp-ddns")) internal::ParseDhcpDdns(*v);
    if (auto v = root.Get("sanity-checks")) config_->lease_checks = internal::ParseSanityChecks(*v);
    if (auto v = root.Get("decline-probation-period"))
      config_->decline_probation_period = v->Uint32();
    if (auto v = root.Get("echo-client-id")) config_->echo_client_id = v->Bool();
    if (auto v = root.Get("server-tag")) {
      config_->server_tag = v->String();
      if (config_->server_tag.size() > 64) v->Fail("the server tag is longer than 64 characters");
      if (config_->server_tag == "all") v->Fail("'all' is reserved and cannot be a server tag");
    }
    if (auto v = root.Get("ip-reservations-unique")) config_->ip_reservations_unique = v->Bool();
    ParseAcceptedGlobals(root);

    if (auto v = root.Get("client-classes")) ParseClientClasses(*v);
    if (auto v = root.Get("option-data")) {
      config_->global_options = internal::ParseOptionDataList(*v, config_->option_definitions);
    }

    global_ = ParseScope(root);
    if (root.Has("client-class")) root.Fail("'client-class' is not a global parameter");
    if (!global_.valid) global_.valid = Triplet{7200, 7200, 7200};

    if (auto v = root.Get("reservations")) {
      config_->global_reservations = ParseReservations(*v, nullptr);
    }
    // Kea reads map keys in alphabetical order: shared-networks before subnet4.
    if (auto v = root.Get("shared-networks")) ParseSharedNetworks(*v);
    if (auto v = root.Get("subnet4")) ParseSubnetList(*v, -1, global_);
    AssignIdsAndValidate();
  }

 private:
  void ParseAcceptedGlobals(const Node& root) {
    if (auto v = root.Get("dhcp4o6-port")) {
      if (v->Integer(0, 65535) != 0) v->Warn("DHCPv4-over-DHCPv6 is not implemented; ignored");
    }
    if (auto v = root.Get("dhcp-queue-control")) {
      v->ExpectMap();
      if (auto e = v->Get("enable-queue"); e && e->Bool()) {
        v->Warn("dhcp-queue-control is not implemented; packets are not queued this way");
      }
    }
    for (const char* k : {"statistic-default-sample-count", "statistic-default-sample-age",
                          "parked-packet-limit"}) {
      if (auto v = root.Get(k)) v->Uint32();
    }
    for (const char* k : {"early-global-reservations-lookup", "reservations-lookup-first"}) {
      if (auto v = root.Get(k)) v->Bool();
    }
    if (auto v = root.Get("compatibility")) {
      v->CheckKeys({"lenient-option-parsing", "ignore-rai-link-selection",
                    "ignore-dhcp-server-identifier", "exclude-first-last-24"});
      for (auto it = v->json().begin(); it != v->json().end(); ++it) {
        if (it.key() != "comment" && it.key() != "user-context") v->Child(it.key()).Bool();
      }
    }
  }

  void ParseClientClasses(const Node& list) {
    list.ExpectList();
    std::set<std::string> names;
    for (size_t i = 0; i < list.json().size(); ++i) {
      Node n = list.At(i);
      n.CheckKeys({"name", "test", "only-if-required", "option-data", "option-def", "next-server",
                   "server-hostname", "boot-file-name", "valid-lifetime", "min-valid-lifetime",
                   "max-valid-lifetime"});
      ClientClassConfig c;
      if (!n.Has("name")) n.Fail("missing parameter 'name'");
      c.name = n.Child("name").String();
      if (c.name.empty()) n.Child("name").Fail("the class name is empty");
      if (!names.insert(c.name).second) {
        n.Child("name").Fail(absl::StrCat("client class '", c.name, "' is defined twice"));
      }
      if (auto v = n.Get("test")) c.test = v->String();
      if (auto v = n.Get("only-if-required")) c.only_if_required = v->Bool();
      if (auto v = n.Get("option-def")) {
        // Kea allows class option definitions only for 43 and 224-254.
        dhcp::OptionDefinitionSet local;
        c.option_definitions = internal::ParseOptionDefList(*v, &local);
        for (size_t j = 0; j < c.option_definitions.size(); ++j) {
          const auto& d = c.option_definitions[j];
          if (d.space != "dhcp4" || !(d.code == 43 || (d.code >= 224 && d.code <= 254))) {
            v->At(j).Fail("a client class may only define dhcp4 options 43 and 224 to 254");
          }
        }
      }
      if (auto v = n.Get("option-data")) {
        c.options = internal::ParseOptionDataList(*v, config_->option_definitions);
      }
      if (auto v = n.Get("next-server")) c.next_server = v->Address();
      if (auto v = n.Get("server-hostname")) c.server_hostname = ParseBootString(*v, 63);
      if (auto v = n.Get("boot-file-name")) c.boot_file_name = ParseBootString(*v, 127);
      if (auto t = ParseValidTriplet(n)) {
        if (n.Has("valid-lifetime")) c.valid_lifetime = t->value;
        if (n.Has("min-valid-lifetime")) c.min_valid_lifetime = t->min;
        if (n.Has("max-valid-lifetime")) c.max_valid_lifetime = t->max;
      }
      config_->client_classes.push_back(std::move(c));
    }
    if (!config_->client_classes.empty()) {
      list.Warn(
          "client classification is not implemented yet: client-classes are stored but "
          "not evaluated");
    }
  }

  void ParseSharedNetworks(const Node& list) {
    list.ExpectList();
    std::set<std::string> names;
    for (size_t i = 0; i < list.json().size(); ++i) {
      Node n = list.At(i);
      n.CheckKeys(ScopeKeys({"name", "subnet4"}));
      SharedNetwork net;
      if (!n.Has("name")) n.Fail("missing parameter 'name'");
      net.name = n.Child("name").String();
      if (net.name.empty()) n.Child("name").Fail("the shared network name is empty");
      if (!names.insert(net.name).second) {
        n.Child("name").Fail(absl::StrCat("a shared network named '", net.name,
                                          "' is already defined; names must be unique"));
      }
      if (auto v = n.Get("option-data")) {
        net.options = internal::ParseOptionDataList(*v, config_->option_definitions);
      }
      if (auto v = n.Get("require-client-classes")) v->StringList();
      Scope own = ParseScope(n);
      net.interface = own.interface.value_or("");
      net.relay_addresses = own.relay.value_or(std::vector<Ipv4Address>{});
      net.client_class = own.client_class.value_or("");
      int index = static_cast<int>(config_->shared_networks.size());
      config_->shared_networks.push_back(std::move(net));
      if (auto v = n.Get("subnet4")) ParseSubnetList(*v, index, global_.Merge(own));
    }
  }

  void ParseSubnetList(const Node& list, int network, const Scope& parent) {
    list.ExpectList();
    for (size_t i = 0; i < list.json().size(); ++i) ParseSubnet(list.At(i), network, parent);
  }

  void ParseSubnet(const Node& n, int network, const Scope& parent) {
    n.CheckKeys(ScopeKeys({"id", "subnet", "pools", "reservations", "4o6-interface",
                           "4o6-interface-id", "4o6-subnet"}));
    Subnet4 s;
    if (!n.Has("subnet")) n.Fail("missing parameter 'subnet' (e.g. \"192.0.2.0/24\")");
    Node subnet = n.Child("subnet");
    std::string text = subnet.String();
    auto prefix = Ipv4Prefix::Parse(text);
    if (!prefix) {
      subnet.Fail(absl::StrCat("'", text,
                               "' is not a valid subnet, expected prefix/len such as "
                               "192.0.2.0/24"));
    }
    s.prefix = *prefix;
    if (auto v = n.Get("id")) {
      int64_t id = v->Integer(0, UINT32_MAX - 1);
      s.id = static_cast<uint32_t>(id);
      // id 0 means "assign one", as in Kea.
    }
    for (const char* k : {"4o6-interface", "4o6-interface-id", "4o6-subnet"}) {
      if (auto v = n.Get(k); v && !v->String().empty()) {
        v->Fail("DHCPv4-over-DHCPv6 is not supported by shoal");
      }
    }
    s.shared_network = network;
    Scope own = ParseScope(n);
    if (network >= 0) {
      const SharedNetwork& net = config_->shared_networks[network];
      if (own.interface && !net.interface.empty() && *own.interface != net.interface) {
        n.Child("interface")
            .Fail(absl::StrCat("the subnet's interface '", *own.interface,
                               "' differs from its shared network's '", net.interface, "'"));
      }
    }
    Scope r = parent.Merge(own);
    ResolveOnto(n, r, &s);
    if (auto v = n.Get("require-client-classes")) s.require_client_classes = v->StringList();
    if (auto v = n.Get("option-data")) {
      s.options = internal::ParseOptionDataList(*v, config_->option_definitions);
    }
    if (auto v = n.Get("pools")) ParsePools(*v, &s);
    if (auto v = n.Get("reservations")) s.reservations = ParseReservations(*v, &s);
    subnet_nodes_.push_back(n);
    config_->subnets.push_back(std::move(s));
  }

  void ResolveOnto(const Node& n, const Scope& r, Subnet4* s) {
    const Triplet& t = *r.valid;
    s->valid_lifetime = t.value;
    s->min_valid_lifetime = t.min;
    s->max_valid_lifetime = t.max;
    s->renew_timer = r.renew;
    s->rebind_timer = r.rebind;
    s->calculate_tee_times = r.calculate_tee_times.value_or(false);
    s->t1_percent = r.t1.value_or(0.5);
    s->t2_percent = r.t2.value_or(0.875);
    s->match_client_id = r.match_client_id.value_or(true);
    s->authoritative = r.authoritative.value_or(false);
    s->reservations_global = r.res_global.value_or(false);
    s->reservations_in_subnet = r.res_in_subnet.value_or(true);
    s->reservations_out_of_pool = r.res_out_of_pool.value_or(false);
    s->next_server = r.next_server.value_or(Ipv4Address());
    s->server_hostname = r.server_hostname.value_or("");
    s->boot_file_name = r.boot_file_name.value_or("");
    s->interface = r.interface.value_or("");
    s->relay_addresses = r.relay.value_or(std::vector<Ipv4Address>{});
    s->client_class = r.client_class.value_or("");
    std::string where = absl::StrCat(" for subnet ", s->prefix.ToString());
    if (s->renew_timer && s->rebind_timer && *s->renew_timer > *s->rebind_timer) {
      n.Fail(absl::StrCat("renew-timer (", *s->renew_timer, ") is greater than rebind-timer (",
                          *s->rebind_timer, ")", where,
                          "; expected renew-timer <= rebind-timer "
                          "<= valid-lifetime"));
    }
    if (s->rebind_timer && *s->rebind_timer > s->valid_lifetime) {
      n.Fail(absl::StrCat("rebind-timer (", *s->rebind_timer, ") is greater than valid-lifetime (",
                          s->valid_lifetime, ")", where,
                          "; expected renew-timer <= rebind-timer <= valid-lifetime"));
    }
    if (s->renew_timer && !s->rebind_timer && *s->renew_timer > s->valid_lifetime) {
      n.Fail(absl::StrCat("renew-timer (", *s->renew_timer, ") is greater than valid-lifetime (",
                          s->valid_lifetime, ")", where));
    }
    if (s->calculate_tee_times && s->t1_percent >= s->t2_percent) {
      n.Fail(absl::StrCat("t1-percent (", s->t1_percent, ") must be less than t2-percent (",
                          s->t2_percent, ")", where));
    }
  }

  void ParsePools(const Node& list, Subnet4* s) {
    list.ExpectList();
    for (size_t i = 0; i < list.json().size(); ++i) {
      Node n = list.At(i);
      n.CheckKeys({"pool", "option-data", "client-class", "require-client-classes"});
      if (!n.Has("pool")) n.Fail("missing parameter 'pool' (e.g. \"192.0.2.10 - 192.0.2.100\")");
      Node pn = n.Child("pool");
      Pool pool;
      std::tie(pool.first, pool.last) = ParsePoolRange(pn);
      if (!s->prefix.Contains(pool.first) || !s->prefix.Contains(pool.last)) {
        pn.Fail(
            absl::StrCat("pool ", RangeText(pool), " is not inside subnet ", s->prefix.ToString()));
      }
      for (const Pool& other : s->pools) {
        if (pool.first <= other.last && other.first <= pool.last) {
          pn.Fail(absl::StrCat("pool ", RangeText(pool), " overlaps pool ", RangeText(other),
                               " in subnet ", s->prefix.ToString()));
        }
      }
      if (auto v = n.Get("option-data")) {
        pool.options = internal::ParseOptionDataList(*v, config_->option_definitions);
      }
      if (auto v = n.Get("client-class")) pool.client_class = v->String();
      if (auto v = n.Get("require-client-classes")) pool.require_client_classes = v->StringList();
      s->pools.push_back(std::move(pool));
    }
  }

  std::vector<uint8_t> ParseIdentifier(const Node& n, IdentifierType type) {
    std::string text = n.String();
    auto bytes = dhcp::ParseBinaryData(text);
    if (!bytes.ok()) {
      n.Fail(absl::StrCat("'", text, "' is not a valid ", IdentifierTypeName(type),
                          ", expected hex such as 01:02:03:04:05:06 or a quoted 'text'"));
    }
    size_t min = type == IdentifierType::kClientId ? 2 : 1;
    size_t max = type == IdentifierType::kHwAddress ? 20 : 128;
    if (bytes->size() < min || bytes->size() > max) {
      n.Fail(absl::StrCat("a ", IdentifierTypeName(type), " must be ", min, " to ", max,
                          " bytes long, got ", bytes->size()));
    }
    return *bytes;
  }

  // `subnet` is null for global reservations.
  std::vector<Reservation> ParseReservations(const Node& list, Subnet4* subnet) {
    list.ExpectList();
    std::vector<Reservation> out;
    std::map<std::pair<int, std::vector<uint8_t>>, size_t> ids;
    std::map<Ipv4Address, size_t> addresses;
    for (size_t i = 0; i < list.json().size(); ++i) {
      Node n = list.At(i);
      n.CheckKeys({"hw-address", "client-id", "circuit-id", "duid", "flex-id", "ip-address",
                   "hostname", "option-data", "client-classes", "next-server", "server-hostname",
                   "boot-file-name"});
      Reservation r;
      r.subnet_id = 0;  // set after id assignment
      int found = 0;
      for (IdentifierType t :
           {IdentifierType::kHwAddress, IdentifierType::kClientId, IdentifierType::kCircuitId,
            IdentifierType::kDuid, IdentifierType::kFlexId}) {
        if (auto v = n.Get(IdentifierTypeName(t))) {
          if (++found > 1) {
            v->Fail(
                "a reservation takes exactly one identifier (hw-address, client-id, "
                "circuit-id, duid or flex-id)");
          }
          r.identifier_type = t;
          r.identifier = ParseIdentifier(*v, t);
        }
      }
      if (found == 0) {
        n.Fail(
            "missing identifier: give one of hw-address, client-id, circuit-id, duid or "
            "flex-id");
      }
      auto key = std::make_pair(static_cast<int>(r.identifier_type), r.identifier);
      if (auto it = ids.find(key); it != ids.end()) {
        n.Child(IdentifierTypeName(r.identifier_type))
            .Fail(absl::StrCat("duplicate reservation: ", IdentifierTypeName(r.identifier_type),
                               " ", dhcp::ToColonHex(r.identifier), " is already reserved by ",
                               list.path(), "[", it->second, "]"));
      }
      ids.emplace(key, i);
      if (auto v = n.Get("ip-address")) {
        Ipv4Address a = v->Address();
        if (!a.IsZero()) {
          if (subnet && !subnet->prefix.Contains(a)) {
            v->Fail(absl::StrCat("reserved address ", a.ToString(), " is not inside subnet ",
                                 subnet->prefix.ToString()));
          }
          if (config_->ip_reservations_unique) {
            if (auto it = addresses.find(a); it != addresses.end()) {
              v->Fail(absl::StrCat("address ", a.ToString(), " is already reserved by ",
                                   list.path(), "[", it->second,
                                   "]; set ip-reservations-unique to false to allow this"));
            }
          }
          addresses.emplace(a, i);
          r.address = a;
        }
      }
      if (auto v = n.Get("hostname")) {
        r.hostname = v->String();
        if (r.hostname.size() > 255) v->Fail("the hostname is longer than 255 characters");
      }
      if (auto v = n.Get("option-data")) {
        r.options = internal::ParseOptionDataList(*v, config_->option_definitions);
      }
      if (auto v = n.Get("client-classes")) r.client_classes = v->StringList();
      if (auto v = n.Get("next-server")) r.next_server = v->Address();
      if (auto v = n.Get("server-hostname")) r.server_hostname = ParseBootString(*v, 63);
      if (auto v = n.Get("boot-file-name")) r.boot_file_name = ParseBootString(*v, 127);
      out.push_back(std::move(r));
    }
    return out;
  }

  void AssignIdsAndValidate() {
    uint32_t max_id = 0;
    std::map<uint32_t, size_t> by_id;
    std::map<std::pair<uint32_t, uint8_t>, size_t> by_prefix;
    for (size_t i = 0; i < config_->subnets.size(); ++i) {
      const Subnet4& s = config_->subnets[i];
      if (s.id == 0) continue;
      max_id = std::max(max_id, s.id);
      if (auto it = by_id.find(s.id); it != by_id.end()) {
        subnet_nodes_[i].Child("id").Fail(
            absl::StrCat("duplicate subnet id ", s.id, ": subnet ", s.prefix.ToString(),
                         " and subnet ", config_->subnets[it->second].prefix.ToString(), " (",
                         subnet_nodes_[it->second].path(), ") both use it"));
      }
      by_id.emplace(s.id, i);
    }
    for (size_t i = 0; i < config_->subnets.size(); ++i) {
      Subnet4& s = config_->subnets[i];
      if (s.id == 0) {
        if (max_id == UINT32_MAX - 1) subnet_nodes_[i].Fail("no subnet id left to assign");
        s.id = ++max_id;
      }
      auto key = std::make_pair(s.prefix.address.value(), s.prefix.length);
      if (auto it = by_prefix.find(key); it != by_prefix.end()) {
        subnet_nodes_[i].Child("subnet").Fail(
            absl::StrCat("subnet ", s.prefix.ToString(), " is already defined (",
                         subnet_nodes_[it->second].path(), "); each prefix may appear once"));
      }
      by_prefix.emplace(key, i);
      for (Reservation& r : s.reservations) r.subnet_id = s.id;
      if (s.shared_network >= 0) {
        config_->shared_networks[s.shared_network].subnet_ids.push_back(s.id);
      }
    }
  }

  const Document* doc_;
  Config* config_;
  Scope global_;
  std::vector<Node> subnet_nodes_;
};

absl::StatusOr<Config> ParseWithDocument(const nlohmann::json& dhcp4, Document* doc) {
  Config config;
  doc->warnings = &config.warnings;
  try {
    Parser parser(doc, &config);
    parser.ParseRoot(dhcp4);
  } catch (const ParseError& e) {
    return absl::InvalidArgumentError(e.what());
  } catch (const std::exception& e) {
    // nlohmann or the standard library; never expected, never fatal.
    return absl::InternalError(absl::StrCat("configuration parser failed: ", e.what()));
  }
  config.source_text = dhcp4.dump();
  return config;
}

}  // namespace

absl::StatusOr<Reservation> ParseReservationMap(const nlohmann::json& reservation,
                                                const Config& config, const Subnet4* subnet,
                                                std::string_view name) {
  Document doc;
  doc.root_name = std::string(name);
  Config scratch;
  scratch.option_definitions = config.option_definitions;
  scratch.ip_reservations_unique = config.ip_reservations_unique;
  doc.warnings = &scratch.warnings;
  std::optional<Subnet4> within;
  if (subnet != nullptr) within = *subnet;
  try {
    Parser parser(&doc, &scratch);
    const nlohmann::json list = nlohmann::json::array({reservation});
    Reservation r = parser.ParseOneReservation(list, within ? &*within : nullptr);
    r.subnet_id = subnet != nullptr ? subnet->id : 0;
    return r;
  } catch (const ParseError& e) {
    return absl::InvalidArgumentError(e.what());
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("reservation parser failed: ", e.what()));
  }
}

absl::StatusOr<Config> ParseDhcp4Map(const nlohmann::json& dhcp4, std::string_view source_name) {
  Document doc;
  doc.root_name = "Dhcp4";
  return ParseWithDocument(dhcp4, &doc);
}

absl::StatusOr<Config> ParseDhcp4ConfigText(std::string_view text, std::string_view source_name) {
  auto located = ReadLocatedJson(text, source_name);
  if (!located.ok()) return located.status();
  const nlohmann::json& root = located->value;
  std::string src(source_name);
  if (!root.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the configuration must be a map with a \"Dhcp4\" key, got ",
                     internal::JsonTypeName(root), located->Where("")));
  }
  for (auto it = root.begin(); it != root.end(); ++it) {
    const std::string& key = it.key();
    if (key == "Dhcp4" || key == "Dhcp6" || key == "DhcpDdns" || key == "Control-agent" ||
        key == "Netconf" || key == "Logging") {
      continue;
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "unsupported top-level parameter '", key,
        "', expected Dhcp4 (Kea's Dhcp6, DhcpDdns, Control-agent, Netconf and Logging are "
        "ignored)",
        located->Where(JsonPointerAppend("", key), /*key=*/true)));
  }
  if (!root.contains("Dhcp4")) {
    return absl::InvalidArgumentError(absl::StrCat("missing the \"Dhcp4\" map in ", src));
  }
  Document doc;
  doc.located = &*located;
  doc.root_pointer = "/Dhcp4";
  doc.root_name = "Dhcp4";
  return ParseWithDocument(root.at("Dhcp4"), &doc);
}

absl::StatusOr<Config> ParseDhcp4ConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot open configuration file '", path, "'"));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    return absl::UnavailableError(absl::StrCat("cannot read configuration file '", path, "'"));
  }
  std::string text = ss.str();
  return ParseDhcp4ConfigText(text, path);
}

}  // namespace shoal::config
