#include "db/database_params.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace shoal::db {
namespace {

using json = nlohmann::json;

constexpr std::string_view kSqlKeys[] = {
    "type",
    "name",
    "host",
    "port",
    "user",
    "password",
    "connect-timeout",
    "read-timeout",
    "write-timeout",
    "max-reconnect-tries",
    "reconnect-wait-time",
    "on-fail",
    "retry-on-startup",
    "readonly",
    "trust-anchor",
    "cert-file",
    "key-file",
    "cipher-list",
};
// Memfile parameters Kea accepts in any database map; they mean nothing for
// SQL databases and are ignored, as Kea does.
constexpr std::string_view kIgnoredKeys[] = {"persist", "lfc-interval", "max-row-errors"};

std::string Where(std::string_view where, std::string_view key) {
  return absl::StrCat(std::string(where), " parameter '", std::string(key), "'");
}

absl::StatusOr<std::string> GetString(const json& map, std::string_view where,
                                      std::string_view key) {
  const json& v = map.at(std::string(key));
  if (!v.is_string()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Where(where, key), " must be a string, got ", v.type_name()));
  }
  return v.get<std::string>();
}

absl::StatusOr<int64_t> GetInteger(const json& map, std::string_view where, std::string_view key,
                                   int64_t min, int64_t max, std::string_view unit) {
  const json& v = map.at(std::string(key));
  if (!v.is_number_integer()) {
    return absl::InvalidArgumentError(absl::StrCat(Where(where, key), " must be an integer (",
                                                   std::string(unit), "), got ", v.type_name()));
  }
  int64_t n;
  if (v.is_number_unsigned()) {
    uint64_t u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return absl::InvalidArgumentError(
          absl::StrCat(Where(where, key), " must be between ", min, " and ", max, ", got ", u));
    }
    n = static_cast<int64_t>(u);
  } else {
    n = v.get<int64_t>();
  }
  if (n < min || n > max) {
    return absl::InvalidArgumentError(absl::StrCat(Where(where, key), " must be between ", min,
                                                   " and ", max, " (", std::string(unit), "), got ",
                                                   n));
  }
  return n;
}

absl::StatusOr<bool> GetBool(const json& map, std::string_view where, std::string_view key) {
  const json& v = map.at(std::string(key));
  if (!v.is_boolean()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Where(where, key), " must be true or false, got ", v.type_name()));
  }
  return v.get<bool>();
}

}  // namespace

std::string_view OnFailName(OnFail on_fail) {
  switch (on_fail) {
    case OnFail::kStopRetryExit:
      return "stop-retry-exit";
    case OnFail::kServeRetryExit:
      return "serve-retry-exit";
    case OnFail::kServeRetryContinue:
      return "serve-retry-continue";
  }
  return "stop-retry-exit";
}

absl::StatusOr<DatabaseParams> DatabaseParams::FromJson(const json& map, std::string_view where) {
  if (!map.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(where), " must be a map, got ", map.type_name()));
  }
  for (const auto& [key, value] : map.items()) {
    bool known = false;
    for (std::string_view k : kSqlKeys) known = known || key == k;
    for (std::string_view k : kIgnoredKeys) known = known || key == k;
    if (!known) {
      std::vector<std::string> keys(std::begin(kSqlKeys), std::end(kSqlKeys));
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown ", Where(where, key), "; expected one of: ", absl::StrJoin(keys, ", ")));
    }
  }

  DatabaseParams p;
  if (!map.contains("type")) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(where), " has no 'type'; expected \"mysql\" or \"postgresql\""));
  }
  auto type = GetString(map, where, "type");
  if (!type.ok()) return type.status();
  if (*type == "mysql") {
    p.dialect = Dialect::kMySql;
  } else if (*type == "postgresql") {
    p.dialect = Dialect::kPostgreSql;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(Where(where, "type"), " is \"", *type,
                                                   "\"; expected \"mysql\" or \"postgresql\""));
  }

  auto str = [&](std::string_view key, std::string& out) -> absl::Status {
    if (!map.contains(std::string(key))) return absl::OkStatus();
    auto s = GetString(map, where, key);
    if (!s.ok()) return s.status();
    out = *std::move(s);
    return absl::OkStatus();
  };
  auto integer = [&](std::string_view key, int64_t min, int64_t max, std::string_view unit,
                     auto& out) -> absl::Status {
    if (!map.contains(std::string(key))) return absl::OkStatus();
    auto n = GetInteger(map, where, key, min, max, unit);
    if (!n.ok()) return n.status();
    out = static_cast<std::remove_reference_t<decltype(out)>>(*n);
    return absl::OkStatus();
  };
  auto boolean = [&](std::string_view key, bool& out) -> absl::Status {
    if (!map.contains(std::string(key))) return absl::OkStatus();
    auto b = GetBool(map, where, key);
    if (!b.ok()) return b.status();
    out = *b;
    return absl::OkStatus();
  };
  constexpr int64_t kU32 = std::numeric_limits<uint32_t>::max();

  for (absl::Status s :
       {str("name", p.name), str("host", p.host), str("user", p.user), str("password", p.password),
        str("trust-anchor", p.trust_anchor), str("cert-file", p.cert_file),
        str("key-file", p.key_file), str("cipher-list", p.cipher_list)}) {
    if (!s.ok()) return s;
  }
  if (p.host.empty()) p.host = "localhost";
  uint32_t port = 0;
  uint32_t read_timeout = 0, write_timeout = 0;
  for (absl::Status s :
       {integer("port", 0, 65535, "TCP port, 0 = default", port),
        integer("connect-timeout", 1, kU32, "seconds", p.connect_timeout_s),
        integer("read-timeout", 0, kU32, "seconds, 0 = none", read_timeout),
        integer("write-timeout", 0, kU32, "seconds, 0 = none", write_timeout),
        integer("max-reconnect-tries", 0, kU32, "attempts", p.max_reconnect_tries),
        integer("reconnect-wait-time", 0, kU32, "milliseconds", p.reconnect_wait_time_ms),
        boolean("retry-on-startup", p.retry_on_startup), boolean("readonly", p.readonly)}) {
    if (!s.ok()) return s;
  }
  p.port = static_cast<uint16_t>(port);
  if (map.contains("read-timeout")) p.read_timeout_s = read_timeout;
  if (map.contains("write-timeout")) p.write_timeout_s = write_timeout;

  if (map.contains("on-fail")) {
    auto s = GetString(map, where, "on-fail");
    if (!s.ok()) return s.status();
    if (*s == "stop-retry-exit") {
      p.on_fail = OnFail::kStopRetryExit;
    } else if (*s == "serve-retry-exit") {
      p.on_fail = OnFail::kServeRetryExit;
    } else if (*s == "serve-retry-continue") {
      p.on_fail = OnFail::kServeRetryContinue;
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          Where(where, "on-fail"), " is \"", *s,
          "\"; expected \"stop-retry-exit\", \"serve-retry-exit\" or \"serve-retry-continue\""));
    }
  }

  if (p.name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Where(where, "name"), " is missing or empty; give the database name"));
  }
  if (p.cert_file.empty() != p.key_file.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(where), ": 'cert-file' and 'key-file' must be given together"));
  }
  if (p.dialect == Dialect::kPostgreSql) {
    for (std::string_view key : {"read-timeout", "write-timeout", "cipher-list"}) {
      if (map.contains(std::string(key))) {
        return absl::InvalidArgumentError(absl::StrCat(
            Where(where, key), " is supported for type \"mysql\" only, not \"postgresql\""));
      }
    }
  }
  if (!p.cipher_list.empty() && !p.tls()) {
    return absl::InvalidArgumentError(absl::StrCat(
        Where(where, "cipher-list"), " needs TLS: give 'trust-anchor' or 'cert-file'/'key-file'"));
  }
  return p;
}

std::string DatabaseParams::Describe() const {
  return absl::StrCat("database ", name, " on ", host, ":", effective_port());
}

std::string DatabaseParams::ToString() const {
  std::string s = absl::StrCat("type=", std::string(DialectName(dialect)), " name=", name,
                               " host=", host, " port=", effective_port(), " user=", user);
  if (!password.empty()) absl::StrAppend(&s, " password=*****");
  absl::StrAppend(&s, " connect-timeout=", connect_timeout_s);
  if (read_timeout_s) absl::StrAppend(&s, " read-timeout=", *read_timeout_s);
  if (write_timeout_s) absl::StrAppend(&s, " write-timeout=", *write_timeout_s);
  absl::StrAppend(&s, " max-reconnect-tries=", max_reconnect_tries,
                  " reconnect-wait-time=", reconnect_wait_time_ms,
                  " on-fail=", std::string(OnFailName(on_fail)),
                  " retry-on-startup=", retry_on_startup ? "true" : "false",
                  " readonly=", readonly ? "true" : "false");
  if (!trust_anchor.empty()) absl::StrAppend(&s, " trust-anchor=", trust_anchor);
  if (!cert_file.empty()) absl::StrAppend(&s, " cert-file=", cert_file);
  if (!key_file.empty()) absl::StrAppend(&s, " key-file=", key_file);
  if (!cipher_list.empty()) absl::StrAppend(&s, " cipher-list=", cipher_list);
  return s;
}

nlohmann::json DatabaseParams::ToRedactedJson() const {
  json j = {{"type", std::string(DialectName(dialect))},
            {"name", name},
            {"host", host},
            {"connect-timeout", connect_timeout_s},
            {"max-reconnect-tries", max_reconnect_tries},
            {"reconnect-wait-time", reconnect_wait_time_ms},
            {"on-fail", std::string(OnFailName(on_fail))},
            {"retry-on-startup", retry_on_startup},
            {"readonly", readonly}};
  if (port != 0) j["port"] = port;
  if (!user.empty()) j["user"] = user;
  if (read_timeout_s) j["read-timeout"] = *read_timeout_s;
  if (write_timeout_s) j["write-timeout"] = *write_timeout_s;
  if (!trust_anchor.empty()) j["trust-anchor"] = trust_anchor;
  if (!cert_file.empty()) j["cert-file"] = cert_file;
  if (!key_file.empty()) j["key-file"] = key_file;
  if (!cipher_list.empty()) j["cipher-list"] = cipher_list;
  return j;
}

}  // namespace shoal::db
