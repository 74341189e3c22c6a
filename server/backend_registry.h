// BackendRegistry: how a node opens the stores named in its configuration
// (`lease-database.type`: memfile, mysql, postgresql). main() registers every
// backend explicitly; there is no static self-registration. The registry is
// filled before the server starts and read-only afterwards.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "config/config.h"
#include "lease_backend/lease_store.h"

namespace shoal::server {

class BackendRegistry {
 public:
  using LeaseStoreFactory =
      std::function<absl::StatusOr<std::shared_ptr<lease_backend::LeaseStore>>(
          const config::DatabaseConfig&)>;

  void RegisterLeaseStore(const std::string& type, LeaseStoreFactory factory) {
    lease_stores_[type] = std::move(factory);
  }

  // InvalidArgument naming the registered types when `type` is unknown.
  absl::StatusOr<std::shared_ptr<lease_backend::LeaseStore>> OpenLeaseStore(
      const config::DatabaseConfig& database) const;

 private:
  std::map<std::string, LeaseStoreFactory> lease_stores_;
};

}  // namespace shoal::server
