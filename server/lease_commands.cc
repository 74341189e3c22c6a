#include "server/lease_commands.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "dhcp/option_definition.h"

namespace shoal::server {
namespace {

using control::CommandAnswer;
using dhcp::Ipv4Address;
using lease_backend::Lease4;
using lease_backend::LeaseState;
using nlohmann::json;

// A request error: answered with result 1 and this text.
struct BadRequest {
  std::string text;
};

template <typename T>
using Parsed = std::variant<T, BadRequest>;

// --- argument readers (Kea's SimpleParser texts, without positions) -------

std::optional<BadRequest> RequireMap(const json& arguments, const std::string& command) {
  if (arguments.is_null())
    return BadRequest{"no parameters specified for the " + command + " command"};
  if (!arguments.is_object()) return BadRequest{"Parameters missing or are not a map."};
  return std::nullopt;
}

std::optional<BadRequest> GetString(const json& args, const std::string& key, std::string* out,
                                    bool required) {
  auto it = args.find(key);
  if (it == args.end()) {
    if (required) return BadRequest{"missing parameter '" + key + "'"};
    return std::nullopt;
  }
  if (!it->is_string()) {
    return BadRequest{"invalid type specified for parameter '" + key + "'; expected a string"};
  }
  *out = it->get<std::string>();
  return std::nullopt;
}

std::optional<BadRequest> GetInteger(const json& args, const std::string& key, int64_t min,
                                     int64_t max, std::optional<int64_t>* out) {
  auto it = args.find(key);
  if (it == args.end()) return std::nullopt;
  if (!it->is_number_integer()) {
    return BadRequest{"invalid type specified for parameter '" + key + "'; expected an integer"};
  }
  // Unsigned values above INT64_MAX are out of range too.
  if (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    return BadRequest{"out of range value (" + it->dump() + ") specified for parameter '" + key +
                      "'; expected " + std::to_string(min) + " to " + std::to_string(max)};
  }
  int64_t value = it->get<int64_t>();
  if (value < min || value > max) {
    return BadRequest{"out of range value (" + std::to_string(value) +
                      ") specified for parameter '" + key + "'; expected " + std::to_string(min) +
                      " to " + std::to_string(max)};
  }
  *out = value;
  return std::nullopt;
}

std::optional<BadRequest> GetBool(const json& args, const std::string& key, bool* out) {
  auto it = args.find(key);
  if (it == args.end()) return std::nullopt;
  if (!it->is_boolean()) {
    return BadRequest{"invalid type specified for parameter '" + key + "'; expected a boolean"};
  }
  *out = it->get<bool>();
  return std::nullopt;
}

std::optional<Ipv4Address> ParseAddress(const std::string& text) {
  return Ipv4Address::Parse(text);
}

// Kea's hardware address / client id text: hex octets separated by ':'
// (one or two digits each), or a plain even-length hex string.
std::optional<std::vector<uint8_t>> ParseIdentifier(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::vector<uint8_t> bytes;
  if (text.find(':') != std::string::npos) {
    size_t start = 0;
    while (true) {
      size_t end = text.find(':', start);
      std::string part =
          text.substr(start, end == std::string::npos ? std::string::npos : end - start);
      if (part.empty() || part.size() > 2 ||
          !std::all_of(part.begin(), part.end(),
                       [](unsigned char c) { return std::isxdigit(c); })) {
        return std::nullopt;
      }
      bytes.push_back(static_cast<uint8_t>(std::stoi(part, nullptr, 16)));
      if (end == std::string::npos) break;
      start = end + 1;
    }
    return bytes;
  }
  auto hex = dhcp::ParseHexData(text);
  if (!hex.ok()) return std::nullopt;
  return *hex;
}

constexpr size_t kMaxHwAddressLength = 20;  // Kea's HWAddr::MAX_HWADDR_LEN
constexpr size_t kMaxClientIdLength = 255;

Parsed<std::vector<uint8_t>> ReadHwAddress(const std::string& key, const std::string& text) {
  auto bytes = ParseIdentifier(text);
  if (!bytes || bytes->size() > kMaxHwAddressLength) {
    return BadRequest{"'" + key + "' value '" + text +
                      "' is not a valid hardware address; expected 1 to 20 hex octets "
                      "separated by colons, e.g. 1a:1b:1c:1d:1e:1f"};
  }
  return *bytes;
}

Parsed<std::vector<uint8_t>> ReadClientId(const std::string& key, const std::string& text) {
  auto bytes = ParseIdentifier(text);
  if (!bytes || bytes->size() < 2 || bytes->size() > kMaxClientIdLength) {
    return BadRequest{"'" + key + "' value '" + text +
                      "' is not a valid client identifier; expected 2 to 255 hex octets "
                      "separated by colons, e.g. 01:1a:1b:1c:1d:1e:1f"};
  }
  return *bytes;
}

std::string ToLower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool IsReserved(const config::Config& config, Ipv4Address address) {
  for (const config::Reservation& r : config.global_reservations) {
    if (r.address && *r.address == address) return true;
  }
  for (const config::Subnet4& subnet : config.subnets) {
    if (!subnet.prefix.Contains(address)) continue;
    for (const config::Reservation& r : subnet.reservations) {
      if (r.address && *r.address == address) return true;
    }
  }
  return false;
}

// Keeps the free-address map in step with what the store now holds.
void SyncMap(ServingContext& context, const Lease4& lease) {
  if (lease.state == LeaseState::kExpiredReclaimed) {
    if (!IsReserved(context.config(), lease.address)) context.MarkFree(lease.address);
  } else {
    context.MarkUsed(lease.address);
  }
}

void SyncMapDeleted(ServingContext& context, Ipv4Address address) {
  if (!IsReserved(context.config(), address)) context.MarkFree(address);
}

// --- lease parsing (Kea's Lease4Parser) --------------------------------

struct LeaseRequest {
  Lease4 lease;
  bool force_create = false;
};

Parsed<LeaseRequest> ParseLease(const json& args, const ServingContext& context, int64_t now) {
  LeaseRequest request;
  Lease4& lease = request.lease;
  std::string text;
  if (auto e = GetString(args, "ip-address", &text, true)) return *e;
  auto address = ParseAddress(text);
  if (!address) {
    return BadRequest{"Failed to convert string to address '" + text +
                      "': expected an IPv4 address in dotted-quad form"};
  }
  lease.address = *address;

  if (auto e = GetString(args, "hw-address", &text, true)) return *e;
  auto hw = ReadHwAddress("hw-address", text);
  if (auto* bad = std::get_if<BadRequest>(&hw)) return *bad;
  lease.hwaddr = std::get<std::vector<uint8_t>>(hw);

  std::optional<int64_t> subnet_id;
  if (auto e = GetInteger(args, "subnet-id", 0, UINT32_MAX, &subnet_id)) return *e;
  const config::Subnet4* subnet = nullptr;
  if (subnet_id && *subnet_id != 0) {
    subnet = context.selector().FindById(static_cast<uint32_t>(*subnet_id));
    if (subnet == nullptr) {
      return BadRequest{"Invalid subnet-id: No IPv4 subnet with subnet-id=" +
                        std::to_string(*subnet_id) + " currently configured."};
    }
    if (!subnet->prefix.Contains(lease.address)) {
      return BadRequest{"The address " + lease.address.ToString() + " does not belong to subnet " +
                        subnet->prefix.ToString() + ", subnet-id=" + std::to_string(*subnet_id)};
    }
  } else {
    subnet = context.selector().FindContaining(lease.address);
    if (subnet == nullptr) {
      return BadRequest{"subnet-id not specified and failed to find a subnet for address " +
                        lease.address.ToString()};
    }
  }
  lease.subnet_id = subnet->id;

  if (args.contains("client-id")) {
    if (auto e = GetString(args, "client-id", &text, true)) return *e;
    auto id = ReadClientId("client-id", text);
    if (auto* bad = std::get_if<BadRequest>(&id)) return *bad;
    lease.client_id = std::get<std::vector<uint8_t>>(id);
  }

  std::optional<int64_t> valid;
  if (auto e = GetInteger(args, "valid-lft", 0, UINT32_MAX, &valid)) return *e;
  lease.valid_lifetime = valid ? static_cast<uint32_t>(*valid) : subnet->valid_lifetime;

  std::optional<int64_t> expire;
  if (auto e = GetInteger(args, "expire", INT64_MIN, INT64_MAX, &expire)) return *e;
  if (expire) {
    if (*expire <= 0) {
      return BadRequest{"expiration time must be positive for address " + lease.address.ToString()};
    }
    if (*expire < int64_t{lease.valid_lifetime}) {
      return BadRequest{"expiration time must be greater than valid lifetime for address " +
                        lease.address.ToString()};
    }
    lease.cltt = lease.valid_lifetime == Lease4::kInfinite
                     ? *expire
                     : *expire - int64_t{lease.valid_lifetime};
  } else {
    lease.cltt = now;
  }

  if (auto e = GetBool(args, "fqdn-fwd", &lease.fqdn_fwd)) return *e;
  if (auto e = GetBool(args, "fqdn-rev", &lease.fqdn_rev)) return *e;
  if (auto e = GetString(args, "hostname", &lease.hostname, false)) return *e;
  if (lease.hostname.empty() && (lease.fqdn_fwd || lease.fqdn_rev)) {
    return BadRequest{"No hostname specified and either forward or reverse fqdn was set to true."};
  }

  std::optional<int64_t> state;
  if (auto it = args.find("state"); it != args.end() && it->is_number_integer() &&
                                    (it->get<int64_t>() < 0 || it->get<int64_t>() > 2)) {
    return BadRequest{"Invalid state value: " + it->dump() +
                      ", supported values are: 0 (default), 1 (declined) and 2 "
                      "(expired-reclaimed)"};
  }
  if (auto e = GetInteger(args, "state", 0, 2, &state)) return *e;
  if (state) lease.state = static_cast<LeaseState>(*state);

  json context_map;
  if (auto it = args.find("user-context"); it != args.end()) {
    if (!it->is_object()) {
      return BadRequest{"Invalid user context '" + it->dump() + "' is not a JSON map."};
    }
    context_map = *it;
  }
  if (auto it = args.find("comment"); it != args.end()) {
    if (context_map.is_object() && context_map.contains("comment")) {
      return BadRequest{"Duplicated comment entry '" + it->dump() + "' in user context '" +
                        context_map.dump() + "'"};
    }
    if (!context_map.is_object()) context_map = json::object();
    context_map["comment"] = *it;
  }
  if (context_map.is_object()) lease.user_context = context_map.dump();

  if (auto e = GetBool(args, "force-create", &request.force_create)) return *e;
  return request;
}

// --- replies --------------------------------------------------------------

CommandAnswer LeaseList(const std::vector<Lease4>& leases, bool with_count = false) {
  json list = json::array();
  for (const Lease4& lease : leases) list.push_back(LeaseToJson(lease));
  json arguments = {{"leases", std::move(list)}};
  if (with_count) arguments["count"] = leases.size();
  std::string text = std::to_string(leases.size()) + " IPv4 lease(s) found.";
  if (leases.empty()) return CommandAnswer::Empty(std::move(text), std::move(arguments));
  return CommandAnswer::Success(std::move(text), std::move(arguments));
}

CommandAnswer StoreError(const absl::Status& status) {
  return CommandAnswer::Error("lease database error: " + std::string(status.message()));
}

std::string ConcurrentChangeText(Ipv4Address address) {
  return "failed to update the lease with address " + address.ToString() +
         " either because the lease has been deleted or it has changed in the database, in "
         "both cases a retry might succeed";
}

// Which lease lease4-get / lease4-del mean: by address, or by identifier in a subnet.
struct LeaseSelector {
  std::optional<Ipv4Address> address;
  bool by_client_id = false;
  std::vector<uint8_t> identifier;
  uint32_t subnet_id = 0;
};

Parsed<LeaseSelector> ParseSelector(const json& args) {
  if (!args.is_object()) return BadRequest{"Parameters missing or are not a map."};
  LeaseSelector selector;
  if (auto it = args.find("ip-address"); it != args.end()) {
    if (!it->is_string()) return BadRequest{"'ip-address' is not a string."};
    auto address = ParseAddress(it->get<std::string>());
    if (!address) {
      return BadRequest{"Invalid IPv4 address specified: " + it->get<std::string>()};
    }
    selector.address = *address;
    return selector;
  }
  auto subnet = args.find("subnet-id");
  if (subnet == args.end()) return BadRequest{"Mandatory 'subnet-id' parameter missing."};
  if (!subnet->is_number_integer()) return BadRequest{"'subnet-id' parameter is not integer."};
  if (subnet->get<int64_t>() < 0 || subnet->get<int64_t>() > UINT32_MAX) {
    return BadRequest{"'subnet-id' parameter must be 0 to 4294967295."};
  }
  selector.subnet_id = subnet->get<uint32_t>();
  auto type = args.find("identifier-type");
  auto identifier = args.find("identifier");
  if (type == args.end() || !type->is_string()) {
    return BadRequest{
        "No 'ip-address' provided and 'identifier-type' is either missing or not a string."};
  }
  if (identifier == args.end() || !identifier->is_string()) {
    return BadRequest{
        "No 'ip-address' provided and 'identifier' is either missing or not a string."};
  }
  const std::string type_text = type->get<std::string>();
  Parsed<std::vector<uint8_t>> bytes = BadRequest{};
  if (type_text == "hw-address") {
    bytes = ReadHwAddress("identifier", identifier->get<std::string>());
  } else if (type_text == "client-id") {
    selector.by_client_id = true;
    bytes = ReadClientId("identifier", identifier->get<std::string>());
  } else if (type_text == "duid") {
    return BadRequest{"Query by duid is not allowed in v4."};
  } else {
    return BadRequest{"Incorrect identifier type: " + type_text +
                      ", the only supported values are: address, hw-address, duid"};
  }
  if (auto* bad = std::get_if<BadRequest>(&bytes)) return *bad;
  selector.identifier = std::get<std::vector<uint8_t>>(bytes);
  return selector;
}

absl::StatusOr<std::optional<Lease4>> FindLease(lease_backend::LeaseStore& store,
                                                const LeaseSelector& selector) {
  if (selector.address) return store.Get(*selector.address);
  auto leases = selector.by_client_id
                    ? store.GetByClientId(selector.identifier, selector.subnet_id)
                    : store.GetByHwAddress(selector.identifier, selector.subnet_id);
  if (!leases.ok()) return leases.status();
  if (leases->empty()) return std::optional<Lease4>();
  return std::optional<Lease4>(leases->front());
}

// --- the commands ---------------------------------------------------------

class LeaseCommands {
 public:
  LeaseCommands(ContextSource context, EpochClock now)
      : context_(std::move(context)), now_(std::move(now)) {}

  CommandAnswer Add(const json& args) {
    if (auto e = RequireMap(args, "lease4-add")) return CommandAnswer::Error(e->text);
    auto context = context_();
    auto parsed = ParseLease(args, *context, now_());
    if (auto* bad = std::get_if<BadRequest>(&parsed)) return CommandAnswer::Error(bad->text);
    const Lease4& lease = std::get<LeaseRequest>(parsed).lease;
    absl::Status added = context->leases().Add(lease);
    if (absl::IsAlreadyExists(added)) return CommandAnswer::Error("IPv4 lease already exists.");
    if (!added.ok()) return StoreError(added);
    SyncMap(*context, lease);
    return CommandAnswer::Success("Lease for address " + lease.address.ToString() + ", subnet-id " +
                                  std::to_string(lease.subnet_id) + " added.");
  }

  CommandAnswer Update(const json& args) {
    if (auto e = RequireMap(args, "lease4-update")) return CommandAnswer::Error(e->text);
    auto context = context_();
    auto parsed = ParseLease(args, *context, now_());
    if (auto* bad = std::get_if<BadRequest>(&parsed)) return CommandAnswer::Error(bad->text);
    const LeaseRequest& request = std::get<LeaseRequest>(parsed);
    const Lease4& lease = request.lease;
    lease_backend::LeaseStore& store = context->leases();
    auto existing = store.Get(lease.address);
    if (!existing.ok()) return StoreError(existing.status());
    if (!existing->has_value()) {
      if (!request.force_create) {
        return CommandAnswer::Error("failed to update the lease with address " +
                                    lease.address.ToString() + " - no such lease");
      }
      absl::Status added = store.Add(lease);
      if (absl::IsAlreadyExists(added)) {
        return CommandAnswer::Error("lost race between calls to get and add");
      }
      if (!added.ok()) return StoreError(added);
      SyncMap(*context, lease);
      return CommandAnswer::Success("IPv4 lease added.");
    }
    absl::Status updated = store.Update(lease, (*existing)->expire());
    if (absl::IsAborted(updated) || absl::IsNotFound(updated)) {
      return CommandAnswer::Error(ConcurrentChangeText(lease.address));
    }
    if (!updated.ok()) return StoreError(updated);
    SyncMap(*context, lease);
    return CommandAnswer::Success("IPv4 lease updated.");
  }

  CommandAnswer Get(const json& args) {
    auto selector = ParseSelector(args);
    if (auto* bad = std::get_if<BadRequest>(&selector)) return CommandAnswer::Error(bad->text);
    auto lease = FindLease(context_()->leases(), std::get<LeaseSelector>(selector));
    if (!lease.ok()) return StoreError(lease.status());
    if (!lease->has_value()) return CommandAnswer::Empty("Lease not found.");
    return CommandAnswer::Success("IPv4 lease found.", LeaseToJson(**lease));
  }

  CommandAnswer Del(const json& args) {
    auto parsed = ParseSelector(args);
    if (auto* bad = std::get_if<BadRequest>(&parsed)) return CommandAnswer::Error(bad->text);
    if (auto it = args.find("update-ddns"); it != args.end() && !it->is_boolean()) {
      return CommandAnswer::Error("'update-ddns' is not a boolean");
    }
    auto context = context_();
    auto lease = FindLease(context->leases(), std::get<LeaseSelector>(parsed));
    if (!lease.ok()) return StoreError(lease.status());
    if (!lease->has_value()) return CommandAnswer::Empty("IPv4 lease not found.");
    absl::Status deleted = context->leases().Delete((*lease)->address, (*lease)->expire());
    if (absl::IsNotFound(deleted)) return CommandAnswer::Empty("IPv4 lease not found.");
    if (absl::IsAborted(deleted)) {
      return CommandAnswer::Error("failed to delete the lease with address " +
                                  (*lease)->address.ToString() +
                                  " because it has changed in the database; a retry might succeed");
    }
    if (!deleted.ok()) return StoreError(deleted);
    SyncMapDeleted(*context, (*lease)->address);
    return CommandAnswer::Success("IPv4 lease deleted.");
  }

  CommandAnswer GetAll(const json& args) {
    auto context = context_();
    lease_backend::LeaseStore& store = context->leases();
    if (args.is_object() && args.contains("subnets")) {
      const json& subnets = args["subnets"];
      if (!subnets.is_array()) return CommandAnswer::Error("'subnets' parameter must be a list");
      std::vector<Lease4> all;
      for (const json& id : subnets) {
        if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() > UINT32_MAX) {
          return CommandAnswer::Error("listed subnet identifiers must be numbers");
        }
        auto leases = store.GetBySubnet(id.get<uint32_t>());
        if (!leases.ok()) return StoreError(leases.status());
        all.insert(all.end(), leases->begin(), leases->end());
      }
      return LeaseList(all);
    }
    if (!args.is_null() && !args.is_object()) {
      return CommandAnswer::Error("'arguments' parameter expected to be a map.");
    }
    if (args.is_object() && !args.empty()) {
      return CommandAnswer::Error("'subnets' parameter not specified");
    }
    auto leases = store.GetAll();
    if (!leases.ok()) return StoreError(leases.status());
    return LeaseList(*leases);
  }

  CommandAnswer GetPage(const json& args) {
    if (auto e = RequireMap(args, "lease4-get-page")) return CommandAnswer::Error(e->text);
    auto from = args.find("from");
    if (from == args.end()) return CommandAnswer::Error("'from' parameter not specified");
    if (!from->is_string()) return CommandAnswer::Error("'from' parameter must be a string");
    Ipv4Address after;
    if (from->get<std::string>() != "start") {
      auto address = ParseAddress(from->get<std::string>());
      if (!address) {
        return CommandAnswer::Error(
            "'from' parameter value is neither 'start' keyword nor a valid IPv4 address");
      }
      after = *address;
    }
    auto limit = args.find("limit");
    if (limit == args.end()) return CommandAnswer::Error("'limit' parameter not specified");
    if (!limit->is_number_integer())
      return CommandAnswer::Error("'limit' parameter must be a number");
    if (limit->get<int64_t>() <= 0) {
      return CommandAnswer::Error("page size of retrieved leases must not be 0");
    }
    if (limit->get<int64_t>() > UINT32_MAX) {
      return CommandAnswer::Error(
          "page size of retrieved leases must not be greater than 4294967295");
    }
    auto leases = context_()->leases().GetPage(after, limit->get<size_t>());
    if (!leases.ok()) return StoreError(leases.status());
    return LeaseList(*leases, /*with_count=*/true);
  }

  CommandAnswer GetByHwAddress(const json& args) {
    std::string text;
    if (auto e = SingleString(args, "hw-address", &text)) return *e;
    auto hw = ReadHwAddress("hw-address", text);
    if (auto* bad = std::get_if<BadRequest>(&hw)) return CommandAnswer::Error(bad->text);
    auto leases = context_()->leases().GetByHwAddress(std::get<std::vector<uint8_t>>(hw), 0);
    if (!leases.ok()) return StoreError(leases.status());
    return LeaseList(*leases);
  }

  CommandAnswer GetByClientId(const json& args) {
    std::string text;
    if (auto e = SingleString(args, "client-id", &text)) return *e;
    auto id = ReadClientId("client-id", text);
    if (auto* bad = std::get_if<BadRequest>(&id)) return CommandAnswer::Error(bad->text);
    auto leases = context_()->leases().GetByClientId(std::get<std::vector<uint8_t>>(id), 0);
    if (!leases.ok()) return StoreError(leases.status());
    return LeaseList(*leases);
  }

  CommandAnswer GetByHostname(const json& args) {
    std::string text;
    if (auto e = SingleString(args, "hostname", &text)) return *e;
    if (text.empty()) return CommandAnswer::Error("'hostname' parameter is empty");
    auto leases = context_()->leases().GetByHostname(ToLower(text));
    if (!leases.ok()) return StoreError(leases.status());
    return LeaseList(*leases);
  }

  CommandAnswer Wipe(const json& args) {
    if (!args.is_null() && !args.is_object()) {
      return CommandAnswer::Error("'arguments' parameter expected to be a map.");
    }
    std::optional<int64_t> subnet_id;
    if (args.is_object()) {
      if (auto e = GetInteger(args, "subnet-id", 0, UINT32_MAX, &subnet_id)) {
        return CommandAnswer::Error(e->text);
      }
    }
    auto context = context_();
    std::vector<uint32_t> ids;
    if (subnet_id && *subnet_id != 0) {
      ids.push_back(static_cast<uint32_t>(*subnet_id));
    } else {
      for (const config::Subnet4& subnet : context->config().subnets) ids.push_back(subnet.id);
    }
    lease_backend::LeaseStore& store = context->leases();
    uint64_t deleted = 0;
    std::string id_text;
    for (uint32_t id : ids) {
      // Read first so the addresses can be freed in the map afterwards; a
      // lease added between the read and the wipe stays marked used, which
      // only wastes the address until the next reconfiguration.
      auto leases = store.GetBySubnet(id);
      if (!leases.ok()) return StoreError(leases.status());
      auto wiped = store.Wipe(id);
      if (!wiped.ok()) return StoreError(wiped.status());
      deleted += *wiped;
      for (const Lease4& lease : *leases) SyncMapDeleted(*context, lease.address);
      id_text += " " + std::to_string(id);
    }
    std::string text =
        "Deleted " + std::to_string(deleted) + " IPv4 lease(s) from subnet(s)" + id_text;
    if (deleted == 0) return CommandAnswer::Empty(std::move(text));
    return CommandAnswer::Success(std::move(text));
  }

 private:
  static std::optional<CommandAnswer> SingleString(const json& args, const std::string& key,
                                                   std::string* out) {
    if (!args.is_object()) return CommandAnswer::Error("Command arguments missing or a not a map.");
    auto it = args.find(key);
    if (it == args.end()) return CommandAnswer::Error("'" + key + "' parameter not specified");
    if (!it->is_string()) return CommandAnswer::Error("'" + key + "' parameter must be a string");
    *out = it->get<std::string>();
    return std::nullopt;
  }

  ContextSource context_;
  EpochClock now_;
};

}  // namespace

json LeaseToJson(const Lease4& lease) {
  json out = {
      {"ip-address", lease.address.ToString()},
      {"hw-address", dhcp::ToColonHex(lease.hwaddr)},
      {"cltt", lease.cltt},
      {"valid-lft", lease.valid_lifetime},
      {"subnet-id", lease.subnet_id},
      {"fqdn-fwd", lease.fqdn_fwd},
      {"fqdn-rev", lease.fqdn_rev},
      {"hostname", lease.hostname},
      {"state", static_cast<int>(lease.state)},
  };
  if (!lease.client_id.empty()) out["client-id"] = dhcp::ToColonHex(lease.client_id);
  if (!lease.user_context.empty()) {
    json context = json::parse(lease.user_context, nullptr, /*allow_exceptions=*/false);
    if (!context.is_discarded()) out["user-context"] = std::move(context);
  }
  return out;
}

void RegisterLeaseCommands(control::CommandRegistry& registry, ContextSource context,
                           EpochClock now) {
  if (!now) now = [] { return static_cast<int64_t>(std::time(nullptr)); };
  auto commands = std::make_shared<LeaseCommands>(std::move(context), std::move(now));
  auto add = [&registry, commands](const char* name,
                                   CommandAnswer (LeaseCommands::*method)(const json&)) {
    (void)registry.Register(name, [commands, method](const json& arguments) {
      return ((*commands).*method)(arguments);
    });
  };
  add("lease4-add", &LeaseCommands::Add);
  add("lease4-update", &LeaseCommands::Update);
  add("lease4-get", &LeaseCommands::Get);
  add("lease4-del", &LeaseCommands::Del);
  add("lease4-get-all", &LeaseCommands::GetAll);
  add("lease4-get-page", &LeaseCommands::GetPage);
  add("lease4-get-by-hw-address", &LeaseCommands::GetByHwAddress);
  add("lease4-get-by-client-id", &LeaseCommands::GetByClientId);
  add("lease4-get-by-hostname", &LeaseCommands::GetByHostname);
  add("lease4-wipe", &LeaseCommands::Wipe);
}

}  // namespace shoal::server
