// GroupReader: the batching reader of SqlLeaseStore for the lookups every
// DHCPDISCOVER and most DHCPREQUESTs make: a client's leases by hardware
// address or by client identifier. Callers queue their lookup and block; a
// few reader threads each take everything queued and answer it with one
// statement per key kind (`WHERE hwaddr IN (?, ...)`, up to 64 keys). At low
// load a lookup is one statement as before; under load many lookups share
// one round trip, which is where a busy node's and its database's CPU goes.
//
// Results are what the single-key query returns: every lease with that key,
// in address order. An error of the statement (e.g. the database is down) is
// every lookup's result in that statement.
//
// Threading: Find is thread-safe. The destructor answers what is queued,
// then stops the threads; no call may start then.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
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

  GroupReader(ReadFn read, size_t readers);
  ~GroupReader();
  GroupReader(const GroupReader&) = delete;
  GroupReader& operator=(const GroupReader&) = delete;

  // Every lease whose `key` column equals `value`, in address order.
  absl::StatusOr<std::vector<Lease4>> Find(Key key, std::span<const uint8_t> value);

  GroupReadStats stats() const;

 private:
  struct Lookup;

  void Run();
  void Answer(const std::vector<Lookup*>& batch);
  // One statement for lookups of one kind with distinct values (at most the
  // largest batch size); `values[i]` is answered to `waiting[i]`.
  void AnswerChunk(Key key, const std::vector<const db::Bytes*>& values,
                   const std::vector<std::vector<Lookup*>*>& waiting);

  const ReadFn read_;
  std::vector<std::thread> threads_;

  mutable absl::Mutex mu_;
  std::vector<Lookup*> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  GroupReadStats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace shoal::lease_backend
