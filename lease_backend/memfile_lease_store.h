// MemfileLeaseStore: leases in memory, persisted to Kea's memfile CSV
// (lease_csv.h), so kea-dhcp4 2.2 and shoal can load each other's files.
//
// Files (Kea's names, derived from `path`): `<path>` is the current file,
// appended to; `<path>.2` the previous cleaned file; `<path>.1` the input of a
// cleanup; `<path>.output` and `<path>.completed` its output before and after
// it is complete; `<path>.pid` names the process running a cleanup.
//
// Startup (Create) loads exactly as Kea does: `<path>.completed` if it exists,
// else `<path>.2` then `<path>.1`; then `<path>`, which stays open for
// appends. Later rows win; a valid_lifetime 0 row deletes. If `<path>.pid`
// names a live process (a kea-lfc or another shoal running a cleanup),
// Create fails with FailedPrecondition naming that file. If the current
// file's header is not shoal's (older or newer Kea column set), Create runs a
// cleanup at once so rows are never appended under a foreign header, as Kea
// does.
//
// Durability: every change appends one CSV row (a delete appends the lease
// with valid_lifetime 0) and the row has been handed to the kernel with
// write(2) before the call returns, so it survives a crash of the process
// (kill -9); Flush() fsyncs for power loss. Concurrent writers are
// group-committed: rows are queued in mutation order under the index lock
// and one write(2) carries every queued row. If a write fails, the call
// returns Unavailable; later calls retry the unwritten bytes first and fail
// with Unavailable, without changing anything, until the file accepts them.
//
// Lease file cleanup (RunLeaseFileCleanup) follows kea-lfc's file dance in
// this process, while other threads keep writing.
//
// Memfile-only rules (what Kea's file format can hold): address 0.0.0.0 and
// valid_lifetime 0 are InvalidArgument; so is a non-declined lease with
// neither hwaddr nor client_id, a hwaddr over 20 bytes, or a client_id of 1
// or more than 255 bytes. The hwtype is not stored (reads back as 1).
// GetByHostname matches exactly (the server stores hostnames in lowercase, as
// Kea does).
//
// Thread-safe. Lookups and index updates run under one mutex; file writes and
// cleanup I/O run outside it.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "lease_backend/lease_csv.h"
#include "lease_backend/lease_store.h"

namespace shoal::lease_backend {

struct MemfileOptions {
  std::string path{};  // the lease file (Kea's `name`); required when persist
  bool persist = true;
  uint32_t max_row_errors = 0;  // 0 = unlimited
};

struct MemfileLoadStats {
  std::vector<std::string> files_loaded;  // in load order
  CsvReadStats rows;                      // summed over the files
  std::vector<std::string> row_errors;    // first 100 discarded-row messages
  bool converted = false;                 // the current file had another header: cleaned at once
};

class MemfileLeaseStore : public LeaseStore {
 public:
  static absl::StatusOr<std::unique_ptr<MemfileLeaseStore>> Create(const MemfileOptions& options);
  ~MemfileLeaseStore() override;

  absl::Status Add(const Lease4& lease) override;
  absl::Status Update(const Lease4& lease, int64_t expected_expire) override;
  absl::Status Delete(dhcp::Ipv4Address address, int64_t expected_expire) override;

  absl::StatusOr<std::optional<Lease4>> Get(dhcp::Ipv4Address address) override;
  absl::StatusOr<std::vector<Lease4>> GetByHwAddress(std::span<const uint8_t> hwaddr,
                                                     uint32_t subnet_id) override;
  absl::StatusOr<std::vector<Lease4>> GetByClientId(std::span<const uint8_t> client_id,
                                                    uint32_t subnet_id) override;
  absl::StatusOr<std::vector<Lease4>> GetByHostname(std::string_view hostname) override;
  absl::StatusOr<std::vector<Lease4>> GetBySubnet(uint32_t subnet_id) override;
  absl::StatusOr<std::vector<Lease4>> GetAll() override;
  absl::StatusOr<std::vector<Lease4>> GetPage(dhcp::Ipv4Address after, size_t limit) override;
  absl::StatusOr<std::vector<Lease4>> GetRange(dhcp::Ipv4Address first,
                                               dhcp::Ipv4Address last) override;
  absl::StatusOr<std::vector<Lease4>> GetExpired(int64_t now, size_t limit) override;
  absl::StatusOr<uint64_t> DeleteReclaimedBefore(int64_t before) override;
  absl::StatusOr<uint64_t> Wipe(uint32_t subnet_id) override;
  absl::StatusOr<std::vector<SubnetLeaseCount>> CountBySubnet() override;
  absl::Status Flush() override;

  // Kea's lease file cleanup, in-process: if neither `<path>.completed` nor
  // `<path>.1` exists, the current file becomes `<path>.1` and a fresh one is
  // started; then `<path>.2` + `<path>.1` are merged into `<path>.output`,
  // renamed `<path>.completed`; `.2` and `.1` are removed and `.completed`
  // becomes `<path>.2`. `<path>.pid` holds this process's id meanwhile. Safe
  // while other threads write; one cleanup at a time (a second caller waits).
  // No-op when persist is false. On error the files are left as they are,
  // and the next startup or cleanup picks them up.
  absl::Status RunLeaseFileCleanup();

  const MemfileLoadStats& load_stats() const { return load_stats_; }
  size_t size() const;

 private:
  explicit MemfileLeaseStore(const MemfileOptions& options);

  using Key = std::pair<std::string, uint32_t>;  // (index value, address)
  using TimeKey = std::pair<int64_t, uint32_t>;  // (expire, address)

  absl::Status Load();
  absl::Status OpenCurrentFile(bool& converted);
  absl::Status ValidateForFile(const Lease4& lease) const;

  // Moves the secondary index entries of a lease from `before` to `after`
  // (either may be null), touching only keys that change.
  void Reindex(const Lease4* before, const Lease4* after) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::vector<Lease4> Collect(const absl::btree_set<Key>& index, std::string_view value,
                              uint32_t subnet_id) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Removes the lease at `address` from memory and queues its deletion row;
  // returns the row's sequence number.
  uint64_t EraseLocked(uint32_t address) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Group commit. QueueLocked appends rows under mu_ and returns the sequence
  // number the caller waits for in WriteUpTo.
  uint64_t QueueRowLocked(std::string_view row) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  uint64_t QueueDeletionLocked(const Lease4& lease) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status WriteUpTo(uint64_t seq) ABSL_LOCKS_EXCLUDED(mu_, io_mu_);
  absl::Status WritePendingLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(io_mu_);
  // Before a mutation: if an earlier write failed, retry it; error if it still fails.
  absl::Status CheckWritable() ABSL_LOCKS_EXCLUDED(mu_, io_mu_);

  absl::Status RotateCurrentFile(bool& rotated) ABSL_LOCKS_EXCLUDED(mu_, io_mu_);
  absl::Status MergeIntoCompleted();
  absl::Status FinishCleanup();

  const MemfileOptions options_;
  MemfileLoadStats load_stats_;

  mutable absl::Mutex mu_;
  absl::btree_map<uint32_t, Lease4> by_address_ ABSL_GUARDED_BY(mu_);
  absl::btree_set<Key> by_hwaddr_ ABSL_GUARDED_BY(mu_);
  absl::btree_set<Key> by_client_id_ ABSL_GUARDED_BY(mu_);
  absl::btree_set<Key> by_hostname_ ABSL_GUARDED_BY(mu_);
  absl::btree_set<std::pair<uint32_t, uint32_t>> by_subnet_ ABSL_GUARDED_BY(mu_);
  absl::btree_set<TimeKey> active_by_expire_ ABSL_GUARDED_BY(mu_);     // default/declined, finite
  absl::btree_set<TimeKey> reclaimed_by_expire_ ABSL_GUARDED_BY(mu_);  // expired-reclaimed
  absl::flat_hash_map<uint32_t, SubnetLeaseCount> counts_ ABSL_GUARDED_BY(mu_);

  // Rows not yet written: appended under mu_ (so file order = mutation
  // order), taken under pending_mu_. Lock order: mu_ -> pending_mu_, and
  // io_mu_ -> pending_mu_.
  absl::Mutex pending_mu_ ABSL_ACQUIRED_AFTER(mu_, io_mu_);
  std::string pending_ ABSL_GUARDED_BY(pending_mu_);
  uint64_t queued_seq_ ABSL_GUARDED_BY(pending_mu_) = 0;

  absl::Mutex io_mu_;
  int fd_ ABSL_GUARDED_BY(io_mu_) = -1;
  std::string unwritten_ ABSL_GUARDED_BY(io_mu_);       // taken from pending_, not yet written
  uint64_t unwritten_seq_ ABSL_GUARDED_BY(io_mu_) = 0;  // last seq inside unwritten_
  uint64_t written_seq_ ABSL_GUARDED_BY(io_mu_) = 0;
  absl::Status write_error_ ABSL_GUARDED_BY(io_mu_);
  std::atomic<bool> write_failed_{false};

  absl::Mutex lfc_mu_ ABSL_ACQUIRED_BEFORE(io_mu_);
};

}  // namespace shoal::lease_backend
