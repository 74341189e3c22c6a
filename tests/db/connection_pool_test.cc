// ConnectionPool and Transaction against a fake connection: the reconnect
// policy (attempts, waits, which errors are retried) and the pool's bounds.
#include "db/connection_pool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace shoal::db {
namespace {

using ::testing::HasSubstr;

struct FakeServer {
  std::atomic<int> connects{0};
  std::atomic<int> failures_left{0};  // connects that fail with `failure`
  absl::Status failure = absl::UnavailableError("down");
  std::vector<std::string> log;  // statements executed
};

class FakeConnection : public Connection {
 public:
  FakeConnection(FakeServer* server, DatabaseParams params) : server_(server), params_(params) {}
  Dialect dialect() const override { return params_.dialect; }
  const DatabaseParams& params() const override { return params_; }
  absl::StatusOr<uint64_t> Execute(const Statement& s, const std::vector<Param>&) override {
    if (!healthy_) return absl::UnavailableError("lost");
    server_->log.emplace_back(s.text(dialect()));
    if (s.text(dialect()) == "LOSE") {
      healthy_ = false;
      return absl::UnavailableError("lost");
    }
    return s.text(dialect()) == "MATCH NONE" ? 0 : 1;
  }
  absl::StatusOr<ResultSet> Query(const Statement&, const std::vector<Param>&) override {
    return ResultSet{};
  }
  absl::Status ExecuteDirect(std::string_view sql) override {
    server_->log.emplace_back(sql);
    return absl::OkStatus();
  }
  absl::Status Begin() override {
    in_txn_ = true;
    return ExecuteDirect("BEGIN");
  }
  absl::Status Commit() override {
    in_txn_ = false;
    return ExecuteDirect("COMMIT");
  }
  absl::Status Rollback() override {
    in_txn_ = false;
    return ExecuteDirect("ROLLBACK");
  }
  bool in_transaction() const override { return in_txn_; }
  bool healthy() const override { return healthy_; }
  absl::Status Reconnect() override {
    ++server_->connects;
    if (server_->failures_left > 0) {
      --server_->failures_left;
      return server_->failure;
    }
    healthy_ = true;
    return absl::OkStatus();
  }

 private:
  FakeServer* server_;
  DatabaseParams params_;
  bool healthy_ = true;
  bool in_txn_ = false;
};

class PoolTest : public ::testing::Test {
 protected:
  PoolTest() {
    params_.name = "shoal";
    params_.host = "db";
    params_.max_reconnect_tries = 3;
    params_.reconnect_wait_time_ms = 250;
  }
  ConnectionPool::Options Options(size_t size = 2) {
    ConnectionPool::Options o;
    o.max_connections = size;
    o.connector = [this](const DatabaseParams& p) -> absl::StatusOr<std::unique_ptr<Connection>> {
      ++server_.connects;
      if (server_.failures_left > 0) {
        --server_.failures_left;
        return server_.failure;
      }
      return std::unique_ptr<Connection>(new FakeConnection(&server_, p));
    };
    o.sleeper = [this](absl::Duration d) { sleeps_.push_back(d); };
    return o;
  }
  FakeServer server_;
  DatabaseParams params_;
  std::vector<absl::Duration> sleeps_;
};

TEST_F(PoolTest, StartupIsOneAttemptWithoutRetryOnStartup) {
  server_.failures_left = 1;
  auto pool = ConnectionPool::Create(params_, Options());
  EXPECT_TRUE(absl::IsUnavailable(pool.status())) << pool.status();
  EXPECT_EQ(server_.connects, 1);
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(PoolTest, StartupRetriesWithRetryOnStartup) {
  params_.retry_on_startup = true;
  server_.failures_left = 3;
  auto pool = ConnectionPool::Create(params_, Options());
  ASSERT_TRUE(pool.ok()) << pool.status();
  EXPECT_EQ(server_.connects, 4);
  ASSERT_EQ(sleeps_.size(), 3u);
  EXPECT_EQ(sleeps_[0], absl::Milliseconds(250));
}

TEST_F(PoolTest, GivesUpAfterMaxReconnectTries) {
  params_.retry_on_startup = true;
  server_.failures_left = 100;
  auto pool = ConnectionPool::Create(params_, Options());
  ASSERT_TRUE(absl::IsUnavailable(pool.status()));
  EXPECT_EQ(server_.connects, 4);  // 1 + max-reconnect-tries
  EXPECT_THAT(std::string(pool.status().message()), HasSubstr("gave up after 4 attempts"));
}

TEST_F(PoolTest, BadCredentialsAreNotRetried) {
  params_.retry_on_startup = true;
  server_.failures_left = 100;
  server_.failure = absl::PermissionDeniedError("Access denied");
  auto pool = ConnectionPool::Create(params_, Options());
  EXPECT_TRUE(absl::IsPermissionDenied(pool.status()));
  EXPECT_EQ(server_.connects, 1);
}

TEST_F(PoolTest, LostConnectionIsReconnectedOnNextAcquire) {
  auto pool = ConnectionPool::Create(params_, Options(1));
  ASSERT_TRUE(pool.ok());
  {
    auto h = (*pool)->Acquire();
    ASSERT_TRUE(h.ok());
    EXPECT_TRUE(absl::IsUnavailable((*h)->Execute("LOSE").status()));
    EXPECT_FALSE((*h)->healthy());
  }
  server_.failures_left = 2;
  auto h = (*pool)->Acquire();
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_TRUE((*h)->healthy());
  EXPECT_EQ(sleeps_.size(), 2u);
}

TEST_F(PoolTest, AcquireFailsWhenReconnectsRunOut) {
  auto pool = ConnectionPool::Create(params_, Options(1));
  ASSERT_TRUE(pool.ok());
  {
    auto h = (*pool)->Acquire();
    ASSERT_TRUE(h.ok());
    (void)(*h)->Execute("LOSE");
  }
  server_.failures_left = 10;
  auto h = (*pool)->Acquire();
  EXPECT_TRUE(absl::IsUnavailable(h.status()));
  // The connection went back to the pool: a later Acquire tries again.
  server_.failures_left = 0;
  auto again = (*pool)->Acquire();
  EXPECT_TRUE(again.ok()) << again.status();
}

TEST_F(PoolTest, BoundedAndBlocking) {
  auto pool = ConnectionPool::Create(params_, Options(2));
  ASSERT_TRUE(pool.ok());
  auto a = (*pool)->Acquire();
  auto b = (*pool)->Acquire();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(server_.connects, 2);
  std::atomic<bool> got{false};
  std::thread t([&] {
    auto c = (*pool)->Acquire();
    got = c.ok();
  });
  { auto released = std::move(*a); }  // returns one connection
  t.join();
  EXPECT_TRUE(got);
  EXPECT_EQ(server_.connects, 2);
}

TEST_F(PoolTest, OpenTransactionIsRolledBackOnReturn) {
  auto pool = ConnectionPool::Create(params_, Options(1));
  ASSERT_TRUE(pool.ok());
  {
    auto h = (*pool)->Acquire();
    ASSERT_TRUE((*h)->Begin().ok());
  }
  EXPECT_EQ(server_.log.back(), "ROLLBACK");
}

TEST(TransactionTest, RollsBackUnlessCommitted) {
  FakeServer server;
  FakeConnection c(&server, DatabaseParams{});
  {
    Transaction t(c);
    ASSERT_TRUE(t.status().ok());
  }
  EXPECT_EQ(server.log, (std::vector<std::string>{"BEGIN", "ROLLBACK"}));
  server.log.clear();
  {
    Transaction t(c);
    EXPECT_TRUE(t.Commit().ok());
  }
  EXPECT_EQ(server.log, (std::vector<std::string>{"BEGIN", "COMMIT"}));
}

TEST(RequireRowMatchedTest, NoRowIsAborted) {
  FakeServer server;
  FakeConnection fake(&server, DatabaseParams{});
  Connection& c = fake;
  EXPECT_TRUE(RequireRowMatched(c.Execute("UPDATE"), "lease 192.0.2.1").ok());
  absl::Status s = RequireRowMatched(c.Execute("MATCH NONE"), "lease 192.0.2.1");
  EXPECT_TRUE(absl::IsAborted(s));
  EXPECT_THAT(std::string(s.message()), HasSubstr("lease 192.0.2.1"));
  EXPECT_TRUE(
      absl::IsUnavailable(RequireRowMatched(absl::UnavailableError("x"), "lease 192.0.2.1")));
}

}  // namespace
}  // namespace shoal::db
