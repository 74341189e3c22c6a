// remote-network4-*, remote-subnet4-* and remote-option4-{network,subnet,pool}-*.
#include "absl/strings/str_cat.h"
#include "config_backend/remote_arguments.h"
#include "config_backend/remote_commands.h"
#include "dhcp/ipv4_address.h"

namespace shoal::config_backend {
namespace {

using control::CommandAnswer;
using nlohmann::json;


// A definition column as a map ({} when it is not one).
json DefinitionMap(const std::string& text) {
  json parsed = json::parse(text, nullptr, false);
  return parsed.is_object() ? parsed : json::object();
}

json SubnetJson(const SubnetRow& row, bool brief) {
  json out = brief ? json::object() : DefinitionMap(row.subnet.definition);
  out["id"] = row.subnet.id;
  out["subnet"] = row.subnet.prefix;
  out["shared-network-name"] =
      row.subnet.shared_network.empty() ? json(nullptr) : json(row.subnet.shared_network);
  out["metadata"] = Metadata(row.tags);
  return out;
}

json NetworkJson(const NetworkRow& row, bool brief) {
  json out = brief ? json::object() : DefinitionMap(row.definition);
  out["name"] = row.name;
  out["metadata"] = Metadata(row.tags);
  return out;
}


// Replaces the entry with the same code and space in definition's
// option-data, or appends it.
void UpsertOption(json& definition, const ResolvedOption& option) {
  json& list = definition["option-data"];
  if (!list.is_array()) list = json::array();
  for (json& entry : list) {
    auto key = ResolveOption(entry);
    if (key.ok() && key->key == option.key) {
      entry = option.entry;
      return;
    }
  }
  list.push_back(option.entry);
}

// Removes the entries with `key`; how many there were.
int RemoveOption(json& definition, const OptionKey& key) {
  auto list = definition.find("option-data");
  if (list == definition.end() || !list->is_array()) return 0;
  json kept = json::array();
  int removed = 0;
  for (json& entry : *list) {
    auto k = ResolveOption(entry);
    if (k.ok() && k->key == key) {
      ++removed;
    } else {
      kept.push_back(std::move(entry));
    }
  }
  *list = std::move(kept);
  return removed;
}

absl::StatusOr<std::string> NameFrom(const json& element, const std::string& what) {
  if (!element.contains("name") || !element["name"].is_string() ||
      element["name"].get<std::string>().empty() || element["name"].get<std::string>().size() > 128) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " is named by 'name', a string of 1 to 128 characters"));
  }
  return element["name"].get<std::string>();
}

absl::StatusOr<std::string> PrefixFrom(const json& element) {
  if (!element.contains("subnet") || !element["subnet"].is_string()) {
    return absl::InvalidArgumentError("a subnet needs 'subnet', its prefix, e.g. \"192.0.2.0/24\"");
  }
  std::optional<dhcp::Ipv4Prefix> p = dhcp::Ipv4Prefix::Parse(element["subnet"].get<std::string>());
  if (!p) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", element["subnet"].get<std::string>(), "' is not an IPv4 prefix (e.g. 192.0.2.0/24)"));
  }
  return p->ToString();
}

// The subnet a pool selector names: the subnet holding a pool with exactly
// that range.
struct PoolHome {
  SubnetRow subnet;
  size_t pool_index = 0;
};
absl::StatusOr<PoolHome> FindPool(ConfigTables& tables, const dhcp::Ipv4Range& range) {
  auto all = tables.Subnets(/*with_definitions=*/false);
  if (!all.ok()) return all.status();
  for (const SubnetRow& brief : *all) {
    std::optional<dhcp::Ipv4Prefix> p = dhcp::Ipv4Prefix::Parse(brief.subnet.prefix);
    if (!p || !p->Contains(range.first)) continue;
    auto row = tables.SubnetById(brief.subnet.id);
    if (!row.ok()) return row.status();
    if (!row->has_value()) continue;
    json definition = DefinitionMap((*row)->subnet.definition);
    const json& pools = definition.value("pools", json::array());
    for (size_t i = 0; pools.is_array() && i < pools.size(); ++i) {
      if (!pools[i].is_object() || !pools[i].contains("pool") || !pools[i]["pool"].is_string()) {
        continue;
      }
      if (dhcp::Ipv4Range::Parse(pools[i]["pool"].get<std::string>()) == range) {
        return PoolHome{std::move(**row), i};
      }
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("no subnet has the pool ", range.ToString(),
                   "; name a pool exactly as its subnet defines it"));
}

}  // namespace

// ---- shared networks ----

CommandAnswer RemoteCommands::NetworkSet(const json& args, const std::string& actor) {
  if (absl::Status s = CheckArgumentKeys(args, {"shared-networks", "server-tags"}); !s.ok()) {
    return Refuse(s);
  }
  auto tags = ServerTags(args, TagPolicy::kOneOrMore);
  if (!tags.ok()) return Refuse(tags.status());
  auto element = OnlyElement(args, "shared-networks", "shared network");
  if (!element.ok()) return Refuse(element.status());
  auto name = NameFrom(*element, "a shared network");
  if (!name.ok()) return Refuse(name.status());
  if (element->contains("subnet4")) {
    return CommandAnswer::Error(absl::StrCat(
        "shared network '", *name,
        "': remote-network4-set takes no 'subnet4'; add subnets with remote-subnet4-set and "
        "\"shared-network-name\": \"", *name, "\""));
  }
  json definition = *element;
  definition.erase("metadata");
  NetworkRow row{*name, definition.dump(), *tags};
  return Write(actor, "remote-network4-set",
               [&](ConfigTables& tables, ConfigChecks& checks) -> absl::StatusOr<Answer> {
                 if (absl::Status s = RequireServers(tables, *tags); !s.ok()) return s;
                 auto existing = tables.Network(*name);
                 if (!existing.ok()) return existing.status();
                 if (absl::Status s = tables.PutNetwork(*name, row.definition,
                                                        existing->has_value());
                     !s.ok()) {
                   return s;
                 }
                 if (absl::Status s = tables.SetTags(SharedKind::kSharedNetwork, *name, *tags);
                     !s.ok()) {
                   return s;
                 }
                 if (absl::Status s = checks.CheckNetworkBindings(row); !s.ok()) return s;
                 auto reach = checks.Reach(*tags);
                 if (!reach.ok()) return reach.status();
                 if (absl::Status s = checks.CheckWholeConfiguration(*reach); !s.ok()) return s;
                 return CommandAnswer::Success("IPv4 shared network successfully set.");
               });
}

CommandAnswer RemoteCommands::NetworkGet(const json& args) {
  if (absl::Status s = CheckArgumentKeys(args, {"shared-networks", "subnets-include"}); !s.ok()) {
    return Refuse(s);
  }
  if (absl::Status s = ServerTags(args, TagPolicy::kForbidden).status(); !s.ok()) {
    return Refuse(s);
  }
  auto element = OnlyElement(args, "shared-networks", "shared network");
  if (!element.ok()) return Refuse(element.status());
  auto name = NameFrom(*element, "a shared network");
  if (!name.ok()) return Refuse(name.status());
  std::string include = "no";
  if (args.contains("subnets-include")) {
    if (!args["subnets-include"].is_string() ||
        (args["subnets-include"] != "no" && args["subnets-include"] != "full")) {
      return CommandAnswer::Error("'subnets-include' must be \"no\" or \"full\"");
    }
    include = args["subnets-include"];
  }
  return Read([&](ConfigTables& tables) -> absl::StatusOr<Answer> {
    auto row = tables.Network(*name);
    if (!row.ok()) return row.status();
    if (!row->has_value()) {
      return CommandAnswer::Empty(
          absl::StrCat("IPv4 shared network '", *name, "' not found."),
          json{{"shared-networks", json::array()}, {"count", 0}});
    }
    json network = NetworkJson(**row, /*brief=*/false);
    if (include == "full") {
      auto subnets = tables.SubnetsOfNetwork(*name);
      if (!subnets.ok()) return subnets.status();
      json list = json::array();
      for (const SubnetRow& s : *subnets) list.push_back(SubnetJson(s, /*brief=*/false));
      network["subnet4"] = std::move(list);
    }
    return CommandAnswer::Success("IPv4 shared network found.",
                                  json{{"shared-networks", json::array({network})}, {"count", 1}});
  });
}

CommandAnswer RemoteCommands::NetworkList(const json& args) {
  if (absl::Status s = CheckArgumentKeys(args, {"server-tags"}); !s.ok()) return Refuse(s);
  auto tags = ServerTags(args, TagPolicy::kTagsOrNull);
  if (!tags.ok()) return Refuse(tags.status());
  return Read([&](ConfigTables& tables) -> absl::StatusOr<Answer> {
    auto rows = tables.Networks();
    if (!rows.ok()) return rows.status();
    json list = json::array();
    for (const NetworkRow& n : *rows) {
      if (ListedFor(n.tags, *tags)) list.push_back(NetworkJson(n, /*brief=*/true));
    }
    json out = {{"shared-networks", list}, {"count", list.size()}};
    std::string text = absl::StrCat(list.size(), " IPv4 shared network(s) found.");
    if (list.empty()) return CommandAnswer::Empty(text, out);
    return CommandAnswer::Success(text, out);
  });
}

CommandAnswer RemoteCommands::NetworkDel(const json& args, const std::string& actor) {
  if (absl::Status s = CheckArgumentKeys(args, {"shared-networks", "subnets-action"}); !s.ok()) {
    return Refuse(s);
  }
  if (absl::Status s = ServerTags(args, TagPolicy::kForbidden).status(); !s.ok()) {
    return Refuse(s);
  }
  auto element = OnlyElement(args, "shared-networks", "shared network");
  if (!element.ok()) return Refuse(element.status());
  auto name = NameFrom(*element, "a shared network");
  if (!name.ok()) return Refuse(name.status());
  bool delete_subnets = false;
  if (args.contains("subnets-action")) {
    if (args["subnets-action"] != "keep" && args["subnets-action"] != "delete") {
      return CommandAnswer::Error("'subnets-action' must be \"keep\" or \"delete\"");
    }
    delete_subnets = args["subnets-action"] == "delete";
  }
  return Write(actor, "remote-network4-del",
               [&](ConfigTables& tables, ConfigChecks& checks) -> absl::StatusOr<Answer> {
                 auto row = tables.Network(*name);
                 if (!row.ok()) return row.status();
                 if (!row->has_value()) {
                   return CommandAnswer::Empty("0 IPv4 shared network(s) deleted.",
                                               json{{"count", 0}});
                 }
                 if (delete_subnets) {
                   auto subnets = tables.SubnetsOfNetwork(*name);
                   if (!subnets.ok()) return subnets.status();
                   for (const SubnetRow& s : *subnets) {
                     if (auto d = tables.DeleteSubnet(s.subnet.id); !d.ok()) return d.status();
                   }
                 } else if (absl::Status s = tables.DetachSubnets(*name); !s.ok()) {
                   return s;
                 }
                 if (auto d = tables.DeleteNetwork(*name); !d.ok()) return d.status();
                 auto reach = checks.Reach((*row)->tags);
                 if (!reach.ok()) return reach.status();
                 if (absl::Status s = checks.CheckWholeConfiguration(*reach); !s.ok()) return s;
                 return CommandAnswer::Success("1 IPv4 shared network(s) deleted.",
                                               json{{"count", 1}});
               });
}

// ---- subnets ----

CommandAnswer RemoteCommands::SubnetSet(const json& args, const std::string& actor) {
  if (absl::Status s = CheckArgumentKeys(args, {"subnets", "server-tags"}); !s.ok()) {
    return Refuse(s);
  }
  auto tags = ServerTags(args, TagPolicy::kOneOrMore);
  if (!tags.ok()) return Refuse(tags.status());
  auto element = OnlyElement(args, "subnets", "subnet");
  if (!element.ok()) return Refuse(element.status());
  auto prefix = PrefixFrom(*element);
  if (!prefix.ok()) return Refuse(prefix.status());
  std::optional<uint32_t> id;
  if (element->contains("id")) {
    auto parsed = SubnetIdFrom((*element)["id"], absl::StrCat("subnet ", *prefix));
    if (!parsed.ok()) return Refuse(parsed.status());
    id = *parsed;
  }
  if (!element->contains("shared-network-name")) {
    return CommandAnswer::Error(absl::StrCat(
        "subnet ", *prefix,
        ": 'shared-network-name' is required: the name of the subnet's shared network, or "
        "null for none"));
  }
  const json& network = (*element)["shared-network-name"];
  if (!network.is_null() && (!network.is_string() || network.get<std::string>().empty())) {
    return CommandAnswer::Error(absl::StrCat(
        "subnet ", *prefix, ": 'shared-network-name' must be a shared network's name or null"));
  }
  if (auto r = element->find("reservations"); r != element->end() && !r->empty()) {
    return CommandAnswer::Error(absl::StrCat(
        "subnet ", *prefix,
        ": host reservations are not kept in the configuration database; put them in a hosts "
        "database or the node's file"));
  }
  json definition = *element;
  for (const char* key : {"metadata", "shared-network-name", "reservations"}) {
    definition.erase(key);
  }
  definition["subnet"] = *prefix;
  std::string network_name = network.is_null() ? "" : network.get<std::string>();
  return Write(actor, 
      "remote-subnet4-set",
      [&](ConfigTables& tables, ConfigChecks& checks) -> absl::StatusOr<Answer> {
        if (absl::Status s = RequireServers(tables, *tags); !s.ok()) return s;
        auto by_prefix = tables.SubnetByPrefix(*prefix);
        if (!by_prefix.ok()) return by_prefix.status();
        uint32_t subnet_id = 0;
        std::optional<SubnetRow> current;
        if (id) {
          if (by_prefix->has_value() && (*by_prefix)->subnet.id != *id) {
            return absl::FailedPreconditionError(absl::StrCat(
                "subnet ", *prefix, " already exists with id ", (*by_prefix)->subnet.id,
                "; set it with that id, or delete it first"));
          }
          subnet_id = *id;
          if (by_prefix->has_value()) {
            current = std::move(*by_prefix);
          } else {
            auto by_id = tables.SubnetById(*id);
            if (!by_id.ok()) return by_id.status();
            current = std::move(*by_id);
          }
        } else if (by_prefix->has_value()) {
          subnet_id = (*by_prefix)->subnet.id;
          current = std::move(*by_prefix);
        } else {
          auto next = tables.NextSubnetId();
          if (!next.ok()) return next.status();
          subnet_id = *next;
        }
        json stored = definition;
        stored["id"] = subnet_id;
        SubnetRow row{StoredSubnet{subnet_id, *prefix, network_name, stored.dump()}, *tags};
        const bool exists = current.has_value();
        const TagSet had = exists ? current->tags : TagSet{};
        if (absl::Status s = tables.PutSubnet(row.subnet, exists); !s.ok()) return s;
        if (absl::Status s =
                tables.SetTags(SharedKind::kSubnet, absl::StrCat(subnet_id), *tags, &had);
            !s.ok()) {
          return s;
        }
        if (absl::Status s = checks.CheckSubnet(row); !s.ok()) return s;
        return CommandAnswer::Success("IPv4 subnet successfully set.",
                                      json{{"id", subnet_id}, {"subnet", *prefix}});
      });
}

CommandAnswer RemoteCommands::SubnetGet(const json& args, bool by_prefix) {
  if (absl::Status s = CheckArgumentKeys(args, {"subnets"}); !s.ok()) return Refuse(s);
  if (absl::Status s = ServerTags(args, TagPolicy::kForbidden).status(); !s.ok()) {
    return Refuse(s);
  }
  auto element = OnlyElement(args, "subnets", "subnet");
  if (!element.ok()) return Refuse(element.status());
  std::string prefix;
  uint32_t id = 0;
  if (by_prefix) {
    auto p = PrefixFrom(*element);
    if (!p.ok()) return Refuse(p.status());
    prefix = *p;
  } else {
    auto i = SubnetIdFrom(element->value("id", json()), "the subnet to get");
    if (!i.ok()) return Refuse(i.status());
    id = *i;
  }
  return Read([&](ConfigTables& tables) -> absl::StatusOr<Answer> {
    auto row = by_prefix ? tables.SubnetByPrefix(prefix) : tables.SubnetById(id);
    if (!row.ok()) return row.status();
    if (!row->has_value()) {
      return CommandAnswer::Empty(
          absl::StrCat("IPv4 subnet ", by_prefix ? prefix : absl::StrCat(id), " not found."),
          json{{"subnets", json::array()}, {"count", 0}});
    }
    return CommandAnswer::Success(
        "IPv4 subnet found.",
        json{{"subnets", json::array({SubnetJson(**row, /*brief=*/false)})}, {"count", 1}});
  });
}

CommandAnswer RemoteCommands::SubnetList(const json& args) {
  if (absl::Status s = CheckArgumentKeys(args, {"server-tags"}); !s.ok()) return Refuse(s);
  auto tags = ServerTags(args, TagPolicy::kTagsOrNull);
  if (!tags.ok()) return Refuse(tags.status());
  return Read([&](ConfigTables& tables) -> absl::StatusOr<Answer> {
    auto rows = tables.Subnets(/*with_definitions=*/false);
    if (!rows.ok()) return rows.status();
    json list = json::array();
    for (const SubnetRow& s : *rows) {
      if (ListedFor(s.tags, *tags)) list.push_back(SubnetJson(s, /*brief=*/true));
    }
    json out = {{"subnets", list}, {"count", list.size()}};
    std::string text = absl::StrCat(list.size(), " IPv4 subnet(s) found.");
    if (list.empty()) return CommandAnswer::Empty(text, out);
    return CommandAnswer::Success(text, out);
  });
}

CommandAnswer RemoteCommands::SubnetDel(const json& args, bool by_prefix, const std::string& actor) {
  std::string command = by_prefix ? "remote-subnet4-del-by-prefix" : "remote-subnet4-del-by-id";
  if (absl::Status s = CheckArgumentKeys(args, {"subnets"}); !s.ok()) return Refuse(s);
  if (absl::Status s = ServerTags(args, TagPolicy::kForbidden).status(); !s.ok()) {
    return Refuse(s);
  }
  auto element = OnlyElement(args, "subnets", "subnet");
  if (!element.ok()) return Refuse(element.status());
  std::string prefix;
  uint32_t id = 0;
  if (by_prefix) {
    auto p = PrefixFrom(*element);
    if (!p.ok()) return Refuse(p.status());
    prefix = *p;
  } else {
    auto i = SubnetIdFrom(element->value("id", json()), "the subnet to delete");
    if (!i.ok()) return Refuse(i.status());
    id = *i;
  }
  return Write(actor, command, [&](ConfigTables& tables, ConfigChecks&) -> absl::StatusOr<Answer> {
    auto row = by_prefix ? tables.SubnetByPrefix(prefix) : tables.SubnetById(id);
    if (!row.ok()) return row.status();
    if (!row->has_value()) {
      return CommandAnswer::Empty("0 IPv4 subnet(s) deleted.", json{{"count", 0}});
    }
    if (auto d = tables.DeleteSubnet((*row)->subnet.id); !d.ok()) return d.status();
    return CommandAnswer::Success("1 IPv4 subnet(s) deleted.", json{{"count", 1}});
  });
}

// ---- options of a shared network, subnet or pool ----

CommandAnswer RemoteCommands::ScopedOptionSet(const std::string& command, const json& args, const std::string& actor) {
  bool network = command.find("-network-") != std::string::npos;
  bool pool = command.find("-pool-") != std::string::npos;
  const char* scope_key = network ? "shared-networks" : pool ? "pools" : "subnets";
  if (absl::Status s = CheckArgumentKeys(args, {scope_key, "options"}); !s.ok()) {
    return Refuse(s);
  }
  if (absl::Status s = ServerTags(args, TagPolicy::kForbidden).status(); !s.ok()) {
    return Refuse(s);
  }
  auto scope = OnlyElement(args, scope_key, network ? "shared network" : pool ? "pool" : "subnet");
  if (!scope.ok()) return Refuse(scope.status());
  auto element = OnlyElement(args, "options", "option");
  if (!element.ok()) return Refuse(element.status());
  json entry = *element;
  entry.erase("metadata");
  auto option = ResolveOption(entry);
  if (!option.ok()) return Refuse(option.status());
  json reply = {{"options", json::array({{{"code", option->key.first},
                                           {"space", option->key.second}}})}};
  return Write(actor, command, [&](ConfigTables& tables, ConfigChecks& checks) -> absl::StatusOr<Answer> {
    if (network) {
      auto name = NameFrom(*scope, "a shared network");
      if (!name.ok()) return name.status();
      auto row = tables.Network(*name);
      if (!row.ok()) return row.status();
      if (!row->has_value()) {
        return absl::InvalidArgumentError(
            absl::StrCat("shared network '", *name, "' does not exist"));
      }
      json definition = DefinitionMap((*row)->definition);
      UpsertOption(definition, *option);
      if (absl::Status s = tables.PutNetwork(*name, definition.dump(), true); !s.ok()) return s;
      auto reach = checks.Reach((*row)->tags);
      if (!reach.ok()) return reach.status();
      if (absl::Status s = checks.CheckWholeConfiguration(*reach); !s.ok()) return s;
      return CommandAnswer::Success("DHCPv4 option successfully set.", reply);
    }
    SubnetRow row;
    json definition;
    if (pool) {
      if (!scope->contains("pool") || !(*scope)["pool"].is_string()) {
        return absl::InvalidArgumentError("a pool is named by 'pool', e.g. \"192.0.2.10 - 192.0.2.100\"");
      }
      std::optional<dhcp::Ipv4Range> range =
          dhcp::Ipv4Range::Parse((*scope)["pool"].get<std::string>());
      if (!range) {
        return absl::InvalidArgumentError(absl::StrCat(
            "'", (*scope)["pool"].get<std::string>(), "' is not a pool ('first - last' or prefix)"));
      }
      auto home = FindPool(tables, *range);
      if (!home.ok()) return home.status();
      row = std::move(home->subnet);
      definition = DefinitionMap(row.subnet.definition);
      UpsertOption(definition["pools"][home->pool_index], *option);
    } else {
      auto id = SubnetIdFrom(scope->value("id", json()), "the subnet");
      if (!id.ok()) return id.status();
      auto found = tables.SubnetById(*id);
      if (!found.ok()) return found.status();
      if (!found->has_value()) {
        return absl::InvalidArgumentError(absl::StrCat("subnet ", *id, " does not exist"));
      }
      row = std::move(**found);
      definition = DefinitionMap(row.subnet.definition);
      UpsertOption(definition, *option);
    }
    row.subnet.definition = definition.dump();
    if (absl::Status s = tables.PutSubnet(row.subnet, true); !s.ok()) return s;
    if (absl::Status s = checks.CheckSubnet(row); !s.ok()) return s;
    return CommandAnswer::Success("DHCPv4 option successfully set.", reply);
  });
}

CommandAnswer RemoteCommands::ScopedOptionDel(const std::string& command, const json& args, const std::string& actor) {
  bool network = command.find("-network-") != std::string::npos;
  bool pool = command.find("-pool-") != std::string::npos;
  const char* scope_key = network ? "shared-networks" : pool ? "pools" : "subnets";
  if (absl::Status s = CheckArgumentKeys(args, {scope_key, "options"}); !s.ok()) {
    return Refuse(s);
  }
  if (absl::Status s = ServerTags(args, TagPolicy::kForbidden).status(); !s.ok()) {
    return Refuse(s);
  }
  auto scope = OnlyElement(args, scope_key, network ? "shared network" : pool ? "pool" : "subnet");
  if (!scope.ok()) return Refuse(scope.status());
  auto element = OnlyElement(args, "options", "option");
  if (!element.ok()) return Refuse(element.status());
  auto key = OptionSelector(*element, "the option to delete");
  if (!key.ok()) return Refuse(key.status());
  return Write(actor, command, [&](ConfigTables& tables, ConfigChecks& checks) -> absl::StatusOr<Answer> {
    int removed = 0;
    if (network) {
      auto name = NameFrom(*scope, "a shared network");
      if (!name.ok()) return name.status();
      auto row = tables.Network(*name);
      if (!row.ok()) return row.status();
      if (!row->has_value()) {
        return absl::InvalidArgumentError(
            absl::StrCat("shared network '", *name, "' does not exist"));
      }
      json definition = DefinitionMap((*row)->definition);
      removed = RemoveOption(definition, *key);
      if (removed > 0) {
        if (absl::Status s = tables.PutNetwork(*name, definition.dump(), true); !s.ok()) return s;
      }
    } else {
      SubnetRow row;
      json definition;
      if (pool) {
        std::optional<dhcp::Ipv4Range> range =
            scope->contains("pool") && (*scope)["pool"].is_string()
                ? dhcp::Ipv4Range::Parse((*scope)["pool"].get<std::string>())
                : std::nullopt;
        if (!range) {
          return absl::InvalidArgumentError(
              "a pool is named by 'pool', e.g. \"192.0.2.10 - 192.0.2.100\"");
        }
        auto home = FindPool(tables, *range);
        if (!home.ok()) return home.status();
        row = std::move(home->subnet);
        definition = DefinitionMap(row.subnet.definition);
        removed = RemoveOption(definition["pools"][home->pool_index], *key);
      } else {
        auto id = SubnetIdFrom(scope->value("id", json()), "the subnet");
        if (!id.ok()) return id.status();
        auto found = tables.SubnetById(*id);
        if (!found.ok()) return found.status();
        if (!found->has_value()) {
          return absl::InvalidArgumentError(absl::StrCat("subnet ", *id, " does not exist"));
        }
        row = std::move(**found);
        definition = DefinitionMap(row.subnet.definition);
        removed = RemoveOption(definition, *key);
      }
      if (removed > 0) {
        row.subnet.definition = definition.dump();
        if (absl::Status s = tables.PutSubnet(row.subnet, true); !s.ok()) return s;
        if (absl::Status s = checks.CheckSubnet(row); !s.ok()) return s;
      }
    }
    json out = {{"count", removed}};
    std::string text = absl::StrCat(removed, " DHCPv4 option(s) deleted.");
    if (removed == 0) return CommandAnswer::Empty(text, out);
    return CommandAnswer::Success(text, out);
  });
}

}  // namespace shoal::config_backend
