#include "config_backend/config_objects.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "dhcp/ipv4_address.h"

namespace shoal::config_backend {
namespace {

using nlohmann::json;

absl::Status Invalid(absl::string_view object, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("configuration database: ", object, ": ", what));
}

// The JSON of a definition column; `object` names the row in the error.
absl::StatusOr<json> ParseDefinition(const std::string& text, absl::string_view object) {
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return Invalid(object, "the definition is not valid JSON");
  }
  return parsed;
}

std::string Describe(const OptionKey& key) {
  return absl::StrCat("code ", key.first, " in space '", key.second, "'");
}

// The file entry's (code, space), if it names a code.
std::optional<OptionKey> KeyOf(const json& entry) {
  if (!entry.is_object()) return std::nullopt;
  auto code = entry.find("code");
  if (code == entry.end() || !code->is_number_unsigned()) return std::nullopt;
  std::string space = "dhcp4";
  if (auto s = entry.find("space"); s != entry.end() && s->is_string()) space = *s;
  return OptionKey{code->get<uint32_t>(), space};
}

// `definition` with code and space from the columns; they must agree with
// whatever the definition says itself.
absl::StatusOr<json> WithKey(const std::string& text, const OptionKey& key,
                             absl::string_view what) {
  std::string object = absl::StrCat(what, " ", Describe(key));
  auto definition = ParseDefinition(text, object);
  if (!definition.ok()) return definition.status();
  if (!definition->is_object()) return Invalid(object, "the definition is not a JSON map");
  json out = std::move(*definition);
  if (auto code = out.find("code"); code != out.end() && *code != key.first) {
    return Invalid(object, absl::StrCat("the definition says code ", code->dump()));
  }
  if (auto space = out.find("space"); space != out.end() && *space != key.second) {
    return Invalid(object, absl::StrCat("the definition says space ", space->dump()));
  }
  out["code"] = key.first;
  out["space"] = key.second;
  return out;
}

// Replaces the entries of `list` with the same (code, space) as a database
// entry, then appends the database entries.
absl::Status MergeOptionList(json& dhcp4, const char* list_name,
                             const std::map<OptionKey, std::string>& db, absl::string_view what) {
  if (db.empty()) return absl::OkStatus();
  json merged = json::array();
  if (auto file = dhcp4.find(list_name); file != dhcp4.end() && file->is_array()) {
    for (const json& entry : *file) {
      std::optional<OptionKey> key = KeyOf(entry);
      if (!key || !db.contains(*key)) merged.push_back(entry);
    }
  }
  for (const auto& [key, definition] : db) {
    auto entry = WithKey(definition, key, what);
    if (!entry.ok()) return entry.status();
    merged.push_back(std::move(*entry));
  }
  dhcp4[list_name] = std::move(merged);
  return absl::OkStatus();
}

std::optional<dhcp::Ipv4Prefix> PrefixOf(const json& subnet) {
  auto text = subnet.find("subnet");
  if (text == subnet.end() || !text->is_string()) return std::nullopt;
  return dhcp::Ipv4Prefix::Parse(text->get<std::string>());
}

// Removes from `subnets` the entries with `id` or `prefix`.
void RemoveSupersededSubnets(json& subnets, uint32_t id, const dhcp::Ipv4Prefix& prefix) {
  if (!subnets.is_array()) return;
  json kept = json::array();
  for (json& subnet : subnets) {
    bool same_id = subnet.is_object() && subnet.contains("id") && subnet["id"] == id;
    std::optional<dhcp::Ipv4Prefix> p = subnet.is_object() ? PrefixOf(subnet) : std::nullopt;
    if (!same_id && !(p && *p == prefix)) kept.push_back(std::move(subnet));
  }
  subnets = std::move(kept);
}

absl::StatusOr<json> SubnetJson(const StoredSubnet& stored) {
  std::string object = absl::StrCat("subnet ", stored.id);
  auto definition = ParseDefinition(stored.definition, object);
  if (!definition.ok()) return definition.status();
  if (!definition->is_object()) return Invalid(object, "the definition is not a JSON map");
  std::optional<dhcp::Ipv4Prefix> prefix = dhcp::Ipv4Prefix::Parse(stored.prefix);
  if (!prefix) {
    return Invalid(object, absl::StrCat("prefix '", stored.prefix,
                                        "' is not an IPv4 prefix (expected e.g. 192.0.2.0/24)"));
  }
  json out = std::move(*definition);
  if (auto id = out.find("id"); id != out.end() && *id != stored.id) {
    return Invalid(object, absl::StrCat("the definition says id ", id->dump()));
  }
  if (std::optional<dhcp::Ipv4Prefix> own = PrefixOf(out); out.contains("subnet") && own != prefix) {
    return Invalid(object, absl::StrCat("the definition says subnet ", out["subnet"].dump(),
                                        " but the prefix column holds ", stored.prefix));
  }
  out["id"] = stored.id;
  out["subnet"] = stored.prefix;
  return out;
}

absl::Status MergeSubnets(json& dhcp4, const ConfigObjects& objects) {
  if (objects.subnets.empty()) return absl::OkStatus();
  json& networks = dhcp4["shared-networks"];
  if (networks.is_null()) networks = json::array();
  json& top = dhcp4["subnet4"];
  if (top.is_null()) top = json::array();
  std::vector<json> built;
  built.reserve(objects.subnets.size());
  for (const auto& [id, stored] : objects.subnets) {
    auto subnet = SubnetJson(stored);
    if (!subnet.ok()) return subnet.status();
    built.push_back(std::move(*subnet));
    dhcp::Ipv4Prefix prefix = *dhcp::Ipv4Prefix::Parse(stored.prefix);
    RemoveSupersededSubnets(top, id, prefix);
    for (json& network : networks) {
      if (network.is_object() && network.contains("subnet4")) {
        RemoveSupersededSubnets(network["subnet4"], id, prefix);
      }
    }
  }
  size_t next = 0;
  for (const auto& [id, stored] : objects.subnets) {
    json subnet = std::move(built[next++]);
    json* home = &top;
    if (!stored.shared_network.empty()) {
      for (json& network : networks) {
        if (network.is_object() && network.value("name", "") == stored.shared_network) {
          json& list = network["subnet4"];
          if (list.is_null()) list = json::array();
          home = &list;
          break;
        }
      }
    }
    home->push_back(std::move(subnet));
  }
  if (networks.empty()) dhcp4.erase("shared-networks");
  if (top.empty()) dhcp4.erase("subnet4");
  return absl::OkStatus();
}

absl::Status MergeSharedNetworks(json& dhcp4, const ConfigObjects& objects) {
  if (objects.shared_networks.empty()) return absl::OkStatus();
  json merged = json::array();
  if (auto file = dhcp4.find("shared-networks"); file != dhcp4.end() && file->is_array()) {
    for (const json& network : *file) {
      if (!network.is_object() ||
          !objects.shared_networks.contains(network.value("name", std::string()))) {
        merged.push_back(network);
      }
    }
  }
  for (const auto& [name, text] : objects.shared_networks) {
    std::string object = absl::StrCat("shared network '", name, "'");
    auto parsed = ParseDefinition(text, object);
    if (!parsed.ok()) return parsed.status();
    const json& definition = *parsed;
    if (!definition.is_object()) return Invalid(object, "the definition is not a JSON map");
    if (definition.contains("subnet4")) {
      return Invalid(object,
                     "the definition lists subnets; subnets are rows of config4_subnet that name "
                     "their shared network");
    }
    if (auto n = definition.find("name"); n != definition.end() && *n != name) {
      return Invalid(object, absl::StrCat("the definition says name ", n->dump()));
    }
    json network = definition;
    network["name"] = name;
    network["subnet4"] = json::array();
    merged.push_back(std::move(network));
  }
  dhcp4["shared-networks"] = std::move(merged);
  return absl::OkStatus();
}

absl::Status MergeClientClasses(json& dhcp4, const ConfigObjects& objects) {
  if (objects.client_classes.empty()) return absl::OkStatus();
  std::vector<const StoredClientClass*> ordered;
  for (const auto& [name, c] : objects.client_classes) ordered.push_back(&c);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const auto* a, const auto* b) { return a->position < b->position; });
  json classes = json::array();
  for (const StoredClientClass* c : ordered) {
    std::string object = absl::StrCat("client class '", c->name, "'");
    auto parsed = ParseDefinition(c->definition, object);
    if (!parsed.ok()) return parsed.status();
    json entry = std::move(*parsed);
    if (!entry.is_object()) return Invalid(object, "the definition is not a JSON map");
    if (auto n = entry.find("name"); n != entry.end() && *n != c->name) {
      return Invalid(object, absl::StrCat("the definition says name ", n->dump()));
    }
    entry["name"] = c->name;
    classes.push_back(std::move(entry));
  }
  dhcp4["client-classes"] = std::move(classes);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<json> MergeIntoFile(const json& file_dhcp4, const ConfigObjects& objects) {
  json dhcp4 = file_dhcp4.is_object() ? file_dhcp4 : json::object();
  for (const auto& [name, text] : objects.globals) {
    std::string object = absl::StrCat("global parameter '", name, "'");
    auto parsed = ParseDefinition(text, object);
    if (!parsed.ok()) return parsed.status();
    const json& value = *parsed;
    if (!value.is_primitive() || value.is_null()) {
      return Invalid(object, absl::StrCat("the value ", value.dump(),
                                          " is not a number, string or boolean (structured "
                                          "parameters come from the node's file)"));
    }
    if (name == "server-tag") {
      return Invalid(object, "a node's server tag comes from its own file");
    }
    dhcp4[name] = value;
  }
  if (absl::Status s = MergeOptionList(dhcp4, "option-def", objects.option_defs,
                                       "option definition");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = MergeOptionList(dhcp4, "option-data", objects.options, "global option");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = MergeClientClasses(dhcp4, objects); !s.ok()) return s;
  if (absl::Status s = MergeSharedNetworks(dhcp4, objects); !s.ok()) return s;
  if (absl::Status s = MergeSubnets(dhcp4, objects); !s.ok()) return s;
  return dhcp4;
}

json ConfigObjects::ToJson() const {
  json out = json::object();
  out["globals"] = globals;
  auto options_json = [](const std::map<OptionKey, std::string>& m) {
    json list = json::array();
    for (const auto& [key, definition] : m) {
      list.push_back({{"code", key.first}, {"space", key.second}, {"definition", definition}});
    }
    return list;
  };
  out["option-defs"] = options_json(option_defs);
  out["options"] = options_json(options);
  json classes = json::array();
  for (const auto& [name, c] : client_classes) {
    classes.push_back({{"name", name}, {"position", c.position}, {"definition", c.definition}});
  }
  out["client-classes"] = std::move(classes);
  out["shared-networks"] = shared_networks;
  json subnet_list = json::array();
  for (const auto& [id, s] : subnets) {
    subnet_list.push_back({{"id", id},
                           {"prefix", s.prefix},
                           {"shared-network", s.shared_network},
                           {"definition", s.definition}});
  }
  out["subnets"] = std::move(subnet_list);
  return out;
}

absl::StatusOr<ConfigObjects> ConfigObjects::FromJson(const json& in) {
  try {
    ConfigObjects out;
    out.globals = in.at("globals").get<std::map<std::string, std::string>>();
    for (const json& o : in.at("option-defs")) {
      out.option_defs[{o.at("code").get<uint32_t>(), o.at("space").get<std::string>()}] =
          o.at("definition").get<std::string>();
    }
    for (const json& o : in.at("options")) {
      out.options[{o.at("code").get<uint32_t>(), o.at("space").get<std::string>()}] =
          o.at("definition").get<std::string>();
    }
    for (const json& c : in.at("client-classes")) {
      StoredClientClass stored{c.at("name").get<std::string>(), c.at("position").get<int64_t>(),
                               c.at("definition").get<std::string>()};
      out.client_classes[stored.name] = std::move(stored);
    }
    out.shared_networks = in.at("shared-networks").get<std::map<std::string, std::string>>();
    for (const json& s : in.at("subnets")) {
      StoredSubnet stored{s.at("id").get<uint32_t>(), s.at("prefix").get<std::string>(),
                          s.at("shared-network").get<std::string>(),
                          s.at("definition").get<std::string>()};
      out.subnets[stored.id] = std::move(stored);
    }
    return out;
  } catch (const json::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a copy of configuration database objects: ", e.what()));
  }
}

}  // namespace shoal::config_backend
