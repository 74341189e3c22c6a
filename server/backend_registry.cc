#include "server/backend_registry.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace shoal::server {

absl::StatusOr<std::shared_ptr<lease_backend::LeaseStore>> BackendRegistry::OpenLeaseStore(
    const config::DatabaseConfig& database) const {
  auto it = lease_stores_.find(database.type);
  if (it == lease_stores_.end()) {
    std::vector<std::string> known;
    for (const auto& [type, factory] : lease_stores_) known.push_back(type);
    return absl::InvalidArgumentError(absl::StrCat(
        "lease-database type '", database.type,
        "' is not supported by this shoal-dhcp4; supported: ", absl::StrJoin(known, ", ")));
  }
  return it->second(database);
}

}  // namespace shoal::server
