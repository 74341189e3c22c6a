// Reconnecting after the database server restarts. Restarts the shared test
// server with `scripts/db.sh restart-mysql|restart-pgsql`, so ctest runs it
// alone (RUN_SERIAL).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

#include "absl/strings/str_cat.h"
#include "db/connection_pool.h"
#include "db/schema.h"
#include "tests/db/test_database.h"

namespace shoal::db {
namespace {

const Dialect kDialect = testing::DialectFromName(SHOAL_TEST_DIALECT);

std::string Script() {
  const char* s = std::getenv("SHOAL_DB_SCRIPT");
  if (s != nullptr) return s;
  const char* src = std::getenv("SHOAL_SOURCE_DIR");
  return std::string(src ? src : ".") + "/scripts/db.sh";
}

int RunScript(const std::string& verb) {
  std::string which = kDialect == Dialect::kMySql ? "mysql" : "pgsql";
  return std::system(absl::StrCat(Script(), " ", verb, "-", which, " >/dev/null").c_str());
}

class ReconnectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = testing::ScratchDatabase::Create(kDialect);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    params_ = db_->params();
    params_.max_reconnect_tries = 120;
    params_.reconnect_wait_time_ms = 250;
    auto c = db_->Connect();
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(InitSchema(**c).ok());
  }
  void TearDown() override {
    // Whatever happened, leave the server running for the tests after us.
    RunScript("start");
  }
  std::unique_ptr<testing::ScratchDatabase> db_;
  DatabaseParams params_;
};

TEST_F(ReconnectTest, PoolReconnectsAfterServerRestart) {
  auto pool = ConnectionPool::Create(params_);
  ASSERT_TRUE(pool.ok()) << pool.status();
  {
    auto h = (*pool)->Acquire();
    ASSERT_TRUE(h.ok());
    ASSERT_TRUE((*h)->Execute("INSERT INTO lease4 (address, valid_lifetime, subnet_id, state) "
                              "VALUES (1, 60, 1, 0)")
                    .ok());
    ASSERT_EQ(RunScript("restart"), 0);
    // The old session is gone: reported as Unavailable, nothing hangs.
    auto lost = (*h)->Query("SELECT COUNT(*) FROM lease4");
    EXPECT_TRUE(absl::IsUnavailable(lost.status())) << lost.status();
    EXPECT_FALSE((*h)->healthy());
  }
  auto h = (*pool)->Acquire();
  ASSERT_TRUE(h.ok()) << h.status();
  auto count = (*h)->Query("SELECT COUNT(*) FROM lease4");
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(*count->rows[0].Int64(0), 1);  // the committed row survived
  EXPECT_TRUE(CheckSchemaVersion(**h).ok());
}

TEST_F(ReconnectTest, AcquireWaitsForServerToComeBack) {
  auto pool = ConnectionPool::Create(params_);
  ASSERT_TRUE(pool.ok()) << pool.status();
  {
    auto h = (*pool)->Acquire();
    ASSERT_TRUE(h.ok());
    ASSERT_EQ(RunScript("stop"), 0);
    EXPECT_TRUE(absl::IsUnavailable((*h)->Query("SELECT 1").status()));
  }
  // Start the server again while Acquire() is retrying.
  std::thread starter([] { RunScript("start"); });
  auto h = (*pool)->Acquire();
  starter.join();
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_TRUE((*h)->Query("SELECT 1").ok());
}

TEST_F(ReconnectTest, NoRetriesMeansUnavailableAtOnce) {
  params_.max_reconnect_tries = 0;
  auto pool = ConnectionPool::Create(params_);
  ASSERT_TRUE(pool.ok()) << pool.status();
  {
    auto h = (*pool)->Acquire();
    ASSERT_TRUE(h.ok());
    ASSERT_EQ(RunScript("stop"), 0);
    (void)(*h)->Query("SELECT 1");
  }
  auto h = (*pool)->Acquire();
  EXPECT_TRUE(absl::IsUnavailable(h.status())) << h.status();
  ASSERT_EQ(RunScript("start"), 0);
  auto again = (*pool)->Acquire();
  EXPECT_TRUE(again.ok()) << again.status();
}

}  // namespace
}  // namespace shoal::db
