// The argument rules every remote-* command shares (Kea's cb_cmds,
// kea-api-facts.md §2.3): `arguments` is a map of known keys, objects come as
// a list of exactly one map, `server-tags` follows the command's policy, and
// the optional `remote` map must name this node's configuration database.
// Every error is InvalidArgument with a text that says what to send instead.
//
// Pure functions; thread-safe.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "config_backend/config_tables.h"
#include "db/database_params.h"
#include "nlohmann/json.hpp"

namespace shoal::config_backend {

enum class TagPolicy {
  kForbidden,     // objects found by id, prefix or name
  kExactlyOne,    // non-shareable objects: one tag, or "all"
  kOneOrMore,     // setting a shareable object
  kTagsOrNull,    // listing shareable objects: tags, or [null] for unassigned
};

// `arguments` is a map whose keys are all in `allowed` (plus "remote").
absl::Status CheckArgumentKeys(const nlohmann::json& arguments,
                               std::initializer_list<std::string_view> allowed);

// The tags `arguments["server-tags"]` names under `policy`, lowercase. An
// empty set means [null] (kTagsOrNull) or no key (kForbidden).
absl::StatusOr<TagSet> ServerTags(const nlohmann::json& arguments, TagPolicy policy);

// arguments[key] as a list of exactly one map; `what` names an element
// ("subnet") in errors.
absl::StatusOr<nlohmann::json> OnlyElement(const nlohmann::json& arguments, const std::string& key,
                                           const std::string& what);

// The optional `remote` selector: type (mysql/postgresql), host and port
// (port only with host); it must match `database`, the only one a node has.
absl::Status CheckRemote(const nlohmann::json& arguments, const db::DatabaseParams& database);

// Whether a shareable object bound to `bound` is listed for the requested
// tags: [null] (empty) lists unassigned objects; tags list objects bound to
// any of them or to 'all' (which every server receives).
bool ListedFor(const TagSet& bound, const TagSet& requested);

// A subnet id from JSON: an integer 1..4294967294.
absl::StatusOr<uint32_t> SubnetIdFrom(const nlohmann::json& value, const std::string& where);

// An option entry (option-data element) with its code and space resolved:
// `code` + `space` (default "dhcp4") or a standard option's `name`. The
// entry is returned with "code" and "space" filled in.
struct ResolvedOption {
  OptionKey key;
  nlohmann::json entry;
};
absl::StatusOr<ResolvedOption> ResolveOption(const nlohmann::json& entry);
// {code, space} of an option selector (deletes and gets): code required.
absl::StatusOr<OptionKey> OptionSelector(const nlohmann::json& entry, const std::string& what);

}  // namespace shoal::config_backend
