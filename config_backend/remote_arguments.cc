#include "config_backend/remote_arguments.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "config_backend/config_store.h"
#include "dhcp/option_definition.h"

namespace shoal::config_backend {
namespace {

using nlohmann::json;

absl::Status Bad(std::string text) { return absl::InvalidArgumentError(std::move(text)); }

// A JSON integer in [0, max] (nlohmann keeps parsed non-negative numbers
// unsigned and constructed ones signed; both count).
std::optional<uint64_t> Natural(const json& value, uint64_t max) {
  if (!value.is_number_integer()) return std::nullopt;
  if (value.is_number_unsigned()) {
    uint64_t v = value.get<uint64_t>();
    return v <= max ? std::optional<uint64_t>(v) : std::nullopt;
  }
  int64_t v = value.get<int64_t>();
  return v >= 0 && static_cast<uint64_t>(v) <= max ? std::optional<uint64_t>(v) : std::nullopt;
}

const char* PolicyText(TagPolicy policy) {
  switch (policy) {
    case TagPolicy::kExactlyOne:
      return "a list of exactly one server tag, e.g. [\"all\"] or [\"server1\"]";
    case TagPolicy::kOneOrMore:
      return "a list of one or more server tags, e.g. [\"all\"] or [\"server1\", \"server2\"]";
    case TagPolicy::kTagsOrNull:
      return "a list of server tags, or [null] for objects bound to no server";
    case TagPolicy::kForbidden:
      break;
  }
  return "";
}

}  // namespace

absl::Status CheckArgumentKeys(const json& arguments,
                               std::initializer_list<std::string_view> allowed) {
  if (arguments.is_null()) return absl::OkStatus();
  if (!arguments.is_object()) return Bad("arguments must be a map");
  for (const auto& [key, value] : arguments.items()) {
    if (key == "remote") continue;
    bool known = false;
    for (std::string_view a : allowed) known = known || key == a;
    if (!known && key == "server-tags") {
      return Bad(
          "'server-tags' is not allowed here: this object is found by its id, prefix or name, "
          "whatever servers it is bound to");
    }
    if (!known) {
      std::vector<std::string> names(allowed.begin(), allowed.end());
      names.push_back("remote");
      return Bad(absl::StrCat("unknown argument '", key, "'; this command takes ",
                              absl::StrJoin(names, ", ")));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<TagSet> ServerTags(const json& arguments, TagPolicy policy) {
  bool present = arguments.is_object() && arguments.contains("server-tags");
  if (policy == TagPolicy::kForbidden) {
    if (present) {
      return Bad(
          "'server-tags' is not allowed here: this object is found by its id, prefix or name, "
          "whatever servers it is bound to");
    }
    return TagSet{};
  }
  if (!present) return Bad(absl::StrCat("'server-tags' is required: ", PolicyText(policy)));
  const json& list = arguments["server-tags"];
  if (!list.is_array() || list.empty()) {
    return Bad(absl::StrCat("'server-tags' must be ", PolicyText(policy)));
  }
  if (policy == TagPolicy::kExactlyOne && list.size() != 1) {
    return Bad(absl::StrCat("'server-tags' must be ", PolicyText(policy), "; got ", list.size()));
  }
  TagSet tags;
  for (const json& tag : list) {
    if (tag.is_null()) {
      if (policy == TagPolicy::kTagsOrNull && list.size() == 1) return TagSet{};
      return Bad(absl::StrCat("'server-tags' must be ", PolicyText(policy),
                              policy == TagPolicy::kTagsOrNull ? " (null only on its own)" : ""));
    }
    if (!tag.is_string() || tag.get<std::string>().empty()) {
      return Bad(absl::StrCat("'server-tags' must be ", PolicyText(policy), "; ", tag.dump(),
                              " is not a server tag"));
    }
    std::string t = tag.get<std::string>();
    if (t.size() > 64) {
      return Bad(absl::StrCat("server tag '", t.substr(0, 64), "...' is longer than 64 characters"));
    }
    tags.insert(NormalizeServerTag(t));
  }
  return tags;
}

absl::StatusOr<json> OnlyElement(const json& arguments, const std::string& key,
                                 const std::string& what) {
  const std::string& k = key;
  if (!arguments.is_object() || !arguments.contains(k)) {
    return Bad(absl::StrCat("'", k, "' is required: a list of exactly one ", what));
  }
  const json& list = arguments[k];
  if (!list.is_array() || list.size() != 1 || !list[0].is_object()) {
    return Bad(absl::StrCat("'", k, "' must be a list of exactly one ", what, " (a map)"));
  }
  return list[0];
}

absl::Status CheckRemote(const json& arguments, const db::DatabaseParams& database) {
  if (!arguments.is_object() || !arguments.contains("remote")) return absl::OkStatus();
  const json& remote = arguments["remote"];
  if (!remote.is_object()) return Bad("'remote' must be a map with 'type', 'host' and 'port'");
  for (const auto& [key, value] : remote.items()) {
    if (key != "type" && key != "host" && key != "port") {
      return Bad(absl::StrCat("'remote' has unknown key '", key,
                              "'; it takes 'type', 'host' and 'port'"));
    }
  }
  std::string have = database.dialect == db::Dialect::kPostgreSql ? "postgresql" : "mysql";
  std::string where = absl::StrCat(have, " database on ", database.host,
                                   database.port ? absl::StrCat(":", database.port) : "");
  if (remote.contains("type")) {
    if (!remote["type"].is_string()) return Bad("'remote.type' must be \"mysql\" or \"postgresql\"");
    if (remote["type"].get<std::string>() != have) {
      return Bad(absl::StrCat("no configuration database of type '",
                              remote["type"].get<std::string>(), "': this server uses the ",
                              where));
    }
  }
  if (remote.contains("port") && !remote.contains("host")) {
    return Bad("'remote.port' is allowed only together with 'remote.host'");
  }
  if (remote.contains("host")) {
    if (!remote["host"].is_string() || remote["host"].get<std::string>() != database.host) {
      return Bad(absl::StrCat("no configuration database on host ", remote["host"].dump(),
                              ": this server uses the ", where));
    }
  }
  if (remote.contains("port")) {
    std::optional<uint64_t> port = Natural(remote["port"], 65535);
    if (!port || (database.port != 0 && *port != database.port)) {
      return Bad(absl::StrCat("no configuration database on port ", remote["port"].dump(),
                              ": this server uses the ", where));
    }
  }
  return absl::OkStatus();
}

bool ListedFor(const TagSet& bound, const TagSet& requested) {
  if (requested.empty()) return bound.empty();
  if (bound.contains("all")) return true;
  for (const std::string& t : requested) {
    if (bound.contains(t)) return true;
  }
  return false;
}

absl::StatusOr<uint32_t> SubnetIdFrom(const json& value, const std::string& where) {
  std::optional<uint64_t> id = Natural(value, 4294967294ULL);
  if (!id || *id == 0) {
    return Bad(absl::StrCat(where, ": 'id' must be a subnet id from 1 to 4294967294, not ",
                            value.dump()));
  }
  return static_cast<uint32_t>(*id);
}

absl::StatusOr<ResolvedOption> ResolveOption(const json& entry) {
  if (!entry.is_object()) return Bad("an option must be a map");
  std::string space = "dhcp4";
  if (entry.contains("space")) {
    if (!entry["space"].is_string() || entry["space"].get<std::string>().empty()) {
      return Bad("option 'space' must be a non-empty string");
    }
    space = entry["space"].get<std::string>();
  }
  std::optional<uint32_t> code;
  if (entry.contains("code")) {
    std::optional<uint64_t> c = Natural(entry["code"], 255);
    if (!c) return Bad(absl::StrCat("option 'code' must be 0..255, not ", entry["code"].dump()));
    code = static_cast<uint32_t>(*c);
  }
  if (!code) {
    if (!entry.contains("name") || !entry["name"].is_string()) {
      return Bad("an option needs 'code' (and 'space'), or the 'name' of a standard option");
    }
    std::string name = entry["name"].get<std::string>();
    dhcp::OptionDefinitionSet standard = dhcp::StandardDhcp4OptionDefinitions();
    const dhcp::OptionDefinition* def = standard.FindByName(space, name);
    if (def == nullptr) {
      return Bad(absl::StrCat("'", name, "' is not a standard option in space '", space,
                              "'; set a custom option by 'code' and 'space'"));
    }
    code = def->code;
  }
  json out = entry;
  out["code"] = *code;
  out["space"] = space;
  return ResolvedOption{{*code, space}, std::move(out)};
}

absl::StatusOr<OptionKey> OptionSelector(const json& entry, const std::string& what) {
  std::optional<uint64_t> code =
      entry.contains("code") ? Natural(entry["code"], 255) : std::nullopt;
  if (!code) return Bad(absl::StrCat(what, " needs 'code' (0..255) and, outside dhcp4, 'space'"));
  std::string space = "dhcp4";
  if (entry.contains("space")) {
    if (!entry["space"].is_string()) return Bad(absl::StrCat(what, ": 'space' must be a string"));
    space = entry["space"].get<std::string>();
  }
  return OptionKey{static_cast<uint32_t>(*code), space};
}

}  // namespace shoal::config_backend
