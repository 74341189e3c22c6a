// GroupReader: the batching reader of SqlLeaseStore for the lookups every
// DHCPDISCOVER and most DHCPREQUESTs make: a client's leases by hardware
// address or by client identifier. Lookups of concurrent callers are
// answered together with one statement per key kind (`WHERE hwaddr IN (?,
// ...)`, up to 64 keys), so under load many lookups share one round trip,
// which is where a busy node's and its database's CPU goes.
//
// No threads of its own (leader/follower): a caller that finds fewer than
// `leaders` lookups in progress runs the statement itself, for its own
// lookup and everything queued; others queue and sleep. A leader that is
// done wakes its followers with their answers and hands the lead to the
// first lookup still queued, if any. So a lookup at low load is one
// statement on the caller's thread, with no hand-off to another thread.
//
// Results are what the single-key query returns: every lease with that key,
// in address order. An error of the statement (e.g. the database is down) is
// every lookup's result in that statement.
//
// Thread-safe; the reader must outlive every call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "db/connection.h"
#include "lease_backend/lease.h"

namespace shoal::lease_backend {

struct GroupReadStats {
  uint64_t statements = 0;  // run
  uint64_t lookups = 0;     // answered by them
  uint64_t largest_batch = 0;
};

class GroupReader {
 public:
  // Runs one read statement (SqlLeaseStore::Read: a pooled connection,
  // retried on a lost session).
  using ReadFn = std::function<absl::StatusOr<db::ResultSet>(const db::Statement&,
                                                             const std::vector<db::Param>&)>;
  enum class Key { kHwAddress, kClientId };

  // `leaders`: statements in progress at once at most (each on its own
  // pooled connection).
  GroupReader(ReadFn read, size_t leaders) : read_(std::move(read)), max_leaders_(leaders) {}
  GroupReader(const GroupReader&) = delete;
  GroupReader& operator=(const GroupReader&) = delete;

  // Every lease whose `key` column equals `value`, in address order.
  absl::StatusOr<std::vector<Lease4>> Find(Key key, std::span<const uint8_t> value);

  GroupReadStats stats() const;

 private:
  struct Lookup;

  // Lookups of one kind by value (the value's bytes as a string).
  using Waiting = absl::flat_hash_map<std::string, std::vector<Lookup*>>;

  void Answer(const std::vector<Lookup*>& batch);
  // One statement for distinct `values` of one kind (at most the largest
  // batch size), answering the lookups `waiting` for them.
  void AnswerChunk(Key key, const std::vector<const db::Bytes*>& values, const Waiting& waiting);

  const ReadFn read_;
  const size_t max_leaders_;

  mutable absl::Mutex mu_;
  std::vector<Lookup*> queue_ ABSL_GUARDED_BY(mu_);  // waiting for a leader
  size_t leaders_ ABSL_GUARDED_BY(mu_) = 0;
  GroupReadStats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace shoal::lease_backend
