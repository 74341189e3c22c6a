#include "host_backend/host_sources.h"

#include "absl/strings/str_cat.h"

namespace shoal::host_backend {

absl::StatusOr<std::vector<uint8_t>> EncodeStoredOption(const StoredHostOption& option,
                                                        const dhcp::OptionDefinitionSet& defs) {
  if (option.formatted_value.empty()) return option.value;
  const dhcp::OptionDefinition* def = defs.FindByCode(option.space, option.code);
  if (def == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        "option ", option.code, " in space '", option.space,
        "' has formatted_value text but no definition; add an option-def for it to the "
        "configuration, or store the wire bytes in `value`"));
  }
  return dhcp::EncodeOptionData(*def, option.formatted_value);
}

HostSources::HostSources(const config::Config& config,
                         std::vector<std::shared_ptr<const HostCache>> databases,
                         std::shared_ptr<spdlog::logger> log)
    : config_(config), file_(config), databases_(std::move(databases)), log_(std::move(log)) {}

Host HostSources::Decode(const StoredHost& stored) {
  Host host = stored.reservation;
  for (const StoredHostOption& option : stored.options) {
    auto payload = EncodeStoredOption(option, config_.option_definitions);
    if (!payload.ok()) {
      bool first;
      {
        std::lock_guard lock(warned_mu_);
        first = warned_.insert(stored.host_id).second;
      }
      if (first && log_ != nullptr) {
        log_->warn("hosts database: reservation of {} {} (host_id {}): option {} left out: {}",
                   config::IdentifierTypeName(host.identifier_type),
                   dhcp::ToColonHex(host.identifier), stored.host_id, option.code,
                   std::string(payload.status().message()));
      }
      continue;
    }
    const dhcp::OptionDefinition* def =
        config_.option_definitions.FindByCode(option.space, option.code);
    host.options.push_back(config::OptionData{.space = option.space,
                                              .code = option.code,
                                              .name = def != nullptr ? def->name : "",
                                              .payload = std::move(*payload),
                                              .always_send = option.persistent});
  }
  return host;
}

absl::StatusOr<std::optional<Host>> HostSources::Find(uint32_t subnet_id,
                                                      config::IdentifierType type,
                                                      std::span<const uint8_t> identifier) {
  auto found = file_.Find(subnet_id, type, identifier);
  if (!found.ok() || found->has_value()) return found;
  for (const auto& cache : databases_) {
    if (StoredHostPtr stored = cache->Find(subnet_id, type, identifier)) return Decode(*stored);
  }
  return std::nullopt;
}

absl::StatusOr<std::optional<Host>> HostSources::FindByAddress(uint32_t subnet_id,
                                                               dhcp::Ipv4Address address) {
  auto found = file_.FindByAddress(subnet_id, address);
  if (!found.ok() || found->has_value()) return found;
  for (const auto& cache : databases_) {
    if (StoredHostPtr stored = cache->FindByAddress(subnet_id, address)) return Decode(*stored);
  }
  return std::nullopt;
}

absl::StatusOr<std::vector<Host>> HostSources::GetBySubnet(uint32_t subnet_id) {
  auto hosts = file_.GetBySubnet(subnet_id);
  if (!hosts.ok()) return hosts;
  for (const auto& cache : databases_) {
    for (const StoredHostPtr& stored : cache->BySubnet(subnet_id)) {
      hosts->push_back(Decode(*stored));
    }
  }
  return hosts;
}

std::vector<std::pair<uint64_t, Host>> HostSources::AllOf(size_t source) {
  std::vector<std::pair<uint64_t, Host>> out;
  if (source == 0) {
    uint64_t position = 0;
    for (const Host& h : file_.all()) out.emplace_back(++position, h);
    return out;
  }
  if (source > databases_.size()) return out;
  for (const StoredHostPtr& stored : databases_[source - 1]->All()) {
    out.emplace_back(stored->host_id, Decode(*stored));
  }
  return out;
}

std::vector<std::pair<uint64_t, Host>> HostSources::PageOf(size_t source, uint64_t after,
                                                          size_t limit,
                                                          std::optional<uint32_t> subnet_id) {
  std::vector<std::pair<uint64_t, Host>> out;
  if (source == 0) {
    for (auto& [id, host] : AllOf(0)) {
      if (out.size() == limit) break;
      if (id > after && (!subnet_id || host.subnet_id == *subnet_id)) {
        out.emplace_back(id, std::move(host));
      }
    }
    return out;
  }
  if (source > databases_.size()) return out;
  for (const StoredHostPtr& stored : databases_[source - 1]->Page(after, limit, subnet_id)) {
    out.emplace_back(stored->host_id, Decode(*stored));
  }
  return out;
}

std::optional<Host> HostSources::FindIn(size_t source, uint32_t subnet_id,
                                        config::IdentifierType type,
                                        std::span<const uint8_t> identifier) {
  if (source == 0) {
    auto found = file_.Find(subnet_id, type, identifier);
    return found.ok() ? *found : std::nullopt;
  }
  if (source > databases_.size()) return std::nullopt;
  StoredHostPtr stored = databases_[source - 1]->Find(subnet_id, type, identifier);
  if (stored == nullptr) return std::nullopt;
  return Decode(*stored);
}

std::optional<Host> HostSources::FindByAddressIn(size_t source, uint32_t subnet_id,
                                                 dhcp::Ipv4Address address) {
  if (source == 0) {
    auto found = file_.FindByAddress(subnet_id, address);
    return found.ok() ? *found : std::nullopt;
  }
  if (source > databases_.size()) return std::nullopt;
  StoredHostPtr stored = databases_[source - 1]->FindByAddress(subnet_id, address);
  if (stored == nullptr) return std::nullopt;
  return Decode(*stored);
}

}  // namespace shoal::host_backend
