// SqlLeaseStore: DHCPv4 leases in a MySQL/MariaDB or PostgreSQL database
// shared by many nodes, in Kea's lease4 table (one implementation for both
// dialects; see sql_lease_codec.h for the encodings and statements).
//
// Writes (Add, Update, Delete) are group-committed (sql_group_commit.h): each
// call returns once the transaction holding its change has committed with
// the database's own durability (InnoDB innodb_flush_log_at_trx_commit=1,
// PostgreSQL synchronous_commit=on are left alone). Update and Delete are
// conditional on the expire time the caller read (`WHERE address = ? AND
// expire = ?`), so a node never overwrites another node's newer lease:
// Aborted when the lease changed meanwhile, NotFound when it is gone. expire
// has second precision, as Lease4 has.
//
// Reads use indexed queries on a small connection pool; a read that finds
// its pooled session lost is retried on another (the pool reconnects it).
// Lookups by hardware address and client id, made for nearly every client
// message, are batched across concurrent callers (sql_group_read.h).
// DeleteReclaimedBefore and Wipe are single statements on the pool.
//
// Outages: errors from a lost connection surface as Unavailable (nothing was
// stored, or for a failed COMMIT the outcome is unknown — never OK); the next
// call reconnects with the database's policy (max-reconnect-tries,
// reconnect-wait-time). What the server does meanwhile (on-fail) is its
// decision.
//
// Create checks the schema version (db::CheckSchemaVersion) and refuses an
// unsupported one, naming both versions and the shoal-admin db-upgrade
// command.
//
// Thread-safe. The store must outlive every call; destroying it commits
// what is queued and closes the connections.
#pragma once

#include <cstddef>
#include <memory>

#include "absl/status/statusor.h"
#include "db/connection_pool.h"
#include "db/database_params.h"
#include "lease_backend/lease_store.h"
#include "lease_backend/sql_block_claims.h"
#include "lease_backend/sql_group_commit.h"
#include "lease_backend/sql_group_read.h"

namespace shoal::lease_backend {

struct SqlLeaseStoreOptions {
  size_t pool_connections = 8;  // for reads and plain statements
  size_t lookup_readers = 1;    // GroupReader threads (statements at once, each on a pooled connection)
  GroupCommitOptions group_commit{};
};

class SqlLeaseStore final : public LeaseStore {
 public:
  static absl::StatusOr<std::unique_ptr<SqlLeaseStore>> Create(const db::DatabaseParams& params,
                                                               SqlLeaseStoreOptions options);
  static absl::StatusOr<std::unique_ptr<SqlLeaseStore>> Create(const db::DatabaseParams& params) {
    return Create(params, SqlLeaseStoreOptions{});
  }
  ~SqlLeaseStore() override;

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
  // Nothing is buffered past a return: OK.
  absl::Status Flush() override;
  // One `SELECT 1` on a pooled connection (the pool reconnects first).
  absl::Status CheckHealth() override;
  // Claims in lease4_block_claim, on the pool.
  AddressBlockClaims* block_claims() override { return &block_claims_; }

  db::Dialect dialect() const { return pool_->dialect(); }
  GroupCommitStats group_commit_stats() const { return committer_->stats(); }
  GroupReadStats group_read_stats() const { return reader_->stats(); }

 private:
  SqlLeaseStore(std::unique_ptr<db::ConnectionPool> pool, std::unique_ptr<GroupCommitter> committer,
                size_t pool_connections)
      : pool_(std::move(pool)),
        committer_(std::move(committer)),
        pool_connections_(pool_connections),
        block_claims_(*pool_) {}

  // Runs a read on a pooled connection; retried on another while the session
  // it got turns out lost (the pool reconnects it per the policy).
  absl::StatusOr<db::ResultSet> Read(const db::Statement& statement,
                                     const std::vector<db::Param>& params);
  absl::StatusOr<std::vector<Lease4>> ReadLeases(const db::Statement& statement,
                                                 const std::vector<db::Param>& params);
  // One autocommitted statement on a pooled connection; not retried.
  absl::StatusOr<uint64_t> Write(const db::Statement& statement,
                                 const std::vector<db::Param>& params);

  std::unique_ptr<db::ConnectionPool> pool_;
  std::unique_ptr<GroupCommitter> committer_;
  std::unique_ptr<GroupReader> reader_;  // created after construction: it calls Read()
  const size_t pool_connections_;
  SqlBlockClaims block_claims_;
};

}  // namespace shoal::lease_backend
