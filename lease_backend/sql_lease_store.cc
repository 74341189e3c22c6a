#include "lease_backend/sql_lease_store.h"

#include <limits>
#include <map>

#include "absl/strings/str_cat.h"
#include "db/schema.h"
#include "lease_backend/sql_lease_codec.h"

namespace shoal::lease_backend {
namespace {

int64_t Limit(size_t limit) {
  return static_cast<int64_t>(
      std::min<uint64_t>(limit, static_cast<uint64_t>(std::numeric_limits<int64_t>::max())));
}

// The leases of `subnet_id` (0 = all) among `leases`.
absl::StatusOr<std::vector<Lease4>> InSubnet(absl::StatusOr<std::vector<Lease4>> leases,
                                             uint32_t subnet_id) {
  if (!leases.ok() || subnet_id == 0) return leases;
  std::erase_if(*leases, [&](const Lease4& l) { return l.subnet_id != subnet_id; });
  return leases;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqlLeaseStore>> SqlLeaseStore::Create(
    const db::DatabaseParams& given, SqlLeaseStoreOptions options) {
  db::DatabaseParams params = given;
  params.index_scans_only = true;  // every lease4 query has an index
  if (options.pool_connections == 0) {
    return absl::InvalidArgumentError("the SQL lease store needs at least one pool connection");
  }
  db::ConnectionPool::Options pool_options;
  pool_options.max_connections = options.pool_connections;
  pool_options.connector = options.group_commit.connector;
  pool_options.sleeper = options.group_commit.sleeper;
  auto pool = db::ConnectionPool::Create(params, pool_options);
  if (!pool.ok()) return pool.status();
  {
    auto handle = (*pool)->Acquire();
    if (!handle.ok()) return handle.status();
    if (absl::Status s = db::CheckSchemaVersion(**handle, "shoal-dhcp4"); !s.ok()) return s;
  }
  auto committer = GroupCommitter::Create(params, options.group_commit);
  if (!committer.ok()) return committer.status();
  std::unique_ptr<SqlLeaseStore> store(
      new SqlLeaseStore(*std::move(pool), *std::move(committer), options.pool_connections));
  store->reader_ = std::make_unique<GroupReader>(
      [s = store.get()](const db::Statement& statement, const std::vector<db::Param>& params) {
        return s->Read(statement, params);
      },
      options.lookup_readers);
  return store;
}

SqlLeaseStore::~SqlLeaseStore() {
  reader_.reset();
  committer_.reset();  // commits what is queued while the pool still exists
}

absl::Status SqlLeaseStore::Add(const Lease4& lease) {
  if (absl::Status s = sql::ValidateLease(lease, dialect()); !s.ok()) return s;
  return committer_->Add(lease);
}

absl::Status SqlLeaseStore::Update(const Lease4& lease, int64_t expected_expire) {
  if (absl::Status s = sql::ValidateLease(lease, dialect()); !s.ok()) return s;
  return committer_->Update(lease, expected_expire);
}

absl::Status SqlLeaseStore::Delete(dhcp::Ipv4Address address, int64_t expected_expire) {
  return committer_->Delete(address, expected_expire);
}

absl::StatusOr<db::ResultSet> SqlLeaseStore::Read(const db::Statement& statement,
                                                  const std::vector<db::Param>& params) {
  // Each failed try marks one stale session lost; after at most every pooled
  // one, Acquire() reconnects (or reports the database down).
  for (size_t attempt = 0;; ++attempt) {
    auto handle = pool_->Acquire();
    if (!handle.ok()) return handle.status();
    absl::StatusOr<db::ResultSet> result = (*handle)->Query(statement, params);
    if (absl::IsUnavailable(result.status()) && !(*handle)->healthy() &&
        attempt < pool_connections_) {
      continue;
    }
    return result;
  }
}

absl::Status SqlLeaseStore::CheckHealth() { return Read("SELECT 1", {}).status(); }

absl::StatusOr<std::vector<Lease4>> SqlLeaseStore::ReadLeases(
    const db::Statement& statement, const std::vector<db::Param>& params) {
  auto result = Read(statement, params);
  if (!result.ok()) return result.status();
  return sql::DecodeRows(*result);
}

absl::StatusOr<uint64_t> SqlLeaseStore::Write(const db::Statement& statement,
                                              const std::vector<db::Param>& params) {
  auto handle = pool_->Acquire();
  if (!handle.ok()) return handle.status();
  return (*handle)->Execute(statement, params);
}

absl::StatusOr<std::optional<Lease4>> SqlLeaseStore::Get(dhcp::Ipv4Address address) {
  uint8_t bytes[4];
  address.ToBytes(bytes);
  auto leases = reader_->Find(GroupReader::Key::kAddress, bytes);
  if (!leases.ok()) return leases.status();
  if (leases->empty()) return std::optional<Lease4>();
  return std::optional<Lease4>(std::move(leases->front()));
}

absl::StatusOr<std::vector<Lease4>> SqlLeaseStore::GetByHwAddress(std::span<const uint8_t> hwaddr,
                                                                  uint32_t subnet_id) {
  if (hwaddr.empty()) return std::vector<Lease4>();
  return InSubnet(reader_->Find(GroupReader::Key::kHwAddress, hwaddr), subnet_id);
}

absl::StatusOr<std::vector<Lease4>> SqlLeaseStore::GetByClientId(std::span<const uint8_t> client_id,
                                                                 uint32_t subnet_id) {
  if (client_id.empty()) return std::vector<Lease4>();
  return InSubnet(reader_->Find(GroupReader::Key::kClientId, client_id), subnet_id);
}

absl::StatusOr<std::vector<Lease4>> SqlLeaseStore::GetByHostname(std::string_view hostname) {
  if (hostname.empty()) return std::vector<Lease4>();
  return ReadLeases(sql::kGetByHostname, {hostname, hostname});
}

absl::StatusOr<std::vector<Lease4>> SqlLeaseStore::GetBySubnet(uint32_t subnet_id) {
  return ReadLeases(sql::kGetBySubnet, {subnet_id});
}

absl::StatusOr<std::vector<Lease4>> SqlLeaseStore::GetAll() { return ReadLeases(sql::kGetAll, {}); }

absl::StatusOr<std::vector<Lease4>> SqlLeaseStore::GetPage(dhcp::Ipv4Address after, size_t limit) {
  if (limit == 0) return std::vector<Lease4>();
  return ReadLeases(sql::kGetPage, {int64_t{after.value()}, Limit(limit)});
}

absl::StatusOr<std::vector<Lease4>> SqlLeaseStore::GetRange(dhcp::Ipv4Address first,
                                                            dhcp::Ipv4Address last) {
  return ReadLeases(sql::kGetRange, {int64_t{first.value()}, int64_t{last.value()}});
}

absl::StatusOr<std::vector<Lease4>> SqlLeaseStore::GetExpired(int64_t now, size_t limit) {
  if (limit == 0) return std::vector<Lease4>();
  return ReadLeases(sql::kGetExpired, {sql::TimeParam(now, dialect()), Limit(limit)});
}

absl::StatusOr<uint64_t> SqlLeaseStore::DeleteReclaimedBefore(int64_t before) {
  return Write(sql::kDeleteReclaimedBefore, {sql::TimeParam(before, dialect())});
}

absl::StatusOr<uint64_t> SqlLeaseStore::Wipe(uint32_t subnet_id) {
  if (subnet_id == 0) return Write(sql::kWipeAll, {});
  return Write(sql::kWipeSubnet, {subnet_id});
}

absl::StatusOr<std::vector<SubnetLeaseCount>> SqlLeaseStore::CountBySubnet() {
  auto result = Read(sql::kCountBySubnet, {});
  if (!result.ok()) return result.status();
  std::map<uint32_t, SubnetLeaseCount> counts;
  for (const db::Row& row : result->rows) {
    auto subnet = row.Int64Or(0, 0);  // Kea allows a NULL subnet_id
    auto state = row.Int64(1);
    auto count = row.Int64(2);
    if (!subnet.ok() || !state.ok() || !count.ok() || *subnet < 0 || *subnet > 0xffffffffLL ||
        *count < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "lease4 count by subnet: unexpected row (subnet_id '", row.StringOr(0, "NULL"),
          "', state '", row.StringOr(1, "NULL"), "', count '", row.StringOr(2, "NULL"), "')"));
    }
    SubnetLeaseCount& c = counts[static_cast<uint32_t>(*subnet)];
    c.subnet_id = static_cast<uint32_t>(*subnet);
    if (*state == static_cast<int64_t>(LeaseState::kDefault)) c.assigned += *count;
    if (*state == static_cast<int64_t>(LeaseState::kDeclined)) c.declined += *count;
  }
  std::vector<SubnetLeaseCount> out;
  out.reserve(counts.size());
  for (auto& [id, c] : counts) out.push_back(c);
  return out;
}

absl::Status SqlLeaseStore::Flush() { return absl::OkStatus(); }

}  // namespace shoal::lease_backend
