#include "lease_backend/sql_group_read.h"

#include <algorithm>
#include <string>

#include "absl/container/flat_hash_map.h"
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

std::string AsKey(dhcp::Ipv4Address address) {
  uint8_t bytes[4];
  address.ToBytes(bytes);
  return AsKey(bytes);
}

// A statement parameter for `value` of kind `key`.
db::Param AsParam(GroupReader::Key key, const db::Bytes& value) {
  if (key != GroupReader::Key::kAddress) return value;
  return int64_t{dhcp::Ipv4Address::FromBytes(value.data()).value()};
}

const db::Statement& LookupStatement(GroupReader::Key key, size_t size) {
  switch (key) {
    case GroupReader::Key::kHwAddress:
      return sql::GetByHwAddressIn(size);
    case GroupReader::Key::kClientId:
      return sql::GetByClientIdIn(size);
    case GroupReader::Key::kAddress:
      break;
  }
  return sql::GetByAddressIn(size);
}

// The value of `lease` that lookups of kind `key` match.
std::string KeyOf(GroupReader::Key key, const Lease4& lease) {
  switch (key) {
    case GroupReader::Key::kHwAddress:
      return AsKey(lease.hwaddr);
    case GroupReader::Key::kClientId:
      return AsKey(lease.client_id);
    case GroupReader::Key::kAddress:
      break;
  }
  return AsKey(lease.address);
}

}  // namespace

struct GroupReader::Lookup {
  Lookup(Key k, std::span<const uint8_t> v) : key(k), value(v.begin(), v.end()) {}
  const Key key;
  const db::Bytes value;
  absl::StatusOr<std::vector<Lease4>> result = std::vector<Lease4>();
  fiber::Completion done;  // signalled once `result` is final
};

GroupReader::GroupReader(ReadFn read, size_t readers, BatchOptions batching)
    : read_(std::move(read)),
      readers_(batching, std::max<size_t>(readers, 1),
               [this](std::vector<Lookup*>& batch, size_t) { Answer(batch); }) {}

GroupReader::~GroupReader() = default;

GroupReadStats GroupReader::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

absl::StatusOr<std::vector<Lease4>> GroupReader::Find(Key key, std::span<const uint8_t> value) {
  Lookup lookup(key, value);
  readers_.Await(lookup);
  return std::move(lookup.result);
}

void GroupReader::Answer(const std::vector<Lookup*>& batch) {
  for (Key key : {Key::kHwAddress, Key::kClientId, Key::kAddress}) {
    // Distinct values of this kind, each with the lookups waiting for it.
    Waiting waiting;
    std::vector<const db::Bytes*> values;
    for (Lookup* l : batch) {
      if (l->key != key) continue;
      auto [it, fresh] = waiting.try_emplace(AsKey(l->value));
      it->second.push_back(l);
      if (fresh) values.push_back(&l->value);
    }
    for (size_t next = 0; next < values.size(); next += kMaxKeys) {
      const size_t n = std::min(kMaxKeys, values.size() - next);
      AnswerChunk(key, {values.begin() + next, values.begin() + next + n}, waiting);
    }
  }
}

void GroupReader::AnswerChunk(Key key, const std::vector<const db::Bytes*>& values,
                              const Waiting& waiting) {
  const size_t size = BatchSize(values.size());
  std::vector<db::Param> params;
  params.reserve(size);
  for (size_t i = 0; i < size; ++i) {
    params.push_back(AsParam(key, *values[std::min(i, values.size() - 1)]));
  }
  const db::Statement& statement = LookupStatement(key, size);
  absl::StatusOr<std::vector<Lease4>> leases = [&]() -> absl::StatusOr<std::vector<Lease4>> {
    auto rows = read_(statement, params);
    if (!rows.ok()) return rows.status();
    return sql::DecodeRows(*rows);
  }();
  std::vector<Lookup*> answered;
  for (const db::Bytes* v : values) {
    const std::vector<Lookup*>& w = waiting.at(AsKey(*v));
    answered.insert(answered.end(), w.begin(), w.end());
  }
  {
    absl::MutexLock lock(&mu_);
    ++stats_.statements;
    stats_.lookups += answered.size();
    stats_.largest_batch = std::max<uint64_t>(stats_.largest_batch, values.size());
  }
  if (!leases.ok()) {
    for (Lookup* l : answered) l->result = leases.status();
    return;
  }
  std::sort(leases->begin(), leases->end(),
            [](const Lease4& a, const Lease4& b) { return a.address < b.address; });
  // The statement returns rows of this chunk's values only.
  for (const Lease4& lease : *leases) {
    auto it = waiting.find(KeyOf(key, lease));
    if (it == waiting.end()) continue;
    for (Lookup* l : it->second) l->result->push_back(lease);
  }
}

}  // namespace shoal::lease_backend
