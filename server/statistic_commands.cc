#include "server/statistic_commands.h"

#include <time.h>

#include <algorithm>
#include <cstdio>

namespace shoal::server {
namespace {

using control::CommandAnswer;
using nlohmann::json;

// The `name` argument of statistic-get/-reset/-remove, or the error answer.
std::optional<CommandAnswer> NameArgument(const json& arguments, std::string* name) {
  if (arguments.is_null()) return CommandAnswer::Error("Missing mandatory 'arguments' parameter.");
  if (!arguments.is_object())
    return CommandAnswer::Error("'arguments' parameter expected to be a map.");
  auto it = arguments.find("name");
  if (it == arguments.end()) return CommandAnswer::Error("Missing mandatory 'name' parameter.");
  if (!it->is_string()) return CommandAnswer::Error("'name' parameter expected to be a string.");
  *name = it->get<std::string>();
  return std::nullopt;
}

std::string UtcTimestamp() {
  using namespace std::chrono;
  const auto now = duration_cast<microseconds>(system_clock::now().time_since_epoch());
  time_t seconds = static_cast<time_t>(now.count() / 1000000);
  struct tm utc;
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof(text), "%04d-%02d-%02d %02d:%02d:%02d.%06lld", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<long long>(now.count() % 1000000));
  return text;
}

// Reads an optional positive subnet id argument; error text on a bad value.
std::optional<std::string> SubnetIdValue(const json& value, const std::string& key, int64_t* out) {
  if (!value.is_number_integer()) return "'" + key + "' parameter is not integer.";
  *out = value.get<int64_t>();
  if (*out <= 0 || *out > UINT32_MAX) {
    return "'" + key + "' parameter must be a positive integer (1-4294967295).";
  }
  return std::nullopt;
}

CommandAnswer StatLease4Get(Statistics& statistics, const json& arguments) {
  constexpr char kPrefix[] = "stat-lease4-get";
  int64_t first = 1, last = UINT32_MAX;
  bool single = false, range = false;
  if (!arguments.is_null()) {
    if (!arguments.is_object()) return CommandAnswer::Error("'arguments' parameter is not a map");
    if (arguments.contains("subnet-id") && arguments.contains("subnet-range")) {
      return CommandAnswer::Error("cannot specify both subnet-id and subnet-range");
    }
    if (auto it = arguments.find("subnet-id"); it != arguments.end()) {
      if (auto error = SubnetIdValue(*it, "subnet-id", &first)) return CommandAnswer::Error(*error);
      last = first;
      single = true;
    } else if (auto it = arguments.find("subnet-range"); it != arguments.end()) {
      if (!it->is_object()) return CommandAnswer::Error("'subnet-range' parameter is not a map.");
      auto f = it->find("first-subnet-id");
      auto l = it->find("last-subnet-id");
      if (f == it->end()) return CommandAnswer::Error("'first-subnet-id' parameter missing.");
      if (l == it->end()) return CommandAnswer::Error("'last-subnet-id' parameter missing.");
      if (auto error = SubnetIdValue(*f, "first-subnet-id", &first)) {
        return CommandAnswer::Error(*error);
      }
      if (auto error = SubnetIdValue(*l, "last-subnet-id", &last)) {
        return CommandAnswer::Error(*error);
      }
      if (last < first) {
        return CommandAnswer::Error("'last-subnet-id' must be greater than 'first-subnet-id'");
      }
      range = true;
    }
  }
  std::shared_ptr<ServingContext> context = statistics.context();
  auto usage = ComputeSubnetUsage(*context);
  if (!usage.ok()) {
    return CommandAnswer::Error(std::string(kPrefix) + ": " +
                                std::string(usage.status().message()));
  }
  std::sort(usage->begin(), usage->end(),
            [](const SubnetUsage& a, const SubnetUsage& b) { return a.subnet_id < b.subnet_id; });
  json rows = json::array();
  for (const SubnetUsage& u : *usage) {
    if (u.subnet_id < first || u.subnet_id > last) continue;
    // cumulative-assigned-addresses is not tracked by shoal: reported as 0,
    // as Kea does for a statistic it does not have.
    rows.push_back({u.subnet_id, u.total, 0, u.assigned, u.declined});
  }
  if (rows.empty()) {
    if (single) {
      return CommandAnswer::Empty(std::string(kPrefix) + ": no matching data, subnet-id: " +
                                  std::to_string(first) + " does not exist");
    }
    if (range) {
      return CommandAnswer::Empty(std::string(kPrefix) + ": no matching data, selected ID range: " +
                                  std::to_string(first) + " through " + std::to_string(last));
    }
    return CommandAnswer::Empty(std::string(kPrefix) + ": 0 rows found");
  }
  const size_t count = rows.size();
  json result_set = {
      {"columns",
       {"subnet-id", "total-addresses", "cumulative-assigned-addresses", "assigned-addresses",
        "declined-addresses"}},
      {"rows", std::move(rows)},
      {"timestamp", UtcTimestamp()},
  };
  return CommandAnswer::Success(std::string(kPrefix) + ": " + std::to_string(count) + " rows found",
                                json{{"result-set", std::move(result_set)}});
}

}  // namespace

void RegisterStatisticCommands(control::CommandRegistry& registry, Statistics& statistics) {
  auto add = [&registry](const char* name, control::CommandHandler handler) {
    (void)registry.Register(name, std::move(handler));
  };

  add("statistic-get", [&statistics](const json& arguments) {
    std::string name;
    if (auto error = NameArgument(arguments, &name)) return *error;
    auto value = statistics.Get(name);
    if (!value.ok()) return CommandAnswer::Error(std::string(value.status().message()));
    return CommandAnswer::Success("", value->has_value() ? **value : json::object());
  });
  add("statistic-get-all", [&statistics](const json&) {
    auto all = statistics.GetAll();
    if (!all.ok()) return CommandAnswer::Error(std::string(all.status().message()));
    return CommandAnswer::Success("", std::move(*all));
  });
  add("statistic-reset", [&statistics](const json& arguments) {
    std::string name;
    if (auto error = NameArgument(arguments, &name)) return *error;
    absl::Status s = statistics.Reset(name);
    if (!s.ok()) return CommandAnswer::Error(std::string(s.message()));
    return CommandAnswer::Success("Statistic '" + name + "' reset.");
  });
  add("statistic-remove", [&statistics](const json& arguments) {
    std::string name;
    if (auto error = NameArgument(arguments, &name)) return *error;
    absl::Status s = statistics.Remove(name);
    if (!s.ok()) return CommandAnswer::Error(std::string(s.message()));
    return CommandAnswer::Success("Statistic '" + name + "' removed.");
  });
  add("statistic-reset-all", [&statistics](const json&) {
    absl::Status s = statistics.ResetAll();
    if (!s.ok()) return CommandAnswer::Error(std::string(s.message()));
    return CommandAnswer::Success("All statistics reset to neutral values.");
  });
  add("statistic-remove-all", [&statistics](const json&) {
    absl::Status s = statistics.RemoveAll();
    if (!s.ok()) return CommandAnswer::Error(std::string(s.message()));
    return CommandAnswer::Success(
        "Warning: statistic-remove-all command is deprecated. All statistics removed.");
  });
  add("stat-lease4-get",
      [&statistics](const json& arguments) { return StatLease4Get(statistics, arguments); });
}

}  // namespace shoal::server
