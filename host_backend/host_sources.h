// HostSources: the reservations one configuration serves — the file's
// first, then each hosts database in the order of `hosts-databases`, as
// Kea searches them (a file reservation wins over a database one for the
// same client, without a warning, as in Kea).
//
// Database reservations come from the node-wide HostCaches (kept current by
// HostFollowers); their options are encoded with this configuration's
// option definitions, so a definition added to the configuration applies to
// options already stored. An option that does not encode is left out of the
// reply and reported in the log once per host and configuration.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "host_backend/config_host_store.h"
#include "host_backend/host_cache.h"
#include "spdlog/logger.h"

namespace shoal::host_backend {

class HostSources : public HostStore {
 public:
  // `config` must outlive the store (the serving context owns both).
  HostSources(const config::Config& config, std::vector<std::shared_ptr<const HostCache>> databases,
              std::shared_ptr<spdlog::logger> log);

  absl::StatusOr<std::optional<Host>> Find(uint32_t subnet_id, config::IdentifierType type,
                                           std::span<const uint8_t> identifier) override;
  absl::StatusOr<std::optional<Host>> FindByAddress(uint32_t subnet_id,
                                                    dhcp::Ipv4Address address) override;
  absl::StatusOr<std::vector<Host>> GetBySubnet(uint32_t subnet_id) override;

  // The sources in search order: 0 = the file, i = the i-th database.
  size_t source_count() const { return 1 + databases_.size(); }
  // Every reservation of one source with its id there (the database's
  // host_id; the file's position, from 1), by id.
  std::vector<std::pair<uint64_t, Host>> AllOf(size_t source);
  // Up to `limit` reservations of one source with an id above `after`, of
  // `subnet_id` only when given.
  std::vector<std::pair<uint64_t, Host>> PageOf(size_t source, uint64_t after, size_t limit,
                                                std::optional<uint32_t> subnet_id);
  // Lookups in one source only (where a conflicting reservation lives).
  std::optional<Host> FindIn(size_t source, uint32_t subnet_id, config::IdentifierType type,
                             std::span<const uint8_t> identifier);
  std::optional<Host> FindByAddressIn(size_t source, uint32_t subnet_id,
                                      dhcp::Ipv4Address address);

 private:
  Host Decode(const StoredHost& stored);

  const config::Config& config_;
  ConfigHostStore file_;
  std::vector<std::shared_ptr<const HostCache>> databases_;
  std::shared_ptr<spdlog::logger> log_;
  std::mutex warned_mu_;
  absl::flat_hash_set<uint64_t> warned_;  // host ids with an option left out
};

// Wire bytes of a stored host option: `formatted_value` encoded with the
// option's definition in `defs` (when not empty), else `value`. Error: why
// the text does not encode, or that no definition is known for it.
absl::StatusOr<std::vector<uint8_t>> EncodeStoredOption(const StoredHostOption& option,
                                                        const dhcp::OptionDefinitionSet& defs);

}  // namespace shoal::host_backend
