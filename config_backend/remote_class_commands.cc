// remote-class4-*: client classes, in the order the database keeps them.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "config_backend/remote_arguments.h"
#include "config_backend/remote_commands.h"

namespace shoal::config_backend {
namespace {

using control::CommandAnswer;
using nlohmann::json;


absl::StatusOr<std::string> ClassName(const json& element) {
  if (!element.contains("name") || !element["name"].is_string() ||
      element["name"].get<std::string>().empty() ||
      element["name"].get<std::string>().size() > 128) {
    return absl::InvalidArgumentError(
        "a client class is named by 'name', a string of 1 to 128 characters");
  }
  return element["name"].get<std::string>();
}

json ClassJson(const ClassRow& row) {
  json out = json::parse(row.client_class.definition, nullptr, false);
  if (!out.is_object()) out = json::object();
  out["name"] = row.client_class.name;
  out["metadata"] = Metadata(row.tags);
  return out;
}


}  // namespace

CommandAnswer RemoteCommands::ClassSet(const json& args, const std::string& actor) {
  if (absl::Status s = CheckArgumentKeys(args, {"client-classes", "follow-class-name",
                                                "server-tags"});
      !s.ok()) {
    return Refuse(s);
  }
  auto tags = ServerTags(args, TagPolicy::kOneOrMore);
  if (!tags.ok()) return Refuse(tags.status());
  auto element = OnlyElement(args, "client-classes", "client class");
  if (!element.ok()) return Refuse(element.status());
  auto name = ClassName(*element);
  if (!name.ok()) return Refuse(name.status());
  if (IsBuiltInClass(*name)) {
    return CommandAnswer::Error(
        absl::StrCat("'", *name, "' is a built-in class; give your class another name"));
  }
  std::optional<std::string> follow;
  if (args.contains("follow-class-name") && !args["follow-class-name"].is_null()) {
    if (!args["follow-class-name"].is_string()) {
      return CommandAnswer::Error("'follow-class-name' must be a class name or null");
    }
    follow = args["follow-class-name"].get<std::string>();
  }
  json definition = *element;
  definition.erase("metadata");
  return Write(actor, 
      "remote-class4-set",
      [&](ConfigTables& tables, ConfigChecks& checks) -> absl::StatusOr<Answer> {
        if (absl::Status s = RequireServers(tables, *tags); !s.ok()) return s;
        auto classes = tables.Classes();
        if (!classes.ok()) return classes.status();
        auto find = [&](const std::string& n) {
          return std::find_if(classes->begin(), classes->end(),
                              [&](const ClassRow& c) { return c.client_class.name == n; });
        };
        auto existing = find(*name);
        bool exists = existing != classes->end();
        TagSet touched = *tags;
        int64_t position = 1;
        for (const ClassRow& c : *classes) position = std::max(position, c.client_class.position + 1);
        if (exists) {
          position = existing->client_class.position;
          touched.insert(existing->tags.begin(), existing->tags.end());
        }
        if (follow) {
          auto after = find(*follow);
          if (after == classes->end() || *follow == *name) {
            return absl::InvalidArgumentError(absl::StrCat(
                "follow-class-name: there is no other client class '", *follow, "'"));
          }
          position = after->client_class.position + 1;
          if (absl::Status s = tables.ShiftClassesFrom(position); !s.ok()) return s;
        }
        StoredClientClass stored{*name, position, definition.dump()};
        if (absl::Status s = tables.PutClass(stored, exists); !s.ok()) return s;
        if (absl::Status s = tables.SetTags(SharedKind::kClientClass, *name, *tags); !s.ok()) {
          return s;
        }
        auto reach = checks.Reach(touched);
        if (!reach.ok()) return reach.status();
        if (absl::Status s = checks.CheckWholeConfiguration(*reach); !s.ok()) return s;
        return CommandAnswer::Success(
            "DHCPv4 client class successfully set.",
            json{{"client-classes", json::array({{{"name", *name}}})}});
      });
}

CommandAnswer RemoteCommands::ClassGet(const json& args) {
  if (absl::Status s = CheckArgumentKeys(args, {"client-classes"}); !s.ok()) return Refuse(s);
  if (absl::Status s = ServerTags(args, TagPolicy::kForbidden).status(); !s.ok()) {
    return Refuse(s);
  }
  auto element = OnlyElement(args, "client-classes", "client class");
  if (!element.ok()) return Refuse(element.status());
  auto name = ClassName(*element);
  if (!name.ok()) return Refuse(name.status());
  return Read([&](ConfigTables& tables) -> absl::StatusOr<Answer> {
    auto classes = tables.Classes();
    if (!classes.ok()) return classes.status();
    for (const ClassRow& c : *classes) {
      if (c.client_class.name != *name) continue;
      return CommandAnswer::Success(
          absl::StrCat("DHCPv4 client class '", *name, "' found."),
          json{{"client-classes", json::array({ClassJson(c)})}, {"count", 1}});
    }
    return CommandAnswer::Empty(absl::StrCat("DHCPv4 client class '", *name, "' not found."),
                                json{{"client-classes", json::array()}, {"count", 0}});
  });
}

CommandAnswer RemoteCommands::ClassGetAll(const json& args) {
  if (absl::Status s = CheckArgumentKeys(args, {"server-tags"}); !s.ok()) return Refuse(s);
  auto tags = ServerTags(args, TagPolicy::kTagsOrNull);
  if (!tags.ok()) return Refuse(tags.status());
  return Read([&](ConfigTables& tables) -> absl::StatusOr<Answer> {
    auto classes = tables.Classes();
    if (!classes.ok()) return classes.status();
    json list = json::array();
    for (const ClassRow& c : *classes) {
      if (ListedFor(c.tags, *tags)) list.push_back(ClassJson(c));
    }
    json out = {{"client-classes", list}, {"count", list.size()}};
    std::string text = absl::StrCat(list.size(), " DHCPv4 client class(es) found.");
    if (list.empty()) return CommandAnswer::Empty(text, out);
    return CommandAnswer::Success(text, out);
  });
}

CommandAnswer RemoteCommands::ClassDel(const json& args, const std::string& actor) {
  if (absl::Status s = CheckArgumentKeys(args, {"client-classes"}); !s.ok()) return Refuse(s);
  if (absl::Status s = ServerTags(args, TagPolicy::kForbidden).status(); !s.ok()) {
    return Refuse(s);
  }
  auto element = OnlyElement(args, "client-classes", "client class");
  if (!element.ok()) return Refuse(element.status());
  auto name = ClassName(*element);
  if (!name.ok()) return Refuse(name.status());
  return Write(actor, "remote-class4-del",
               [&](ConfigTables& tables, ConfigChecks& checks) -> absl::StatusOr<Answer> {
                 auto tags = tables.TagsOf(SharedKind::kClientClass, *name);
                 if (!tags.ok()) return tags.status();
                 if (absl::Status s = checks.CheckClassUnused(*name, *tags); !s.ok()) return s;
                 auto deleted = tables.DeleteClass(*name);
                 if (!deleted.ok()) return deleted.status();
                 json out = {{"count", *deleted}};
                 std::string text = absl::StrCat(*deleted, " DHCPv4 client class(es) deleted.");
                 if (*deleted == 0) return CommandAnswer::Empty(text, out);
                 return CommandAnswer::Success(text, out);
               });
}

}  // namespace shoal::config_backend
