#include "config_backend/config_import.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "config_backend/config_checks.h"
#include "config_backend/config_store.h"
#include "config_backend/config_write.h"
#include "config_backend/remote_arguments.h"
#include "dhcp/ipv4_address.h"

namespace shoal::config_backend {
namespace {

using nlohmann::json;

absl::Status Bad(std::string text) { return absl::InvalidArgumentError(std::move(text)); }

// Scalars that are a node's own, or that Kea's configuration backend does
// not hold (the "Supported Parameters" table: hostname-char-* are "no").
bool NodeLocalScalar(const std::string& key) {
  return key == "server-tag" || key == "hostname-char-set" || key == "hostname-char-replacement";
}

// Moves a subnet's reservations to the not-imported list.
json WithoutReservations(json subnet, const std::string& name, ImportPlan& plan) {
  if (auto r = subnet.find("reservations"); r != subnet.end()) {
    if (r->is_array() && !r->empty()) {
      plan.not_imported.push_back(absl::StrCat(
          name, ": ", r->size(),
          " host reservation(s): the configuration database holds no reservations; put them in a "
          "hosts database (hosts-database) or the node's file"));
    }
    subnet.erase(r);
  }
  return subnet;
}

absl::Status PlanSubnet(const json& entry, const std::string& network, const std::string& where,
                        ImportPlan& plan) {
  if (!entry.is_object()) return Bad(absl::StrCat(where, ": a subnet must be a map"));
  if (!entry.contains("subnet") || !entry["subnet"].is_string()) {
    return Bad(absl::StrCat(where, ": a subnet needs 'subnet', its prefix"));
  }
  std::optional<dhcp::Ipv4Prefix> prefix =
      dhcp::Ipv4Prefix::Parse(entry["subnet"].get<std::string>());
  if (!prefix) {
    return Bad(absl::StrCat(where, ": '", entry["subnet"].get<std::string>(),
                            "' is not an IPv4 prefix"));
  }
  StoredSubnet subnet;
  subnet.prefix = prefix->ToString();
  if (entry.contains("id")) {
    auto id = SubnetIdFrom(entry["id"], where);
    if (!id.ok()) return id.status();
    subnet.id = *id;
  }
  subnet.shared_network = network;
  json definition = WithoutReservations(
      entry, absl::StrCat("subnet ", subnet.prefix, subnet.id ? absl::StrCat(" (id ", subnet.id, ")") : ""),
      plan);
  definition["subnet"] = subnet.prefix;
  definition.erase("id");
  subnet.definition = definition.dump();
  for (const StoredSubnet& other : plan.subnets) {
    if (subnet.id != 0 && other.id == subnet.id) {
      return Bad(absl::StrCat("subnet id ", subnet.id, " is used by ", other.prefix, " and ",
                              subnet.prefix));
    }
  }
  plan.subnets.push_back(std::move(subnet));
  return absl::OkStatus();
}

absl::Status PlanList(const json& value, const char* key, const std::function<absl::Status(
                                                              const json&, const std::string&)>& add) {
  if (!value.is_array()) return Bad(absl::StrCat("'", key, "' must be a list"));
  for (size_t i = 0; i < value.size(); ++i) {
    if (absl::Status s = add(value[i], absl::StrCat(key, "[", i, "]")); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ImportPlan> PlanImport(const json& dhcp4) {
  if (!dhcp4.is_object()) return Bad("the Dhcp4 configuration must be a map");
  ImportPlan plan;
  for (const auto& [key, value] : dhcp4.items()) {
    absl::Status s = absl::OkStatus();
    if (key == "option-def") {
      s = PlanList(value, "option-def", [&](const json& e, const std::string& where) {
        auto k = OptionSelector(e, where);
        if (!k.ok()) return k.status();
        json def = e;
        def["space"] = k->second;
        plan.objects.option_defs[*k] = def.dump();
        return absl::OkStatus();
      });
    } else if (key == "option-data") {
      s = PlanList(value, "option-data", [&](const json& e, const std::string& where) {
        auto option = ResolveOption(e);
        if (!option.ok()) return Bad(absl::StrCat(where, ": ", option.status().message()));
        plan.objects.options[option->key] = option->entry.dump();
        return absl::OkStatus();
      });
    } else if (key == "client-classes") {
      int64_t position = 0;
      s = PlanList(value, "client-classes", [&](const json& e, const std::string& where) {
        if (!e.is_object() || !e.contains("name") || !e["name"].is_string()) {
          return Bad(absl::StrCat(where, ": a client class needs 'name'"));
        }
        std::string name = e["name"].get<std::string>();
        plan.objects.client_classes[name] = StoredClientClass{name, ++position, e.dump()};
        return absl::OkStatus();
      });
    } else if (key == "shared-networks") {
      s = PlanList(value, "shared-networks", [&](const json& e, const std::string& where) {
        if (!e.is_object() || !e.contains("name") || !e["name"].is_string()) {
          return Bad(absl::StrCat(where, ": a shared network needs 'name'"));
        }
        std::string name = e["name"].get<std::string>();
        json definition = e;
        definition.erase("subnet4");
        plan.objects.shared_networks[name] = definition.dump();
        if (!e.contains("subnet4")) return absl::OkStatus();
        return PlanList(e["subnet4"], "subnet4", [&](const json& sub, const std::string& w) {
          return PlanSubnet(sub, name, absl::StrCat(where, ".", w), plan);
        });
      });
    } else if (key == "subnet4") {
      s = PlanList(value, "subnet4", [&](const json& e, const std::string& where) {
        return PlanSubnet(e, "", where, plan);
      });
    } else if (key == "reservations") {
      if (value.is_array() && !value.empty()) {
        plan.not_imported.push_back(absl::StrCat(
            "reservations: ", value.size(),
            " global host reservation(s): the configuration database holds no reservations; put "
            "them in a hosts database (hosts-database) or the node's file"));
      }
    } else if (value.is_primitive() && !value.is_null() && !NodeLocalScalar(key)) {
      plan.objects.globals[key] = value.dump();
    } else {
      plan.not_imported.push_back(absl::StrCat(
          key, ": ",
          NodeLocalScalar(key) ? "not held by the configuration database"
                               : "a structured or node-local parameter",
          "; keep it in the node's file"));
    }
    if (!s.ok()) return s;
  }
  return plan;
}

absl::StatusOr<ImportResult> ImportConfiguration(db::Connection& c, const ImportPlan& plan,
                                                 const TagSet& tags, const std::string& actor) {
  if (tags.empty()) return Bad("name at least one server tag to import under");
  auto write = ConfigWrite::Begin(c, actor, "config-import");
  if (!write.ok()) return write.status();
  ConfigTables t(c);
  ImportResult result;
  for (const std::string& tag : tags) {
    auto server = t.Server(tag);
    if (!server.ok()) return server.status();
    if (!server->has_value()) {
      if (absl::Status s = t.PutServer({tag, "created by shoal-admin config-import"}); !s.ok()) {
        return s;
      }
    }
    for (const auto& [name, text] : plan.objects.globals) {
      SingleTagRow row{name, {}, tag, text};
      if (absl::Status s = t.PutSingleTagRow(SingleTagKind::kGlobalParameter, row); !s.ok()) {
        return s;
      }
    }
    for (const auto& [key, text] : plan.objects.option_defs) {
      if (absl::Status s = t.PutSingleTagRow(SingleTagKind::kOptionDef, {"", key, tag, text});
          !s.ok()) {
        return s;
      }
    }
    for (const auto& [key, text] : plan.objects.options) {
      if (absl::Status s = t.PutSingleTagRow(SingleTagKind::kOption, {"", key, tag, text}); !s.ok()) {
        return s;
      }
    }
  }
  result.globals = plan.objects.globals.size();
  result.option_defs = plan.objects.option_defs.size();
  result.options = plan.objects.options.size();

  // Imported objects keep the bindings they had and gain the import's tags.
  auto with_tags = [&](const TagSet& had) {
    TagSet out = had;
    out.insert(tags.begin(), tags.end());
    return out;
  };
  auto classes = t.Classes();
  if (!classes.ok()) return classes.status();
  int64_t next_position = 1;
  std::map<std::string, const ClassRow*> existing_classes;
  for (const ClassRow& row : *classes) {
    next_position = std::max(next_position, row.client_class.position + 1);
    existing_classes[row.client_class.name] = &row;
  }
  std::vector<const StoredClientClass*> ordered;
  for (const auto& [name, c] : plan.objects.client_classes) ordered.push_back(&c);
  std::sort(ordered.begin(), ordered.end(),
            [](const auto* a, const auto* b) { return a->position < b->position; });
  for (const StoredClientClass* c : ordered) {
    auto it = existing_classes.find(c->name);
    bool exists = it != existing_classes.end();
    StoredClientClass stored = *c;
    stored.position = exists ? it->second->client_class.position : next_position++;
    if (absl::Status s = t.PutClass(stored, exists); !s.ok()) return s;
    TagSet had = exists ? it->second->tags : TagSet{};
    if (absl::Status s = t.SetTags(SharedKind::kClientClass, c->name, with_tags(had), &had);
        !s.ok()) {
      return s;
    }
  }
  result.client_classes = ordered.size();

  std::vector<std::string> conflicts;
  std::vector<NetworkRow> networks;
  for (const auto& [name, definition] : plan.objects.shared_networks) {
    auto existing = t.Network(name);
    if (!existing.ok()) return existing.status();
    TagSet had = existing->has_value() ? (*existing)->tags : TagSet{};
    if (absl::Status s = t.PutNetwork(name, definition, existing->has_value()); !s.ok()) return s;
    TagSet bound = with_tags(had);
    if (absl::Status s = t.SetTags(SharedKind::kSharedNetwork, name, bound, &had); !s.ok()) {
      return s;
    }
    networks.push_back({name, definition, bound});
  }
  result.shared_networks = networks.size();

  auto existing = t.Subnets(/*with_definitions=*/false);
  if (!existing.ok()) return existing.status();
  std::map<uint32_t, const SubnetRow*> by_id;
  std::map<std::string, const SubnetRow*> by_prefix;
  uint32_t next_id = 1;
  for (const SubnetRow& row : *existing) {
    by_id[row.subnet.id] = &row;
    by_prefix[row.subnet.prefix] = &row;
    next_id = std::max(next_id, row.subnet.id + 1);
  }
  for (const StoredSubnet& s : plan.subnets) next_id = std::max(next_id, s.id + 1);
  std::vector<StoredSubnet> new_subnets;
  for (const StoredSubnet& planned : plan.subnets) {
    StoredSubnet subnet = planned;
    const SubnetRow* same_prefix =
        by_prefix.contains(subnet.prefix) ? by_prefix[subnet.prefix] : nullptr;
    if (subnet.id == 0) subnet.id = same_prefix ? same_prefix->subnet.id : next_id++;
    const SubnetRow* same_id = by_id.contains(subnet.id) ? by_id[subnet.id] : nullptr;
    if (same_id != nullptr && same_id->subnet.prefix != subnet.prefix) {
      conflicts.push_back(absl::StrCat("subnet id ", subnet.id, " is ", same_id->subnet.prefix,
                                       " in the database and ", subnet.prefix, " in the file"));
      continue;
    }
    if (same_prefix != nullptr && same_prefix->subnet.id != subnet.id) {
      conflicts.push_back(absl::StrCat("subnet ", subnet.prefix, " has id ",
                                       same_prefix->subnet.id, " in the database and ",
                                       subnet.id, " in the file"));
      continue;
    }
    json definition = json::parse(subnet.definition);
    definition["id"] = subnet.id;
    subnet.definition = definition.dump();
    if (same_id == nullptr) {
      new_subnets.push_back(std::move(subnet));
      continue;
    }
    if (absl::Status s = t.PutSubnet(subnet, /*exists=*/true); !s.ok()) return s;
    TagSet had = same_id->tags;
    if (absl::Status s = t.SetTags(SharedKind::kSubnet, absl::StrCat(subnet.id), with_tags(had),
                                   &had);
        !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = t.InsertSubnets(new_subnets, tags); !s.ok()) return s;
  result.subnets = plan.subnets.size();

  constexpr size_t kMaxListed = 50;
  ConfigChecks checks(c);
  for (const NetworkRow& network : networks) {
    if (conflicts.size() >= kMaxListed) break;
    if (absl::Status s = checks.CheckNetworkBindings(network); !s.ok()) {
      conflicts.push_back(std::string(s.message()));
    }
  }
  auto reach = checks.Reach(tags);
  if (!reach.ok()) return reach.status();
  if (conflicts.size() < kMaxListed) {
    auto found = checks.ConflictsIn(*reach, kMaxListed - conflicts.size());
    if (!found.ok()) return found.status();
    conflicts.insert(conflicts.end(), found->begin(), found->end());
  }
  if (!conflicts.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(conflicts.size() >= kMaxListed ? "at least " : "", conflicts.size(),
                     " conflict(s); nothing was imported:\n  ", absl::StrJoin(conflicts, "\n  ")));
  }
  if (absl::Status s = (*write)->Commit(); !s.ok()) return s;
  auto head = c.Query(db::Statement("SELECT revision FROM config4_head WHERE id = 1"));
  if (head.ok() && !head->rows.empty()) {
    result.revision = static_cast<uint64_t>(head->rows[0].Int64Or(0, 0).value_or(0));
  }
  return result;
}

absl::StatusOr<json> ExportConfiguration(db::Connection& c, const std::string& tag) {
  auto objects = ReadObjectsForTag(c, tag, ObjectsRead::kEverything);
  if (!objects.ok()) return objects.status();
  auto merged = MergeIntoFile(json::object(), *objects);
  if (!merged.ok()) return merged.status();
  // Kea's grammar refuses an empty Dhcp4 map; a tag with nothing in the
  // database exports as a file with no subnets, which both servers accept.
  if (merged->empty()) (*merged)["subnet4"] = json::array();
  return json{{"Dhcp4", std::move(*merged)}};
}

}  // namespace shoal::config_backend
