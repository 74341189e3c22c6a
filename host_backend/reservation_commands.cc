#include "host_backend/reservation_commands.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "config/dhcp4_parser.h"
#include "host_backend/host_sources.h"
#include "host_backend/host_writer.h"

namespace shoal::host_backend {
namespace {

using control::CommandAnswer;
using nlohmann::json;

constexpr config::IdentifierType kIdentifierTypes[] = {
    config::IdentifierType::kHwAddress, config::IdentifierType::kDuid,
    config::IdentifierType::kCircuitId, config::IdentifierType::kClientId,
    config::IdentifierType::kFlexId};
constexpr int64_t kMaxPageLimit = 1000000;
constexpr absl::Duration kServeWait = absl::Seconds(2);

absl::StatusOr<json> ArgumentsMap(const json& args, const std::string& command) {
  if (!args.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", command, "' needs an 'arguments' map, see Kea's host_cmds"));
  }
  return args;
}

absl::StatusOr<uint32_t> SubnetIdArgument(const json& args, bool required,
                                          std::optional<uint32_t>* out) {
  auto it = args.find("subnet-id");
  if (it == args.end()) {
    if (required) return absl::InvalidArgumentError("Mandatory 'subnet-id' parameter missing.");
    return 0;
  }
  if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > 0xffffffffLL) {
    return absl::InvalidArgumentError(
        "'subnet-id' must be a subnet id (an integer 0-4294967295; 0 = global reservations)");
  }
  *out = static_cast<uint32_t>(it->get<int64_t>());
  return **out;
}

absl::StatusOr<config::IdentifierType> IdentifierTypeArgument(const json& args) {
  auto it = args.find("identifier-type");
  if (it == args.end() || !it->is_string()) {
    return absl::InvalidArgumentError(
        "No 'ip-address' provided and 'identifier-type' is either missing or not a string.");
  }
  for (config::IdentifierType t : kIdentifierTypes) {
    if (*it == config::IdentifierTypeName(t)) return t;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "'identifier-type' ", it->dump(),
      " is not one of hw-address, duid, circuit-id, client-id, flex-id"));
}

absl::StatusOr<std::vector<uint8_t>> IdentifierArgument(const json& args) {
  auto it = args.find("identifier");
  if (it == args.end() || !it->is_string()) {
    return absl::InvalidArgumentError(
        "'identifier' is missing or not a string (hex such as 01:02:03:04:05:06)");
  }
  auto bytes = dhcp::ParseBinaryData(it->get<std::string>());
  if (!bytes.ok() || bytes->empty() || bytes->size() > 128) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'identifier' ", it->dump(), " is not 1-128 bytes of hex such as 01:02:03:04:05:06"));
  }
  return *bytes;
}

absl::StatusOr<dhcp::Ipv4Address> AddressArgument(const json& value) {
  std::optional<dhcp::Ipv4Address> a;
  if (value.is_string()) a = dhcp::Ipv4Address::Parse(value.get<std::string>());
  if (!a || a->IsZero()) {
    return absl::InvalidArgumentError(
        absl::StrCat("'ip-address' ", value.dump(), " is not an IPv4 address"));
  }
  return *a;
}

bool SameIdentifier(const config::Reservation& h, config::IdentifierType type,
                    const std::vector<uint8_t>& identifier) {
  return h.identifier_type == type && h.identifier == identifier;
}

std::string Describe(const config::Reservation& h) {
  return absl::StrCat(config::IdentifierTypeName(h.identifier_type), " ",
                      dhcp::ToColonHex(h.identifier));
}

std::string SourceName(size_t source, const HostDatabases& dbs) {
  if (source == 0) return "the configuration file";
  return absl::StrCat("hosts database ", dbs.params(source - 1).Describe());
}

CommandAnswer Refuse(const absl::Status& s) { return CommandAnswer::Error(std::string(s.message())); }

class ReservationCommands {
 public:
  explicit ReservationCommands(ReservationSources sources) : sources_(std::move(sources)) {}

  CommandAnswer Add(const json& args) { return Put(args, /*replacing=*/false); }
  CommandAnswer Update(const json& args) { return Put(args, /*replacing=*/true); }

  CommandAnswer Get(const json& raw) {
    auto args = ArgumentsMap(raw, "reservation-get");
    if (!args.ok()) return Refuse(args.status());
    auto found = Lookup(*args);
    if (!found.ok()) return Refuse(found.status());
    if (found->empty()) return CommandAnswer::Success("Host not found.");
    View view = Current();
    return CommandAnswer::Success("Host found.",
                                  ReservationToJson(found->front(), Defs(view)));
  }

  CommandAnswer GetAll(const json& raw) {
    auto args = ArgumentsMap(raw, "reservation-get-all");
    if (!args.ok()) return Refuse(args.status());
    std::optional<uint32_t> subnet;
    if (auto s = SubnetIdArgument(*args, /*required=*/true, &subnet); !s.ok()) {
      return Refuse(s.status());
    }
    View view = Current();
    auto hosts = view.sources->GetBySubnet(*subnet);
    if (!hosts.ok()) return Refuse(hosts.status());
    return Listing(view, *hosts);
  }

  CommandAnswer GetByHostname(const json& raw) {
    auto args = ArgumentsMap(raw, "reservation-get-by-hostname");
    if (!args.ok()) return Refuse(args.status());
    auto it = args->find("hostname");
    if (it == args->end() || !it->is_string() || it->get<std::string>().empty()) {
      return CommandAnswer::Error("'hostname' is missing or not a non-empty string");
    }
    std::optional<uint32_t> subnet;
    if (auto s = SubnetIdArgument(*args, /*required=*/false, &subnet); !s.ok()) {
      return Refuse(s.status());
    }
    const std::string wanted = absl::AsciiStrToLower(it->get<std::string>());
    View view = Current();
    return Listing(view, Select(view, [&](const config::Reservation& h) {
      return absl::AsciiStrToLower(h.hostname) == wanted && (!subnet || h.subnet_id == *subnet);
    }));
  }

  CommandAnswer GetById(const json& raw) {
    auto args = ArgumentsMap(raw, "reservation-get-by-id");
    if (!args.ok()) return Refuse(args.status());
    if (args->contains("subnet-id")) {
      return CommandAnswer::Error(
          "'subnet-id' is not allowed: reservation-get-by-id finds the identifier in every "
          "subnet");
    }
    auto type = IdentifierTypeArgument(*args);
    if (!type.ok()) return Refuse(type.status());
    auto identifier = IdentifierArgument(*args);
    if (!identifier.ok()) return Refuse(identifier.status());
    View view = Current();
    return Listing(view, Select(view, [&](const config::Reservation& h) {
      return SameIdentifier(h, *type, *identifier);
    }));
  }

  CommandAnswer GetByAddress(const json& raw) {
    auto args = ArgumentsMap(raw, "reservation-get-by-address");
    if (!args.ok()) return Refuse(args.status());
    if (!args->contains("ip-address")) return CommandAnswer::Error("'ip-address' is missing");
    auto address = AddressArgument((*args)["ip-address"]);
    if (!address.ok()) return Refuse(address.status());
    std::optional<uint32_t> subnet;
    if (auto s = SubnetIdArgument(*args, /*required=*/false, &subnet); !s.ok()) {
      return Refuse(s.status());
    }
    View view = Current();
    return Listing(view, Select(view, [&](const config::Reservation& h) {
      return h.address == *address && (!subnet || h.subnet_id == *subnet);
    }));
  }

  CommandAnswer GetPage(const json& raw) {
    auto args = ArgumentsMap(raw, "reservation-get-page");
    if (!args.ok()) return Refuse(args.status());
    auto limit_it = args->find("limit");
    if (limit_it == args->end()) return CommandAnswer::Error("Mandatory 'limit' parameter missing.");
    if (!limit_it->is_number_integer() || limit_it->get<int64_t>() < 1 ||
        limit_it->get<int64_t>() > kMaxPageLimit) {
      return CommandAnswer::Error(
          absl::StrCat("'limit' must be an integer from 1 to ", kMaxPageLimit));
    }
    const size_t limit = static_cast<size_t>(limit_it->get<int64_t>());
    std::optional<uint32_t> subnet;
    if (auto s = SubnetIdArgument(*args, /*required=*/false, &subnet); !s.ok()) {
      return Refuse(s.status());
    }
    auto counter = [&](const char* key) -> absl::StatusOr<int64_t> {
      auto it = args->find(key);
      if (it == args->end()) return 0;
      if (!it->is_number_integer() || it->get<int64_t>() < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("'", key, "' must be a non-negative integer"));
      }
      return it->get<int64_t>();
    };
    auto source_index = counter("source-index");
    if (!source_index.ok()) return Refuse(source_index.status());
    auto from_arg = counter("from");
    if (!from_arg.ok()) return Refuse(from_arg.status());
    const size_t first_source = static_cast<size_t>(*source_index);
    const uint64_t from = static_cast<uint64_t>(*from_arg);
    View view = Current();
    // One past the last source is where a finished listing's `next` points.
    if (first_source > view.sources->source_count()) {
      return CommandAnswer::Error(absl::StrCat("'source-index' ", first_source,
                                               " names no host source: 0 is the configuration "
                                               "file, 1-", view.sources->source_count() - 1,
                                               " the hosts databases"));
    }
    json hosts = json::array();
    std::optional<json> next;
    for (size_t source = first_source; source < view.sources->source_count() && !next;
         ++source) {
      const uint64_t after = source == first_source ? from : 0;
      auto page = view.sources->PageOf(source, after, limit - hosts.size(), subnet);
      for (const auto& [id, host] : page) hosts.push_back(ReservationToJson(host, Defs(view)));
      if (hosts.size() == limit) {
        next = json{{"from", page.back().first}, {"source-index", source}};
      } else if (!hosts.empty()) {
        // This source is done; the next page starts at the next source.
        next = json{{"from", 0}, {"source-index", source + 1}};
      }
    }
    const std::string text = absl::StrCat(hosts.size(), " IPv4 host(s) found.");
    if (hosts.empty()) {
      return CommandAnswer::Empty(text, json{{"count", 0}, {"hosts", hosts}});
    }
    json out{{"count", hosts.size()}, {"hosts", hosts}};
    if (next) out["next"] = *next;
    return CommandAnswer::Success(text, out);
  }

  CommandAnswer Del(const json& raw) {
    auto args = ArgumentsMap(raw, "reservation-del");
    if (!args.ok()) return Refuse(args.status());
    auto key = KeyFrom(*args);
    if (!key.ok()) return Refuse(key.status());
    std::shared_ptr<const HostDatabases> dbs = sources_.databases();
    auto writable = dbs->Writable();
    if (!writable.ok()) {
      return CommandAnswer::Error(absl::StrCat("Unable to delete a host: ", writable.status().message()));
    }
    auto connection = db::Connect(dbs->params(*writable));
    if (!connection.ok()) return Refuse(connection.status());
    auto deleted = DeleteHost(**connection, *key);
    if (!deleted.ok()) return Refuse(deleted.status());
    if (deleted->first == 0) return CommandAnswer::Error("Host not deleted (not found).");
    dbs->WaitForRevision(*writable, deleted->second, kServeWait);
    return CommandAnswer::Success("Host deleted.");
  }

 private:
  struct View {
    std::shared_ptr<const config::Config> config;
    std::shared_ptr<const HostDatabases> databases;
    std::shared_ptr<HostSources> sources;
  };

  View Current() {
    View v{sources_.config(), sources_.databases(), nullptr};
    v.sources = std::make_shared<HostSources>(*v.config, v.databases->caches(), nullptr);
    return v;
  }
  static const dhcp::OptionDefinitionSet& Defs(const View& v) {
    return v.config->option_definitions;
  }

  // Every reservation of every source matching `keep`, in search order.
  std::vector<config::Reservation> Select(
      const View& view, const std::function<bool(const config::Reservation&)>& keep) {
    std::vector<config::Reservation> out;
    for (size_t source = 0; source < view.sources->source_count(); ++source) {
      for (auto& [id, host] : view.sources->AllOf(source)) {
        if (keep(host)) out.push_back(std::move(host));
      }
    }
    return out;
  }

  CommandAnswer Listing(const View& view, const std::vector<config::Reservation>& hosts) {
    json list = json::array();
    for (const config::Reservation& h : hosts) list.push_back(ReservationToJson(h, Defs(view)));
    return CommandAnswer::Success(absl::StrCat(hosts.size(), " IPv4 host(s) found."),
                                  json{{"hosts", list}});
  }

  // reservation-get / -del: subnet-id with ip-address or identifier.
  absl::StatusOr<HostKey> KeyFrom(const json& args) {
    HostKey key;
    std::optional<uint32_t> subnet;
    if (auto s = SubnetIdArgument(args, /*required=*/true, &subnet); !s.ok()) return s.status();
    key.subnet_id = *subnet;
    if (args.contains("ip-address")) {
      auto a = AddressArgument(args["ip-address"]);
      if (!a.ok()) return a.status();
      key.address = *a;
      return key;
    }
    auto type = IdentifierTypeArgument(args);
    if (!type.ok()) return type.status();
    auto identifier = IdentifierArgument(args);
    if (!identifier.ok()) return identifier.status();
    key.type = *type;
    key.identifier = *identifier;
    return key;
  }

  absl::StatusOr<std::vector<config::Reservation>> Lookup(const json& args) {
    auto key = KeyFrom(args);
    if (!key.ok()) return key.status();
    View view = Current();
    std::vector<config::Reservation> out;
    for (size_t source = 0; source < view.sources->source_count() && out.empty(); ++source) {
      std::optional<config::Reservation> found =
          key->type ? view.sources->FindIn(source, key->subnet_id, *key->type, key->identifier)
                    : view.sources->FindByAddressIn(source, key->subnet_id, *key->address);
      if (found) out.push_back(std::move(*found));
    }
    return out;
  }

  CommandAnswer Put(const json& raw, bool replacing) {
    const std::string command = replacing ? "reservation-update" : "reservation-add";
    auto args = ArgumentsMap(raw, command);
    if (!args.ok()) return Refuse(args.status());
    auto it = args->find("reservation");
    if (it == args->end() || !it->is_object()) {
      return CommandAnswer::Error("missing parameter 'reservation' (a map)");
    }
    json reservation = *it;
    std::optional<uint32_t> subnet_id;
    if (auto s = SubnetIdArgument(reservation, /*required=*/true, &subnet_id); !s.ok()) {
      return Refuse(s.status());
    }
    reservation.erase("subnet-id");
    for (const char* ignored : {"comment", "user-context"}) reservation.erase(ignored);
    View view = Current();
    const config::Subnet4* subnet = nullptr;
    if (*subnet_id != 0) {
      for (const config::Subnet4& s : view.config->subnets) {
        if (s.id == *subnet_id) subnet = &s;
      }
      if (subnet == nullptr) {
        return CommandAnswer::Error(absl::StrCat(
            "subnet-id ", *subnet_id, " is not a subnet of this server's configuration; "
            "use the id of one of its subnets, or 0 for a global reservation"));
      }
    }
    auto host = config::ParseReservationMap(reservation, *view.config, subnet, "reservation");
    if (!host.ok()) return Refuse(host.status());
    auto writable = view.databases->Writable();
    if (!writable.ok()) {
      return CommandAnswer::Error(absl::StrCat("Unable to ", replacing ? "update" : "add",
                                               " a host: ", writable.status().message()));
    }
    // What this write would conflict with, in every source the node serves.
    bool exists_in_target = false;
    for (size_t source = 0; source < view.sources->source_count(); ++source) {
      if (view.sources->FindIn(source, host->subnet_id, host->identifier_type, host->identifier)) {
        if (replacing && source == *writable + 1) {
          exists_in_target = true;
        } else {
          return CommandAnswer::Error(absl::StrCat(
              "a reservation for ", Describe(*host), " already exists in subnet ",
              host->subnet_id, " (in ", SourceName(source, *view.databases), ")",
              replacing ? "; reservation-update changes the hosts database's reservations only"
                        : "; change it with reservation-update, or delete it first"));
        }
      }
      if (!view.config->ip_reservations_unique || !host->address) continue;
      std::optional<config::Reservation> other =
          view.sources->FindByAddressIn(source, host->subnet_id, *host->address);
      if (other && !SameIdentifier(*other, host->identifier_type, host->identifier)) {
        return CommandAnswer::Error(absl::StrCat(
            "address ", host->address->ToString(), " is already reserved for ", Describe(*other),
            " in subnet ", host->subnet_id, " (in ", SourceName(source, *view.databases),
            "); with ip-reservations-unique true an address is reserved once"));
      }
    }
    if (replacing && !exists_in_target) {
      return CommandAnswer::Error(absl::StrCat("Host not updated (not found): no reservation for ",
                                               Describe(*host), " in subnet ", host->subnet_id,
                                               " in ", SourceName(*writable + 1, *view.databases)));
    }
    auto connection = db::Connect(view.databases->params(*writable));
    if (!connection.ok()) return Refuse(connection.status());
    auto revision = WriteHost(**connection, *host, Defs(view), replacing);
    if (!revision.ok()) {
      if (absl::IsAlreadyExists(revision.status())) {
        return CommandAnswer::Error(absl::StrCat(
            "a reservation for ", Describe(*host), " already exists in subnet ", host->subnet_id,
            " (written meanwhile): ", revision.status().message()));
      }
      return Refuse(revision.status());
    }
    view.databases->WaitForRevision(*writable, *revision, kServeWait);
    return CommandAnswer::Success(replacing ? "Host updated." : "Host added.");
  }

  ReservationSources sources_;
};

}  // namespace

json ReservationToJson(const config::Reservation& host, const dhcp::OptionDefinitionSet& defs) {
  json options = json::array();
  for (const config::OptionData& o : host.options) {
    const dhcp::OptionDefinition* def = defs.FindByCode(o.space, o.code);
    std::optional<std::string> csv;
    if (def != nullptr) csv = dhcp::TryFormatOptionDataCsv(*def, o.payload);
    options.push_back({{"always-send", o.always_send},
                       {"code", o.code},
                       {"csv-format", csv.has_value()},
                       {"data", csv ? *csv : dhcp::ToColonHex(o.payload)},
                       {"name", def != nullptr ? def->name : o.name},
                       {"space", o.space}});
  }
  json out{{"boot-file-name", host.boot_file_name},
           {"client-classes", host.client_classes},
           {"hostname", host.hostname},
           {config::IdentifierTypeName(host.identifier_type), dhcp::ToColonHex(host.identifier)},
           {"next-server", host.next_server.ToString()},
           {"option-data", options},
           {"server-hostname", host.server_hostname},
           {"subnet-id", host.subnet_id}};
  if (host.address) out["ip-address"] = host.address->ToString();
  return out;
}

void RegisterReservationCommands(control::CommandRegistry& registry, ReservationSources sources) {
  auto commands = std::make_shared<ReservationCommands>(std::move(sources));
  auto add = [&](const char* name, CommandAnswer (ReservationCommands::*method)(const json&)) {
    (void)registry.Register(name,
                            [commands, method](const json& a) { return ((*commands).*method)(a); });
  };
  add("reservation-add", &ReservationCommands::Add);
  add("reservation-update", &ReservationCommands::Update);
  add("reservation-del", &ReservationCommands::Del);
  add("reservation-get", &ReservationCommands::Get);
  add("reservation-get-all", &ReservationCommands::GetAll);
  add("reservation-get-page", &ReservationCommands::GetPage);
  add("reservation-get-by-hostname", &ReservationCommands::GetByHostname);
  add("reservation-get-by-id", &ReservationCommands::GetById);
  add("reservation-get-by-address", &ReservationCommands::GetByAddress);
}

}  // namespace shoal::host_backend
