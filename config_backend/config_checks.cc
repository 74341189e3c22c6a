#include "config_backend/config_checks.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "config/dhcp4_parser.h"
#include "config_backend/config_store.h"
#include "dhcp/ipv4_address.h"
#include "nlohmann/json.hpp"

namespace shoal::config_backend {
namespace {

using nlohmann::json;

absl::Status Conflict(std::string text) { return absl::FailedPreconditionError(std::move(text)); }

std::string SubnetName(const std::string& prefix, uint32_t id) {
  return absl::StrCat("subnet ", prefix, " (id ", id, ")");
}

bool Visible(const TagSet& bound, const std::string& tag) {
  return bound.contains(tag) || bound.contains("all");
}

// A server tag that receives objects bound to `a` and to `b`, if any:
// preferably one both name, else an explicit one.
std::optional<std::string> SharedTag(const TagSet& a, const TagSet& b) {
  if (a.empty() || b.empty()) return std::nullopt;
  std::optional<std::string> common;
  for (const std::string& tag : a) {
    if (!b.contains(tag)) continue;
    if (tag != "all") return tag;
    common = tag;
  }
  if (common) return common;
  if (a.contains("all")) return *b.begin();
  if (b.contains("all")) return *a.begin();
  return std::nullopt;
}

struct Span {
  uint32_t first;
  uint32_t last;
};

std::optional<Span> SpanOf(const std::string& prefix_text) {
  std::optional<dhcp::Ipv4Prefix> p = dhcp::Ipv4Prefix::Parse(prefix_text);
  if (!p) return std::nullopt;
  return Span{p->address.value(), p->address.value() | ~p->Mask()};
}

// Appends the overlapping subnets of one tag's configuration to `out` (up to
// `limit` entries): a sweep by first address reports each subnet that
// starts inside the widest subnet before it.
void CollectOverlaps(const std::string& tag, const ConfigObjects& objects, size_t limit,
                     std::vector<std::string>& out) {
  struct Entry {
    Span span;
    const StoredSubnet* subnet;
  };
  std::vector<Entry> entries;
  for (const auto& [id, subnet] : objects.subnets) {
    if (std::optional<Span> span = SpanOf(subnet.prefix)) entries.push_back({*span, &subnet});
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.span.first < b.span.first; });
  const Entry* widest = nullptr;
  for (const Entry& e : entries) {
    if (out.size() >= limit) return;
    if (widest != nullptr && e.span.first <= widest->span.last) {
      out.push_back(absl::StrCat(SubnetName(e.subnet->prefix, e.subnet->id), " overlaps ",
                                 SubnetName(widest->subnet->prefix, widest->subnet->id),
                                 " for server tag '", tag, "'"));
    }
    if (widest == nullptr || e.span.last > widest->span.last) widest = &e;
  }
}

// Classes in `objects`, in position order, depend only on built-in classes
// and classes before them.
absl::Status CheckClassOrder(const std::string& tag, const ConfigObjects& objects) {
  std::vector<const StoredClientClass*> ordered;
  for (const auto& [name, c] : objects.client_classes) ordered.push_back(&c);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const auto* a, const auto* b) { return a->position < b->position; });
  TagSet defined;
  for (const StoredClientClass* c : ordered) {
    json definition = json::parse(c->definition, nullptr, false);
    std::string test;
    if (definition.is_object() && definition.contains("test") && definition["test"].is_string()) {
      test = definition["test"].get<std::string>();
    }
    for (const std::string& ref : MemberReferences(test)) {
      if (IsBuiltInClass(ref) || defined.contains(ref)) continue;
      bool later = objects.client_classes.contains(ref);
      return Conflict(absl::StrCat("client class '", c->name, "' depends on client class '", ref,
                                   "', which is ",
                                   later ? "defined after it" : "not defined",
                                   " for server tag '", tag,
                                   "'; a class may depend only on classes before it"));
    }
    defined.insert(c->name);
  }
  return absl::OkStatus();
}

// Whether a subnet, pool or shared network definition names `name` in
// client-class or require-client-classes.
bool NamesClass(const json& definition, const std::string& name) {
  if (!definition.is_object()) return false;
  if (auto c = definition.find("client-class"); c != definition.end() && *c == name) return true;
  if (auto r = definition.find("require-client-classes"); r != definition.end() && r->is_array()) {
    for (const json& entry : *r) {
      if (entry == name) return true;
    }
  }
  if (auto pools = definition.find("pools"); pools != definition.end() && pools->is_array()) {
    for (const json& pool : *pools) {
      if (NamesClass(pool, name)) return true;
    }
  }
  return false;
}

}  // namespace

std::vector<std::string> MemberReferences(std::string_view test) {
  std::vector<std::string> out;
  size_t at = 0;
  while ((at = test.find("member", at)) != std::string_view::npos) {
    size_t i = at + 6;
    at = i;
    while (i < test.size() && absl::ascii_isspace(test[i])) ++i;
    if (i >= test.size() || test[i] != '(') continue;
    ++i;
    while (i < test.size() && absl::ascii_isspace(test[i])) ++i;
    if (i >= test.size() || test[i] != '\'') continue;
    size_t end = test.find('\'', i + 1);
    if (end == std::string_view::npos) break;
    out.emplace_back(test.substr(i + 1, end - i - 1));
    at = end + 1;
  }
  return out;
}

bool IsBuiltInClass(std::string_view name) {
  if (name == "ALL" || name == "KNOWN" || name == "UNKNOWN" || name == "BOOTP") return true;
  for (std::string_view prefix : {"VENDOR_CLASS_", "HA_", "AFTER_", "EXTERNAL_"}) {
    if (absl::StartsWith(absl::string_view(name.data(), name.size()),
                         absl::string_view(prefix.data(), prefix.size()))) {
      return true;
    }
  }
  return false;
}

absl::StatusOr<TagSet> ConfigChecks::Reach(const TagSet& tags) {
  if (!tags.contains("all")) return tags;
  auto servers = tables_.Servers();
  if (!servers.ok()) return servers.status();
  TagSet out = {"all"};
  for (const ServerRow& s : *servers) out.insert(s.tag);
  return out;
}

void ConfigChecks::CollectConflicts(const std::string& tag, const ConfigObjects& objects,
                                    size_t limit, std::vector<std::string>& out) {
  if (out.size() >= limit) return;
  std::string label = absl::StrCat("the configuration of server tag '", tag, "'");
  auto merged = MergeIntoFile(json::object(), objects);
  if (!merged.ok()) {
    out.push_back(absl::StrCat(label, ": ", merged.status().message()));
  } else if (auto parsed = config::ParseDhcp4Map(*merged, label); !parsed.ok()) {
    out.push_back(std::string(parsed.status().message()));
  }
  if (out.size() >= limit) return;
  if (absl::Status s = CheckClassOrder(tag, objects); !s.ok()) {
    out.push_back(std::string(s.message()));
  }
  CollectOverlaps(tag, objects, limit, out);
}

absl::StatusOr<std::vector<std::string>> ConfigChecks::ConflictsIn(const TagSet& tags,
                                                                  size_t limit) {
  std::vector<std::string> out;
  for (const std::string& tag : tags) {
    if (out.size() >= limit) break;
    auto objects = ReadObjectsForTag(c_, tag, ObjectsRead::kEverything);
    if (!objects.ok()) return objects.status();
    CollectConflicts(tag, *objects, limit, out);
  }
  return out;
}

absl::Status ConfigChecks::CheckWholeConfiguration(const TagSet& tags) {
  auto conflicts = ConflictsIn(tags, 1);
  if (!conflicts.ok()) return conflicts.status();
  if (!conflicts->empty()) return Conflict(std::move(conflicts->front()));
  return absl::OkStatus();
}

absl::Status ConfigChecks::CheckSubnet(const SubnetRow& row) {
  const StoredSubnet& subnet = row.subnet;
  std::string name = SubnetName(subnet.prefix, subnet.id);
  if (!subnet.shared_network.empty()) {
    auto network = tables_.Network(subnet.shared_network);
    if (!network.ok()) return network.status();
    if (!network->has_value()) {
      return Conflict(absl::StrCat(name, " names shared network '", subnet.shared_network,
                                   "', which does not exist; create it with remote-network4-set "
                                   "first, or give null for no shared network"));
    }
    for (const std::string& tag : row.tags) {
      if (Visible((*network)->tags, tag)) continue;
      return Conflict(absl::StrCat(name, " is bound to server tag '", tag,
                                   "', which its shared network '", subnet.shared_network,
                                   "' is not bound to; bind the network to '", tag,
                                   "' too (remote-network4-set), or the subnet to fewer servers"));
    }
  }
  std::optional<Span> span = SpanOf(subnet.prefix);
  if (!span) {
    return Conflict(absl::StrCat("'", subnet.prefix, "' is not an IPv4 prefix"));
  }
  auto others = tables_.SubnetsOverlapping(span->first, span->last, subnet.id);
  if (!others.ok()) return others.status();
  for (const SubnetRow& other : *others) {
    if (std::optional<std::string> tag = SharedTag(row.tags, other.tags)) {
      return Conflict(absl::StrCat(name, " overlaps ",
                                   SubnetName(other.subnet.prefix, other.subnet.id),
                                   " for server tag '", *tag, "'"));
    }
  }
  auto reach = Reach(row.tags);
  if (!reach.ok()) return reach.status();
  // An unassigned subnet serves nobody; it must still be a valid subnet.
  if (reach->empty()) reach->insert("all");
  for (const std::string& tag : *reach) {
    auto objects = ReadObjectsForTag(c_, tag, ObjectsRead::kWithoutSubnets);
    if (!objects.ok()) return objects.status();
    objects->subnets[subnet.id] = subnet;
    std::vector<std::string> conflicts;
    CollectConflicts(tag, *objects, 1, conflicts);
    if (!conflicts.empty()) return Conflict(std::move(conflicts.front()));
  }
  return absl::OkStatus();
}

absl::Status ConfigChecks::CheckNetworkBindings(const NetworkRow& network) {
  auto subnets = tables_.SubnetsOfNetwork(network.name);
  if (!subnets.ok()) return subnets.status();
  for (const SubnetRow& s : *subnets) {
    for (const std::string& tag : s.tags) {
      if (Visible(network.tags, tag)) continue;
      return Conflict(absl::StrCat(
          "shared network '", network.name, "' would not be bound to server tag '", tag,
          "', but its ", SubnetName(s.subnet.prefix, s.subnet.id),
          " is; a shared network must be bound to every server its subnets are"));
    }
  }
  return absl::OkStatus();
}

absl::Status ConfigChecks::CheckClassUnused(const std::string& name, const TagSet& tags) {
  auto classes = tables_.Classes();
  if (!classes.ok()) return classes.status();
  for (const ClassRow& c : *classes) {
    if (c.client_class.name == name || !SharedTag(c.tags, tags)) continue;
    json definition = json::parse(c.client_class.definition, nullptr, false);
    if (!definition.is_object() || !definition.contains("test") ||
        !definition["test"].is_string()) {
      continue;
    }
    std::vector<std::string> refs = MemberReferences(definition["test"].get<std::string>());
    if (std::find(refs.begin(), refs.end(), name) != refs.end()) {
      return Conflict(absl::StrCat("client class '", name, "' is used by client class '",
                                   c.client_class.name, "' (member('", name,
                                   "')); change or delete that class first"));
    }
  }
  auto subnets = tables_.Subnets(/*with_definitions=*/true);
  if (!subnets.ok()) return subnets.status();
  for (const SubnetRow& s : *subnets) {
    if (!SharedTag(s.tags, tags)) continue;
    if (NamesClass(json::parse(s.subnet.definition, nullptr, false), name)) {
      return Conflict(absl::StrCat("client class '", name, "' is used by ",
                                   SubnetName(s.subnet.prefix, s.subnet.id),
                                   " (client-class or require-client-classes, of the subnet or a "
                                   "pool); change that subnet first"));
    }
  }
  auto networks = tables_.Networks();
  if (!networks.ok()) return networks.status();
  for (const NetworkRow& n : *networks) {
    if (!SharedTag(n.tags, tags)) continue;
    if (NamesClass(json::parse(n.definition, nullptr, false), name)) {
      return Conflict(absl::StrCat("client class '", name, "' is used by shared network '",
                                   n.name, "'; change that network first"));
    }
  }
  return absl::OkStatus();
}

}  // namespace shoal::config_backend
