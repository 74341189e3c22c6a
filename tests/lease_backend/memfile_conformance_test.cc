// The LeaseStore conformance suite for the memfile store, in memory and with
// a lease file in a scratch directory.
#include <stdlib.h>

#include <filesystem>
#include <memory>

#include "lease_backend/memfile_lease_store.h"
#include "tests/lease_backend/lease_store_conformance.h"

namespace shoal::lease_backend::testing {
namespace {

LeaseStoreFactory InMemory() {
  return {"memfile_in_memory",
          []() -> absl::StatusOr<std::unique_ptr<LeaseStore>> {
            auto store = MemfileLeaseStore::Create({.path = "", .persist = false});
            if (!store.ok()) return store.status();
            return std::unique_ptr<LeaseStore>(std::move(*store));
          },
          nullptr};
}

LeaseStoreFactory Persistent() {
  auto dir = std::make_shared<std::string>();
  return {"memfile_persist",
          [dir]() -> absl::StatusOr<std::unique_ptr<LeaseStore>> {
            std::string pattern =
                (std::filesystem::temp_directory_path() / "shoal-memfile-XXXXXX").string();
            if (::mkdtemp(pattern.data()) == nullptr) {
              return absl::InternalError("mkdtemp failed");
            }
            *dir = pattern;
            auto store = MemfileLeaseStore::Create({.path = pattern + "/leases4.csv"});
            if (!store.ok()) return store.status();
            return std::unique_ptr<LeaseStore>(std::move(*store));
          },
          [dir] {
            if (!dir->empty()) std::filesystem::remove_all(*dir);
          }};
}

INSTANTIATE_TEST_SUITE_P(Memfile, LeaseStoreConformanceTest,
                         ::testing::Values(InMemory(), Persistent()), LeaseStoreFactoryName);

}  // namespace
}  // namespace shoal::lease_backend::testing
