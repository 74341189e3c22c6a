#include "config_backend/remote_commands.h"

#include "absl/strings/str_cat.h"
#include "config_backend/config_store.h"
#include "config_backend/remote_arguments.h"
#include "db/schema.h"

namespace shoal::config_backend {
namespace {

using control::CommandAnswer;
using nlohmann::json;

// How often a write that lost a deadlock to another writer is retried.
constexpr int kWriteAttempts = 3;

// `object` without the metadata a get added (so what a get returns can be
// set again).
json WithoutMetadata(json object) {
  object.erase("metadata");
  return object;
}

const char* Noun(SingleTagKind kind) {
  return kind == SingleTagKind::kOptionDef ? "option definition" : "option";
}
const char* ListKey(SingleTagKind kind) {
  return kind == SingleTagKind::kOptionDef ? "option-defs" : "options";
}

// The rows a tag receives: its own, and those of 'all' it does not override.
absl::StatusOr<std::vector<SingleTagRow>> EffectiveRows(ConfigTables& tables, SingleTagKind kind,
                                                        const std::string& tag) {
  auto own = tables.SingleTagRows(kind, tag);
  if (!own.ok() || tag == "all") return own;
  auto shared = tables.SingleTagRows(kind, "all");
  if (!shared.ok()) return shared.status();
  std::set<std::string> names;
  std::set<OptionKey> keys;
  for (const SingleTagRow& r : *own) {
    names.insert(r.name);
    keys.insert(r.key);
  }
  for (SingleTagRow& r : *shared) {
    bool overridden = kind == SingleTagKind::kGlobalParameter ? names.contains(r.name)
                                                              : keys.contains(r.key);
    if (!overridden) own->push_back(std::move(r));
  }
  return own;
}

json RowJson(const SingleTagRow& row) {
  json value = json::parse(row.text, nullptr, false);
  if (value.is_discarded()) value = row.text;
  json out;
  if (!row.name.empty()) {
    out[row.name] = value;
  } else {
    out = value.is_object() ? value : json::object();
    out["code"] = row.key.first;
    out["space"] = row.key.second;
  }
  out["metadata"] = Metadata({row.tag});
  return out;
}

}  // namespace

CommandAnswer RemoteCommands::Refuse(const absl::Status& status) {
  if (status.code() == absl::StatusCode::kUnavailable) {
    return CommandAnswer::Error(
        absl::StrCat("the configuration database is unavailable: ", status.message(),
                     "; nothing was changed, retry when it is back"));
  }
  return CommandAnswer::Error(std::string(status.message()));
}

json Metadata(const TagSet& tags) {
  json list = json::array();
  for (const std::string& t : tags) list.push_back(t);
  if (list.empty()) list.push_back(nullptr);
  return {{"server-tags", list}};
}

absl::StatusOr<db::ConnectionPool::Handle> RemoteCommands::Acquire() {
  std::lock_guard<std::mutex> lock(pool_mu_);
  if (pool_ == nullptr) {
    auto pool = db::ConnectionPool::Create(database_, {.max_connections = 2});
    if (!pool.ok()) return pool.status();
    auto c = (*pool)->Acquire();
    if (!c.ok()) return c.status();
    if (absl::Status s = db::CheckSchemaVersion(**c); !s.ok()) return s;
    pool_ = std::move(*pool);
    return std::move(*c);
  }
  return pool_->Acquire();
}

CommandAnswer RemoteCommands::Read(const ReadBody& body) {
  auto c = Acquire();
  if (!c.ok()) return Refuse(c.status());
  ConfigTables tables(**c);
  auto answer = body(tables);
  if (!answer.ok()) return Refuse(answer.status());
  return *answer;
}

CommandAnswer RemoteCommands::Write(const std::string& actor, const std::string& command,
                                    const WriteBody& body) {
  absl::Status last;
  for (int attempt = 0; attempt < kWriteAttempts; ++attempt) {
    auto c = Acquire();
    if (!c.ok()) return Refuse(c.status());
    auto write = ConfigWrite::Begin(**c, actor, command);
    if (!write.ok()) {
      last = write.status();
      if (last.code() == absl::StatusCode::kAborted) continue;
      return Refuse(last);
    }
    ConfigTables tables(**c);
    ConfigChecks checks(**c);
    auto answer = body(tables, checks);
    if (!answer.ok()) {
      last = answer.status();
      if (last.code() == absl::StatusCode::kAborted) continue;
      return Refuse(last);
    }
    if (answer->result != control::kResultSuccess) return *answer;  // rolled back
    if (absl::Status s = (*write)->Commit(); !s.ok()) {
      last = s;
      if (last.code() == absl::StatusCode::kAborted) continue;
      return Refuse(last);
    }
    return *answer;
  }
  return Refuse(last);
}

absl::Status RemoteCommands::RequireServers(ConfigTables& tables, const TagSet& tags) {
  for (const std::string& tag : tags) {
    if (tag == "all") continue;
    auto server = tables.Server(tag);
    if (!server.ok()) return server.status();
    if (!server->has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("server '", tag, "' does not exist; create it with remote-server4-set ",
                       "first (or bind the object to \"all\")"));
    }
  }
  return absl::OkStatus();
}

void RemoteCommands::Register(control::CommandRegistry& registry) {
  using Handler = std::function<CommandAnswer(const json& args, const std::string& actor)>;
  auto add = [&](const std::string& name, Handler handler) {
    (void)registry.RegisterWithContext(
        name, [this, handler = std::move(handler)](const json& args,
                                                   const control::RequestContext& context) {
          if (absl::Status s = CheckRemote(args, database_); !s.ok()) return Refuse(s);
          std::string user = context.user.empty() ? "api" : context.user;
          return handler(args, absl::StrCat(user, "@", node_name_));
        });
  };
  auto read = [](auto member) {
    return [member](const json& a, const std::string&) { return member(a); };
  };
  add("remote-server4-set", [this](const json& a, const std::string& w) { return ServerSet(a, w); });
  add("remote-server4-get", read([this](const json& a) { return ServerGet(a); }));
  add("remote-server4-get-all", read([this](const json& a) { return ServerGetAll(a); }));
  add("remote-server4-del", [this](const json& a, const std::string& w) { return ServerDel(a, w); });
  add("remote-global-parameter4-set",
      [this](const json& a, const std::string& w) { return GlobalSet(a, w); });
  add("remote-global-parameter4-get", read([this](const json& a) { return GlobalGet(a); }));
  add("remote-global-parameter4-get-all",
      read([this](const json& a) { return GlobalGetAll(a); }));
  add("remote-global-parameter4-del",
      [this](const json& a, const std::string& w) { return GlobalDel(a, w); });
  for (SingleTagKind kind : {SingleTagKind::kOptionDef, SingleTagKind::kOption}) {
    std::string base =
        kind == SingleTagKind::kOptionDef ? "remote-option-def4-" : "remote-option4-global-";
    std::string set = base + "set", del = base + "del";
    add(set, [this, kind, set](const json& a, const std::string& w) {
      return SingleTagSet(kind, set, a, w);
    });
    add(base + "get", read([this, kind](const json& a) { return SingleTagGet(kind, a); }));
    add(base + "get-all", read([this, kind](const json& a) { return SingleTagGetAll(kind, a); }));
    add(del, [this, kind, del](const json& a, const std::string& w) {
      return SingleTagDel(kind, del, a, w);
    });
  }
  add("remote-network4-set",
      [this](const json& a, const std::string& w) { return NetworkSet(a, w); });
  add("remote-network4-get", read([this](const json& a) { return NetworkGet(a); }));
  add("remote-network4-list", read([this](const json& a) { return NetworkList(a); }));
  add("remote-network4-del",
      [this](const json& a, const std::string& w) { return NetworkDel(a, w); });
  add("remote-subnet4-set", [this](const json& a, const std::string& w) { return SubnetSet(a, w); });
  add("remote-subnet4-get-by-id", read([this](const json& a) { return SubnetGet(a, false); }));
  add("remote-subnet4-get-by-prefix", read([this](const json& a) { return SubnetGet(a, true); }));
  add("remote-subnet4-list", read([this](const json& a) { return SubnetList(a); }));
  add("remote-subnet4-del-by-id",
      [this](const json& a, const std::string& w) { return SubnetDel(a, false, w); });
  add("remote-subnet4-del-by-prefix",
      [this](const json& a, const std::string& w) { return SubnetDel(a, true, w); });
  for (std::string scope : {"network", "subnet", "pool"}) {
    std::string set = absl::StrCat("remote-option4-", scope, "-set");
    std::string del = absl::StrCat("remote-option4-", scope, "-del");
    add(set, [this, set](const json& a, const std::string& w) { return ScopedOptionSet(set, a, w); });
    add(del, [this, del](const json& a, const std::string& w) { return ScopedOptionDel(del, a, w); });
  }
  add("remote-class4-set", [this](const json& a, const std::string& w) { return ClassSet(a, w); });
  add("remote-class4-get", read([this](const json& a) { return ClassGet(a); }));
  add("remote-class4-get-all", read([this](const json& a) { return ClassGetAll(a); }));
  add("remote-class4-del", [this](const json& a, const std::string& w) { return ClassDel(a, w); });
  add("config-history-get", read([this](const json& a) { return HistoryGet(a); }));
}

// ---- history ----

CommandAnswer RemoteCommands::HistoryGet(const json& args) {
  if (absl::Status s = CheckArgumentKeys(args, {"before", "limit"}); !s.ok()) return Refuse(s);
  uint64_t before = UINT64_MAX;
  uint32_t limit = 100;
  if (args.is_object() && args.contains("before")) {
    const json& b = args["before"];
    if (!b.is_number_integer() || b.get<int64_t>() < 1) {
      return CommandAnswer::Error("'before' must be a revision number (1 or more)");
    }
    before = b.get<uint64_t>();
  }
  if (args.is_object() && args.contains("limit")) {
    const json& l = args["limit"];
    if (!l.is_number_integer() || l.get<int64_t>() < 1 || l.get<int64_t>() > 1000) {
      return CommandAnswer::Error("'limit' must be from 1 to 1000 revisions");
    }
    limit = l.get<uint32_t>();
  }
  return Read([&](ConfigTables& tables) -> absl::StatusOr<Answer> {
    auto history = tables.History(before, limit);
    if (!history.ok()) return history.status();
    json list = json::array();
    for (const RevisionRecord& r : *history) {
      json changes = json::array();
      for (const RevisionRecord::Object& o : r.changes) {
        json change = {{"object-type", o.type}, {"object-key", o.key}};
        change["server-tag"] = o.server_tag.empty() ? json(nullptr) : json(o.server_tag);
        changes.push_back(std::move(change));
      }
      list.push_back({{"revision", r.revision},
                      {"time", r.committed_at},
                      {"actor", r.actor},
                      {"command", r.command},
                      {"changes", std::move(changes)}});
    }
    json out = {{"revisions", list}, {"count", list.size()}};
    // The next page starts below the oldest revision listed.
    out["next"] = list.size() == limit ? json(history->back().revision) : json(nullptr);
    std::string text = absl::StrCat(list.size(), " revision(s) found.");
    if (list.empty()) return CommandAnswer::Empty(text, out);
    return CommandAnswer::Success(text, out);
  });
}

// ---- servers ----

CommandAnswer RemoteCommands::ServerSet(const json& args, const std::string& actor) {
  if (absl::Status s = CheckArgumentKeys(args, {"servers"}); !s.ok()) return Refuse(s);
  auto server = OnlyElement(args, "servers", "server");
  if (!server.ok()) return Refuse(server.status());
  if (!server->contains("server-tag") || !(*server)["server-tag"].is_string() ||
      (*server)["server-tag"].get<std::string>().empty()) {
    return CommandAnswer::Error("a server needs 'server-tag', a non-empty string");
  }
  std::string tag = NormalizeServerTag((*server)["server-tag"].get<std::string>());
  if (tag.size() > 64) return CommandAnswer::Error("a server tag has at most 64 characters");
  if (tag == "all" || tag == "any") {
    return CommandAnswer::Error(absl::StrCat("server tag '", tag, "' is reserved; choose another"));
  }
  std::string description;
  if (server->contains("description")) {
    if (!(*server)["description"].is_string()) {
      return CommandAnswer::Error("'description' must be a string");
    }
    description = (*server)["description"].get<std::string>();
  }
  return Write(actor, "remote-server4-set",
               [&](ConfigTables& tables, ConfigChecks&) -> absl::StatusOr<Answer> {
                 if (absl::Status s = tables.PutServer({tag, description}); !s.ok()) return s;
                 json out = {{"server-tag", tag}, {"description", description}};
                 return CommandAnswer::Success("DHCPv4 server successfully set.",
                                               json{{"servers", json::array({out})}});
               });
}

CommandAnswer RemoteCommands::ServerGet(const json& args) {
  if (absl::Status s = CheckArgumentKeys(args, {"servers"}); !s.ok()) return Refuse(s);
  auto server = OnlyElement(args, "servers", "server");
  if (!server.ok()) return Refuse(server.status());
  if (!server->contains("server-tag") || !(*server)["server-tag"].is_string()) {
    return CommandAnswer::Error("a server is named by 'server-tag', a string");
  }
  std::string tag = NormalizeServerTag((*server)["server-tag"].get<std::string>());
  return Read([&](ConfigTables& tables) -> absl::StatusOr<Answer> {
    auto row = tables.Server(tag);
    if (!row.ok()) return row.status();
    if (!row->has_value() || tag == "all") {
      return CommandAnswer::Empty(absl::StrCat("DHCP server '", tag, "' not found."),
                                  json{{"servers", json::array()}, {"count", 0}});
    }
    json out = {{"server-tag", (*row)->tag}, {"description", (*row)->description}};
    return CommandAnswer::Success(absl::StrCat("DHCP server '", tag, "' found."),
                                  json{{"servers", json::array({out})}, {"count", 1}});
  });
}

CommandAnswer RemoteCommands::ServerGetAll(const json& args) {
  if (absl::Status s = CheckArgumentKeys(args, {}); !s.ok()) return Refuse(s);
  return Read([&](ConfigTables& tables) -> absl::StatusOr<Answer> {
    auto rows = tables.Servers();
    if (!rows.ok()) return rows.status();
    json list = json::array();
    for (const ServerRow& r : *rows) {
      list.push_back({{"server-tag", r.tag}, {"description", r.description}});
    }
    json out = {{"servers", list}, {"count", list.size()}};
    if (list.empty()) return CommandAnswer::Empty("DHCPv4 servers not found.", out);
    return CommandAnswer::Success("DHCPv4 servers found.", out);
  });
}

CommandAnswer RemoteCommands::ServerDel(const json& args, const std::string& actor) {
  if (absl::Status s = CheckArgumentKeys(args, {"servers"}); !s.ok()) return Refuse(s);
  auto server = OnlyElement(args, "servers", "server");
  if (!server.ok()) return Refuse(server.status());
  if (!server->contains("server-tag") || !(*server)["server-tag"].is_string()) {
    return CommandAnswer::Error("a server is named by 'server-tag', a string");
  }
  std::string tag = NormalizeServerTag((*server)["server-tag"].get<std::string>());
  if (tag == "all") {
    return CommandAnswer::Error("the logical server 'all' cannot be deleted");
  }
  return Write(actor, "remote-server4-del",
               [&](ConfigTables& tables, ConfigChecks&) -> absl::StatusOr<Answer> {
                 auto deleted = tables.DeleteServer(tag);
                 if (!deleted.ok()) return deleted.status();
                 json out = {{"count", *deleted}};
                 std::string text = absl::StrCat(*deleted, " DHCPv4 server(s) deleted.");
                 if (*deleted == 0) return CommandAnswer::Empty(text, out);
                 return CommandAnswer::Success(text, out);
               });
}

// ---- global parameters ----

CommandAnswer RemoteCommands::GlobalSet(const json& args, const std::string& actor) {
  if (absl::Status s = CheckArgumentKeys(args, {"parameters", "server-tags"}); !s.ok()) {
    return Refuse(s);
  }
  auto tags = ServerTags(args, TagPolicy::kExactlyOne);
  if (!tags.ok()) return Refuse(tags.status());
  const json& parameters = args.value("parameters", json());
  if (!parameters.is_object() || parameters.empty()) {
    return CommandAnswer::Error(
        "'parameters' must be a map of one or more global parameters, e.g. "
        "{\"valid-lifetime\": 4000}");
  }
  for (const auto& [name, value] : parameters.items()) {
    if (!value.is_primitive() || value.is_null()) {
      return CommandAnswer::Error(absl::StrCat(
          "global parameter '", name, "': ", value.dump(),
          " is not a number, string or boolean; structured parameters come from the node's file"));
    }
    if (name == "server-tag") {
      return CommandAnswer::Error(
          "global parameter 'server-tag': a node's server tag comes from its own file");
    }
  }
  std::string tag = *tags->begin();
  return Write(actor, "remote-global-parameter4-set",
               [&](ConfigTables& tables, ConfigChecks& checks) -> absl::StatusOr<Answer> {
                 if (absl::Status s = RequireServers(tables, *tags); !s.ok()) return s;
                 for (const auto& [name, value] : parameters.items()) {
                   SingleTagRow row{name, {}, tag, value.dump()};
                   if (absl::Status s = tables.PutSingleTagRow(SingleTagKind::kGlobalParameter,
                                                               row);
                       !s.ok()) {
                     return s;
                   }
                 }
                 auto reach = checks.Reach(*tags);
                 if (!reach.ok()) return reach.status();
                 if (absl::Status s = checks.CheckWholeConfiguration(*reach); !s.ok()) return s;
                 return CommandAnswer::Success(
                     "DHCPv4 global parameter(s) successfully set.",
                     json{{"parameters", parameters}, {"count", parameters.size()}});
               });
}

CommandAnswer RemoteCommands::GlobalGet(const json& args) {
  if (absl::Status s = CheckArgumentKeys(args, {"parameters", "server-tags"}); !s.ok()) {
    return Refuse(s);
  }
  auto tags = ServerTags(args, TagPolicy::kExactlyOne);
  if (!tags.ok()) return Refuse(tags.status());
  const json& names = args.value("parameters", json());
  if (!names.is_array() || names.size() != 1 || !names[0].is_string()) {
    return CommandAnswer::Error(
        "'parameters' must be a list of exactly one parameter name, e.g. [\"valid-lifetime\"]");
  }
  std::string name = names[0];
  return Read([&](ConfigTables& tables) -> absl::StatusOr<Answer> {
    auto rows = EffectiveRows(tables, SingleTagKind::kGlobalParameter, *tags->begin());
    if (!rows.ok()) return rows.status();
    for (const SingleTagRow& row : *rows) {
      if (row.name != name) continue;
      return CommandAnswer::Success("DHCPv4 global parameter found.",
                                    json{{"parameters", RowJson(row)}, {"count", 1}});
    }
    return CommandAnswer::Empty(absl::StrCat("DHCPv4 global parameter '", name, "' not found."),
                                json{{"parameters", json::object()}, {"count", 0}});
  });
}

CommandAnswer RemoteCommands::GlobalGetAll(const json& args) {
  if (absl::Status s = CheckArgumentKeys(args, {"server-tags"}); !s.ok()) return Refuse(s);
  auto tags = ServerTags(args, TagPolicy::kExactlyOne);
  if (!tags.ok()) return Refuse(tags.status());
  return Read([&](ConfigTables& tables) -> absl::StatusOr<Answer> {
    auto rows = EffectiveRows(tables, SingleTagKind::kGlobalParameter, *tags->begin());
    if (!rows.ok()) return rows.status();
    json list = json::array();
    for (const SingleTagRow& row : *rows) list.push_back(RowJson(row));
    json out = {{"parameters", list}, {"count", list.size()}};
    if (list.empty()) return CommandAnswer::Empty("DHCPv4 global parameters not found.", out);
    return CommandAnswer::Success("DHCPv4 global parameters found.", out);
  });
}

CommandAnswer RemoteCommands::GlobalDel(const json& args, const std::string& actor) {
  if (absl::Status s = CheckArgumentKeys(args, {"parameters", "server-tags"}); !s.ok()) {
    return Refuse(s);
  }
  auto tags = ServerTags(args, TagPolicy::kExactlyOne);
  if (!tags.ok()) return Refuse(tags.status());
  const json& names = args.value("parameters", json());
  if (!names.is_array() || names.size() != 1 || !names[0].is_string()) {
    return CommandAnswer::Error(
        "'parameters' must be a list of exactly one parameter name, e.g. [\"valid-lifetime\"]");
  }
  SingleTagRow key{names[0].get<std::string>(), {}, *tags->begin(), ""};
  return Write(actor, "remote-global-parameter4-del",
               [&](ConfigTables& tables, ConfigChecks& checks) -> absl::StatusOr<Answer> {
                 auto deleted = tables.DeleteSingleTagRow(SingleTagKind::kGlobalParameter, key);
                 if (!deleted.ok()) return deleted.status();
                 json out = {{"count", *deleted}};
                 if (*deleted == 0) {
                   return CommandAnswer::Empty("0 DHCPv4 global parameter(s) deleted.", out);
                 }
                 auto reach = checks.Reach(*tags);
                 if (!reach.ok()) return reach.status();
                 if (absl::Status s = checks.CheckWholeConfiguration(*reach); !s.ok()) return s;
                 return CommandAnswer::Success("DHCPv4 global parameter(s) deleted.", out);
               });
}

// ---- option definitions and global options ----

CommandAnswer RemoteCommands::SingleTagSet(SingleTagKind kind, const std::string& command,
                                           const json& args, const std::string& actor) {
  const char* list_key = ListKey(kind);
  if (absl::Status s = CheckArgumentKeys(args, {list_key, "server-tags"}); !s.ok()) {
    return Refuse(s);
  }
  auto tags = ServerTags(args, TagPolicy::kExactlyOne);
  if (!tags.ok()) return Refuse(tags.status());
  auto element = OnlyElement(args, list_key, Noun(kind));
  if (!element.ok()) return Refuse(element.status());
  json entry = WithoutMetadata(*element);
  OptionKey key;
  if (kind == SingleTagKind::kOption) {
    auto resolved = ResolveOption(entry);
    if (!resolved.ok()) return Refuse(resolved.status());
    key = resolved->key;
    entry = std::move(resolved->entry);
  } else {
    auto selector = OptionSelector(entry, "an option definition");
    if (!selector.ok()) return Refuse(selector.status());
    key = *selector;
    entry["space"] = key.second;
  }
  SingleTagRow row{"", key, *tags->begin(), entry.dump()};
  return Write(actor, command, [&](ConfigTables& tables, ConfigChecks& checks) -> absl::StatusOr<Answer> {
    if (absl::Status s = RequireServers(tables, *tags); !s.ok()) return s;
    if (absl::Status s = tables.PutSingleTagRow(kind, row); !s.ok()) return s;
    auto reach = checks.Reach(*tags);
    if (!reach.ok()) return reach.status();
    if (absl::Status s = checks.CheckWholeConfiguration(*reach); !s.ok()) return s;
    if (kind == SingleTagKind::kOptionDef) {
      return CommandAnswer::Success("DHCPv4 option definition set.");
    }
    return CommandAnswer::Success(
        "DHCPv4 option set.",
        json{{"options", json::array({{{"code", key.first}, {"space", key.second}}})}});
  });
}

CommandAnswer RemoteCommands::SingleTagGet(SingleTagKind kind, const json& args) {
  const char* list_key = ListKey(kind);
  if (absl::Status s = CheckArgumentKeys(args, {list_key, "server-tags"}); !s.ok()) {
    return Refuse(s);
  }
  auto tags = ServerTags(args, TagPolicy::kExactlyOne);
  if (!tags.ok()) return Refuse(tags.status());
  auto element = OnlyElement(args, list_key, Noun(kind));
  if (!element.ok()) return Refuse(element.status());
  auto key = OptionSelector(*element, absl::StrCat("the ", Noun(kind), " to get"));
  if (!key.ok()) return Refuse(key.status());
  return Read([&](ConfigTables& tables) -> absl::StatusOr<Answer> {
    auto rows = EffectiveRows(tables, kind, *tags->begin());
    if (!rows.ok()) return rows.status();
    for (const SingleTagRow& row : *rows) {
      if (row.key != *key) continue;
      json out = {{list_key, json::array({RowJson(row)})}};
      if (kind == SingleTagKind::kOptionDef) {
        out["count"] = 1;
        return CommandAnswer::Success("DHCPv4 option definition found.", out);
      }
      return CommandAnswer::Success("DHCPv4 option is found.", out);
    }
    return CommandAnswer::Empty(
        absl::StrCat("DHCPv4 ", Noun(kind), " ", key->first, " in space '", key->second,
                     "' not found."),
        json{{list_key, json::array()}, {"count", 0}});
  });
}

CommandAnswer RemoteCommands::SingleTagGetAll(SingleTagKind kind, const json& args) {
  if (absl::Status s = CheckArgumentKeys(args, {"server-tags"}); !s.ok()) return Refuse(s);
  auto tags = ServerTags(args, TagPolicy::kExactlyOne);
  if (!tags.ok()) return Refuse(tags.status());
  return Read([&](ConfigTables& tables) -> absl::StatusOr<Answer> {
    auto rows = EffectiveRows(tables, kind, *tags->begin());
    if (!rows.ok()) return rows.status();
    json list = json::array();
    for (const SingleTagRow& row : *rows) list.push_back(RowJson(row));
    json out = {{ListKey(kind), list}, {"count", list.size()}};
    std::string text = absl::StrCat(list.size(), " DHCPv4 ", Noun(kind), "(s) found.");
    if (list.empty()) return CommandAnswer::Empty(text, out);
    return CommandAnswer::Success(text, out);
  });
}

CommandAnswer RemoteCommands::SingleTagDel(SingleTagKind kind, const std::string& command,
                                           const json& args, const std::string& actor) {
  const char* list_key = ListKey(kind);
  if (absl::Status s = CheckArgumentKeys(args, {list_key, "server-tags"}); !s.ok()) {
    return Refuse(s);
  }
  auto tags = ServerTags(args, TagPolicy::kExactlyOne);
  if (!tags.ok()) return Refuse(tags.status());
  auto element = OnlyElement(args, list_key, Noun(kind));
  if (!element.ok()) return Refuse(element.status());
  auto key = OptionSelector(*element, absl::StrCat("the ", Noun(kind), " to delete"));
  if (!key.ok()) return Refuse(key.status());
  SingleTagRow row{"", *key, *tags->begin(), ""};
  return Write(actor, command, [&](ConfigTables& tables, ConfigChecks& checks) -> absl::StatusOr<Answer> {
    auto deleted = tables.DeleteSingleTagRow(kind, row);
    if (!deleted.ok()) return deleted.status();
    json out = {{"count", *deleted}};
    std::string text = absl::StrCat(*deleted, " DHCPv4 ", Noun(kind), "(s) deleted.");
    if (*deleted == 0) return CommandAnswer::Empty(text, out);
    auto reach = checks.Reach(*tags);
    if (!reach.ok()) return reach.status();
    if (absl::Status s = checks.CheckWholeConfiguration(*reach); !s.ok()) return s;
    return CommandAnswer::Success(text, out);
  });
}

}  // namespace shoal::config_backend
