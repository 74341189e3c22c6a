#include "server/statistics.h"

#include <gtest/gtest.h>

#include "api_test_util.h"
#include "server/statistic_commands.h"

namespace shoal::server {
namespace {

using api_testing::MakeContext;
using api_testing::MemoryStore;
using api_testing::RunCommand;
using nlohmann::json;

lease_backend::Lease4 MakeLease(
    const char* address, uint32_t subnet,
    lease_backend::LeaseState state = lease_backend::LeaseState::kDefault) {
  lease_backend::Lease4 lease;
  lease.address = *dhcp::Ipv4Address::Parse(address);
  lease.hwaddr = {1, 2, 3, 4, 5, static_cast<uint8_t>(lease.address.value() & 0xff)};
  lease.valid_lifetime = 4000;
  lease.cltt = 1700000000;
  lease.subnet_id = subnet;
  lease.state = state;
  return lease;
}

class StatisticsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = MemoryStore();
    context_ = MakeContext(store_);
    statistics_ = std::make_unique<Statistics>(
        counters_, [this] { return context_; }, [this] { return clock_; });
    RegisterStatisticCommands(registry_, *statistics_);
  }
  json Do(const std::string& command, const std::string& arguments = "") {
    return RunCommand(registry_, command, arguments);
  }
  // The newest value of `name` via statistic-get.
  json Value(const std::string& name) {
    json r = Do("statistic-get", R"({"name": ")" + name + R"("})");
    EXPECT_EQ(r["result"], 0) << r;
    if (!r["arguments"].contains(name)) return nullptr;
    return r["arguments"][name][0][0];
  }
  void Tick() { clock_ += std::chrono::seconds(1); }

  PacketCounters counters_;
  std::shared_ptr<lease_backend::LeaseStore> store_;
  std::shared_ptr<ServingContext> context_;
  std::chrono::system_clock::time_point clock_{std::chrono::seconds(1700000000)};
  std::unique_ptr<Statistics> statistics_;
  control::CommandRegistry registry_;
};

TEST_F(StatisticsTest, PacketCountersInKeaSampleFormat) {
  counters_.Increment(PacketCounter::kReceived);
  counters_.Increment(PacketCounter::kReceived);
  json r = Do("statistic-get", R"({"name": "pkt4-received"})");
  ASSERT_EQ(r["result"], 0) << r;
  const json& samples = r["arguments"]["pkt4-received"];
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0][0], 2);
  EXPECT_EQ(samples[0][1], FormatStatisticTime(clock_));
  EXPECT_EQ(samples[0][1].get<std::string>().size(),
            std::string("2023-11-14 22:13:20.000000").size());

  Tick();
  counters_.Increment(PacketCounter::kReceived);
  r = Do("statistic-get", R"({"name": "pkt4-received"})");
  const json& newer = r["arguments"]["pkt4-received"];
  ASSERT_EQ(newer.size(), 2u);
  EXPECT_EQ(newer[0][0], 3);  // newest first
  EXPECT_EQ(newer[1][0], 2);
}

TEST_F(StatisticsTest, SampleListIsBounded) {
  for (int i = 0; i < 30; ++i) {
    counters_.Increment(PacketCounter::kAckSent);
    Tick();
    Value("pkt4-ack-sent");
  }
  json r = Do("statistic-get", R"({"name": "pkt4-ack-sent"})");
  EXPECT_EQ(r["arguments"]["pkt4-ack-sent"].size(), Statistics::kMaxSamples);
  EXPECT_EQ(r["arguments"]["pkt4-ack-sent"][0][0], 30);
}

TEST_F(StatisticsTest, UnknownNames) {
  json r = Do("statistic-get", R"({"name": "no-such-stat"})");
  EXPECT_EQ(r["result"], 0);
  EXPECT_EQ(r["arguments"], json::object());
  r = Do("statistic-reset", R"({"name": "no-such-stat"})");
  EXPECT_EQ(r["result"], 1);
  EXPECT_EQ(r["text"], "No 'no-such-stat' statistic found");
  EXPECT_EQ(Do("statistic-remove", R"({"name": "subnet[9].total-addresses"})")["result"], 1);
  EXPECT_EQ(Do("statistic-get")["text"], "Missing mandatory 'arguments' parameter.");
  EXPECT_EQ(Do("statistic-get", "{}")["text"], "Missing mandatory 'name' parameter.");
  EXPECT_EQ(Do("statistic-get", R"({"name": 1})")["text"],
            "'name' parameter expected to be a string.");
}

TEST_F(StatisticsTest, SubnetStatisticsFromTheLeaseStore) {
  ASSERT_TRUE(store_->Add(MakeLease("192.0.2.10", 1)).ok());
  ASSERT_TRUE(store_->Add(MakeLease("192.0.2.11", 1, lease_backend::LeaseState::kDeclined)).ok());
  ASSERT_TRUE(
      store_->Add(MakeLease("192.0.2.12", 1, lease_backend::LeaseState::kExpiredReclaimed)).ok());
  EXPECT_EQ(Value("subnet[1].total-addresses"), 10);
  EXPECT_EQ(Value("subnet[1].assigned-addresses"), 2);  // declined counts as assigned, as in Kea
  EXPECT_EQ(Value("subnet[1].declined-addresses"), 1);
  EXPECT_EQ(Value("subnet[2].assigned-addresses"), 0);
  EXPECT_EQ(Value("declined-addresses"), 1);

  json all = Do("statistic-get-all")["arguments"];
  for (const char* name : {"pkt4-received", "pkt4-ack-sent", "subnet[1].total-addresses",
                           "subnet[2].total-addresses", "subnet[2].declined-addresses"}) {
    EXPECT_TRUE(all.contains(name)) << name;
  }
}

TEST_F(StatisticsTest, ResetCountsFromZero) {
  for (int i = 0; i < 5; ++i) counters_.Increment(PacketCounter::kReceived);
  json r = Do("statistic-reset", R"({"name": "pkt4-received"})");
  EXPECT_EQ(r["result"], 0);
  EXPECT_EQ(r["text"], "Statistic 'pkt4-received' reset.");
  EXPECT_EQ(Value("pkt4-received"), 0);
  counters_.Increment(PacketCounter::kReceived);
  EXPECT_EQ(Value("pkt4-received"), 1);
  EXPECT_EQ(counters_.Get(PacketCounter::kReceived), 6);  // the source is untouched

  ASSERT_TRUE(store_->Add(MakeLease("192.0.2.10", 1)).ok());
  r = Do("statistic-reset-all");
  EXPECT_EQ(r["text"], "All statistics reset to neutral values.");
  EXPECT_EQ(Value("pkt4-received"), 0);
  EXPECT_EQ(Value("subnet[1].assigned-addresses"), 0);
  ASSERT_TRUE(store_->Add(MakeLease("192.0.2.11", 1)).ok());
  EXPECT_EQ(Value("subnet[1].assigned-addresses"), 1);
}

TEST_F(StatisticsTest, RemoveHidesUntilRecordedAgain) {
  counters_.Increment(PacketCounter::kOfferSent);
  json r = Do("statistic-remove", R"({"name": "pkt4-offer-sent"})");
  EXPECT_EQ(r["result"], 0);
  EXPECT_EQ(r["text"], "Statistic 'pkt4-offer-sent' removed.");
  EXPECT_TRUE(Value("pkt4-offer-sent").is_null());
  EXPECT_FALSE(Do("statistic-get-all")["arguments"].contains("pkt4-offer-sent"));
  EXPECT_EQ(Do("statistic-reset", R"({"name": "pkt4-offer-sent"})")["result"], 1);
  EXPECT_EQ(Do("statistic-remove", R"({"name": "pkt4-offer-sent"})")["result"], 1);
  counters_.Increment(PacketCounter::kOfferSent);
  EXPECT_EQ(Value("pkt4-offer-sent"), 1);

  r = Do("statistic-remove-all");
  EXPECT_EQ(r["result"], 0);
  EXPECT_EQ(Do("statistic-get-all")["arguments"], json::object());
}

TEST_F(StatisticsTest, SubnetStatisticsRestartOnReconfiguration) {
  ASSERT_TRUE(store_->Add(MakeLease("192.0.2.10", 1)).ok());
  EXPECT_EQ(Do("statistic-reset", R"({"name": "subnet[1].assigned-addresses"})")["result"], 0);
  EXPECT_EQ(Value("subnet[1].assigned-addresses"), 0);
  context_ = MakeContext(store_);  // a new configuration snapshot
  EXPECT_EQ(Value("subnet[1].assigned-addresses"), 1);
}

TEST_F(StatisticsTest, StatLease4Get) {
  ASSERT_TRUE(store_->Add(MakeLease("192.0.2.10", 1)).ok());
  ASSERT_TRUE(
      store_->Add(MakeLease("198.51.100.100", 2, lease_backend::LeaseState::kDeclined)).ok());
  json r = Do("stat-lease4-get");
  ASSERT_EQ(r["result"], 0) << r;
  EXPECT_EQ(r["text"], "stat-lease4-get: 2 rows found");
  const json& set = r["arguments"]["result-set"];
  EXPECT_EQ(set["columns"], json({"subnet-id", "total-addresses", "cumulative-assigned-addresses",
                                  "assigned-addresses", "declined-addresses"}));
  EXPECT_EQ(set["rows"], json({{1, 10, 0, 1, 0}, {2, 10, 0, 1, 1}}));
  EXPECT_TRUE(set["timestamp"].is_string());

  r = Do("stat-lease4-get", R"({"subnet-id": 2})");
  EXPECT_EQ(r["arguments"]["result-set"]["rows"].size(), 1u);
  r = Do("stat-lease4-get", R"({"subnet-id": 5})");
  EXPECT_EQ(r["result"], 3);
  r = Do("stat-lease4-get", R"({"subnet-range": {"first-subnet-id": 2, "last-subnet-id": 9}})");
  EXPECT_EQ(r["arguments"]["result-set"]["rows"], json({{2, 10, 0, 1, 1}}));
  r = Do("stat-lease4-get", R"({"subnet-range": {"first-subnet-id": 3, "last-subnet-id": 9}})");
  EXPECT_EQ(r["result"], 3);
  EXPECT_EQ(Do("stat-lease4-get", R"({"subnet-id": 0})")["result"], 1);
  EXPECT_EQ(Do("stat-lease4-get",
               R"({"subnet-range": {"first-subnet-id": 3, "last-subnet-id": 1}})")["result"],
            1);
  EXPECT_EQ(Do("stat-lease4-get", R"({"subnet-id": 1, "subnet-range": {}})")["result"], 1);
}

}  // namespace
}  // namespace shoal::server
