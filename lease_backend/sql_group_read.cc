#include "lease_backend/sql_group_read.h"

#include <algorithm>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/notification.h"
#include "lease_backend/sql_lease_codec.h"

namespace shoal::lease_backend {
namespace {

constexpr size_t kMaxKeys = std::end(sql::kLookupBatchSizes)[-1];

// The smallest batch size that holds `n` keys.
size_t BatchSize(size_t n) {
  for (size_t size : sql::kLookupBatchSizes) {
    if (size >= n) return size;
  }
  return kMaxKeys;
}

std::string AsKey(std::span<const uint8_t> bytes) {
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace

struct GroupReader::Lookup {
  Lookup(Key k, std::span<const uint8_t> v) : key(k), value(v.begin(), v.end()) {}
  const Key key;
  const db::Bytes value;
  absl::StatusOr<std::vector<Lease4>> result = std::vector<Lease4>();
  absl::Notification done;
};

GroupReader::GroupReader(ReadFn read, size_t readers) : read_(std::move(read)) {
  for (size_t i = 0; i < std::max<size_t>(readers, 1); ++i) threads_.emplace_back([this] { Run(); });
}

GroupReader::~GroupReader() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& t : threads_) t.join();
}

GroupReadStats GroupReader::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

absl::StatusOr<std::vector<Lease4>> GroupReader::Find(Key key, std::span<const uint8_t> value) {
  Lookup lookup(key, value);
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return absl::FailedPreconditionError("the SQL lease store is shutting down");
    queue_.push_back(&lookup);
  }
  lookup.done.WaitForNotification();
  return std::move(lookup.result);
}

void GroupReader::Run() {
  std::vector<Lookup*> batch;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]()
                       ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !queue_.empty() || stopping_; };
      mu_.Await(absl::Condition(&ready));
      if (queue_.empty()) return;  // stopping, nothing left
      batch.swap(queue_);
    }
    Answer(batch);
    for (Lookup* l : batch) l->done.Notify();
    batch.clear();
  }
}

void GroupReader::Answer(const std::vector<Lookup*>& batch) {
  for (Key key : {Key::kHwAddress, Key::kClientId}) {
    // Distinct values of this kind, each with the lookups waiting for it.
    absl::flat_hash_map<std::string, std::vector<Lookup*>> by_value;
    std::vector<const db::Bytes*> values;
    std::vector<std::vector<Lookup*>*> waiting;
    for (Lookup* l : batch) {
      if (l->key != key) continue;
      auto [it, fresh] = by_value.try_emplace(AsKey(l->value));
      it->second.push_back(l);
      if (fresh) values.push_back(&l->value);
    }
    for (const db::Bytes* v : values) waiting.push_back(&by_value[AsKey(*v)]);
    for (size_t next = 0; next < values.size(); next += kMaxKeys) {
      const size_t n = std::min(kMaxKeys, values.size() - next);
      AnswerChunk(key, {values.begin() + next, values.begin() + next + n},
                  {waiting.begin() + next, waiting.begin() + next + n});
    }
  }
}

void GroupReader::AnswerChunk(Key key, const std::vector<const db::Bytes*>& values,
                              const std::vector<std::vector<Lookup*>*>& waiting) {
  const size_t size = BatchSize(values.size());
  std::vector<db::Param> params;
  params.reserve(size);
  for (size_t i = 0; i < size; ++i) params.emplace_back(*values[std::min(i, values.size() - 1)]);
  const db::Statement& statement =
      key == Key::kHwAddress ? sql::GetByHwAddressIn(size) : sql::GetByClientIdIn(size);
  absl::StatusOr<std::vector<Lease4>> leases = [&]() -> absl::StatusOr<std::vector<Lease4>> {
    auto rows = read_(statement, params);
    if (!rows.ok()) return rows.status();
    return sql::DecodeRows(*rows);
  }();
  {
    absl::MutexLock lock(&mu_);
    ++stats_.statements;
    for (const auto* w : waiting) stats_.lookups += w->size();
    stats_.largest_batch = std::max<uint64_t>(stats_.largest_batch, values.size());
  }
  if (!leases.ok()) {
    for (auto* w : waiting) {
      for (Lookup* l : *w) l->result = leases.status();
    }
    return;
  }
  std::sort(leases->begin(), leases->end(),
            [](const Lease4& a, const Lease4& b) { return a.address < b.address; });
  absl::flat_hash_map<std::string, std::vector<Lookup*>*> index;
  for (size_t i = 0; i < values.size(); ++i) index[AsKey(*values[i])] = waiting[i];
  for (const Lease4& lease : *leases) {
    const auto& column = key == Key::kHwAddress ? lease.hwaddr : lease.client_id;
    auto it = index.find(AsKey(column));
    if (it == index.end()) continue;
    for (Lookup* l : *it->second) l->result->push_back(lease);
  }
}

}  // namespace shoal::lease_backend
