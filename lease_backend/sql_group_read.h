// GroupReader: the batching reader of SqlLeaseStore for the lookups of the
// packet path: a client's leases by hardware address or by client
// identifier (every DHCPDISCOVER and most DHCPREQUESTs), and the lease of
// one address (DHCPRELEASE, DHCPDECLINE, a requested address outside this
// node's blocks). Lookups of concurrent callers are answered together with
// one statement per key kind (`WHERE hwaddr IN (?, ...)`, up to 64 keys), so
// under load many lookups share one round trip, which is where a busy
// node's and its database's CPU goes; and a caller on a fiber never blocks
// its thread on the database.
//
// Each statement runs on one of the reader's own threads (`readers` of
// them, each reading through `read`, i.e. a pooled connection): a caller
// queues its lookup and waits on a fiber::Completion, so a caller on a fiber
// (a packet worker) parks only its fiber, and a reader thread that finishes
// a statement takes everything queued meanwhile for the next one. Batches
// grow with the load by themselves: at low load a lookup is one statement
// of one key.
//
// Results are what the single-key query returns: every lease with that key,
// in address order. An error of the statement (e.g. the database is down) is
// every lookup's result in that statement.
//
// Thread-safe. Destroying the reader answers what is queued, then stops its
// threads; no call may start after that.
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
#include "lease_backend/sql_batch_queue.h"

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
  // kAddress: the value is the address's 4 bytes in network order.
  enum class Key { kHwAddress, kClientId, kAddress };

  // `readers`: threads, i.e. statements in progress at once at most (at
  // least one).
  GroupReader(ReadFn read, size_t readers, BatchOptions batching = {.max_batch = 4096});
  ~GroupReader();
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
  mutable absl::Mutex mu_;
  GroupReadStats stats_ ABSL_GUARDED_BY(mu_);
  BatchServers<Lookup> readers_;  // last: its threads use the members above
};

}  // namespace shoal::lease_backend
