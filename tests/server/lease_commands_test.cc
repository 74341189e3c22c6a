#include "server/lease_commands.h"

#include <gtest/gtest.h>

#include "api_test_util.h"

namespace shoal::server {
namespace {

using api_testing::MakeContext;
using api_testing::MemoryStore;
using api_testing::RunCommand;
using nlohmann::json;

constexpr int64_t kNow = 1700000000;

class LeaseCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = MemoryStore();
    context_ = MakeContext(store_);
    RegisterLeaseCommands(
        registry_, [this] { return context_; }, [] { return kNow; });
  }
  json Do(const std::string& command, const std::string& arguments = "") {
    return RunCommand(registry_, command, arguments);
  }
  bool MapSaysUsed(const char* address) {
    // A used address cannot be taken again.
    return !context_->free_map(1)->TryTake(*dhcp::Ipv4Address::Parse(address)) ||
           (context_->free_map(1)->MarkFree(*dhcp::Ipv4Address::Parse(address)), false);
  }

  std::shared_ptr<lease_backend::LeaseStore> store_;
  std::shared_ptr<ServingContext> context_;
  control::CommandRegistry registry_;
};

TEST_F(LeaseCommandsTest, AddThenGetShowsKeaLeaseJson) {
  json r = Do("lease4-add", R"({"ip-address": "192.0.2.12", "hw-address": "1a:1b:1c:1d:1e:1f",
                              "client-id": "01:02:03", "hostname": "host.example.org",
                              "fqdn-fwd": true, "user-context": {"a": 1}})");
  EXPECT_EQ(r["result"], 0) << r;
  EXPECT_EQ(r["text"], "Lease for address 192.0.2.12, subnet-id 1 added.");

  r = Do("lease4-get", R"({"ip-address": "192.0.2.12"})");
  ASSERT_EQ(r["result"], 0) << r;
  EXPECT_EQ(r["text"], "IPv4 lease found.");
  const json& lease = r["arguments"];
  EXPECT_EQ(lease["ip-address"], "192.0.2.12");
  EXPECT_EQ(lease["hw-address"], "1a:1b:1c:1d:1e:1f");
  EXPECT_EQ(lease["client-id"], "01:02:03");
  EXPECT_EQ(lease["cltt"], kNow);
  EXPECT_EQ(lease["valid-lft"], 4000);
  EXPECT_EQ(lease["subnet-id"], 1);
  EXPECT_EQ(lease["fqdn-fwd"], true);
  EXPECT_EQ(lease["fqdn-rev"], false);
  EXPECT_EQ(lease["hostname"], "host.example.org");
  EXPECT_EQ(lease["state"], 0);
  EXPECT_EQ(lease["user-context"], json({{"a", 1}}));
  EXPECT_TRUE(MapSaysUsed("192.0.2.12"));
}

TEST_F(LeaseCommandsTest, ClientIdOmittedWhenEmptyAndSubnetDefaultsApply) {
  ASSERT_EQ(Do("lease4-add", R"({"ip-address": "198.51.100.5", "hw-address": "01:02:03:04:05:06",
                                "expire": 1700000600})")["result"],
            0);
  json lease = Do("lease4-get", R"({"ip-address": "198.51.100.5"})")["arguments"];
  EXPECT_FALSE(lease.contains("client-id"));
  EXPECT_FALSE(lease.contains("user-context"));
  EXPECT_EQ(lease["subnet-id"], 2);
  EXPECT_EQ(lease["valid-lft"], 600);
  EXPECT_EQ(lease["cltt"], 1700000000);
}

TEST_F(LeaseCommandsTest, AddRefusesInconsistentRequests) {
  auto text = [&](const std::string& args) {
    json r = Do("lease4-add", args);
    EXPECT_EQ(r["result"], 1) << r;
    return r["text"].get<std::string>();
  };
  EXPECT_EQ(text(R"({"ip-address": "203.0.113.1", "hw-address": "01:02:03:04:05:06"})"),
            "subnet-id not specified and failed to find a subnet for address 203.0.113.1");
  EXPECT_EQ(text(R"({"ip-address": "192.0.2.1", "hw-address": "01:02:03:04:05:06",
                    "subnet-id": 2})"),
            "The address 192.0.2.1 does not belong to subnet 198.51.100.0/24, subnet-id=2");
  EXPECT_EQ(text(R"({"ip-address": "192.0.2.1", "hw-address": "01:02:03:04:05:06",
                    "subnet-id": 7})"),
            "Invalid subnet-id: No IPv4 subnet with subnet-id=7 currently configured.");
  EXPECT_EQ(text(R"({"hw-address": "01:02:03:04:05:06"})"), "missing parameter 'ip-address'");
  EXPECT_EQ(text(R"({"ip-address": "192.0.2.1"})"), "missing parameter 'hw-address'");
  EXPECT_NE(text(R"({"ip-address": "192.0.2.300", "hw-address": "01:02"})").find("192.0.2.300"),
            std::string::npos);
  EXPECT_NE(text(R"({"ip-address": "192.0.2.1", "hw-address": "zz"})").find("hardware address"),
            std::string::npos);
  EXPECT_EQ(text(R"({"ip-address": "192.0.2.1", "hw-address": "01:02", "fqdn-fwd": true})"),
            "No hostname specified and either forward or reverse fqdn was set to true.");
  EXPECT_NE(text(R"({"ip-address": "192.0.2.1", "hw-address": "01:02", "state": 3})")
                .find("Invalid state value: 3"),
            std::string::npos);
  EXPECT_NE(text(R"({"ip-address": "192.0.2.1", "hw-address": "01:02", "user-context": 5})")
                .find("is not a JSON map"),
            std::string::npos);
  EXPECT_EQ(text(R"({"ip-address": "192.0.2.1", "hw-address": "01:02", "expire": 10,
                    "valid-lft": 100})"),
            "expiration time must be greater than valid lifetime for address 192.0.2.1");
  EXPECT_EQ(Do("lease4-add")["text"], "no parameters specified for the lease4-add command");
}

TEST_F(LeaseCommandsTest, DuplicateAddIsRefused) {
  const char* args = R"({"ip-address": "192.0.2.11", "hw-address": "01:02:03:04:05:06"})";
  ASSERT_EQ(Do("lease4-add", args)["result"], 0);
  json r = Do("lease4-add", R"({"ip-address": "192.0.2.11", "hw-address": "0a:0b:0c:0d:0e:0f"})");
  EXPECT_EQ(r["result"], 1);
  EXPECT_EQ(r["text"], "IPv4 lease already exists.");
  EXPECT_EQ(Do("lease4-get", R"({"ip-address": "192.0.2.11"})")["arguments"]["hw-address"],
            "01:02:03:04:05:06");
}

TEST_F(LeaseCommandsTest, GetByIdentifierAndNotFound) {
  ASSERT_EQ(Do("lease4-add", R"({"ip-address": "192.0.2.13", "hw-address": "01:02:03:04:05:06",
                                "client-id": "ff:01"})")["result"],
            0);
  json r = Do("lease4-get", R"({"identifier-type": "hw-address", "identifier": "01:02:03:04:05:06",
                               "subnet-id": 1})");
  EXPECT_EQ(r["result"], 0) << r;
  EXPECT_EQ(r["arguments"]["ip-address"], "192.0.2.13");
  r = Do("lease4-get", R"({"identifier-type": "client-id", "identifier": "ff01", "subnet-id": 1})");
  EXPECT_EQ(r["result"], 0) << r;
  r = Do("lease4-get", R"({"ip-address": "192.0.2.99"})");
  EXPECT_EQ(r["result"], 3);
  EXPECT_EQ(r["text"], "Lease not found.");
  r = Do("lease4-get", R"({"identifier-type": "duid", "identifier": "01:02", "subnet-id": 1})");
  EXPECT_EQ(r["result"], 1);
  EXPECT_EQ(r["text"], "Query by duid is not allowed in v4.");
  r = Do("lease4-get", R"({"identifier-type": "hw-address", "identifier": "01:02"})");
  EXPECT_EQ(r["text"], "Mandatory 'subnet-id' parameter missing.");
  EXPECT_EQ(Do("lease4-get", R"({"ip-address": 5})")["text"], "'ip-address' is not a string.");
}

TEST_F(LeaseCommandsTest, ByHwAddressClientIdHostname) {
  ASSERT_EQ(Do("lease4-add", R"({"ip-address": "192.0.2.10", "hw-address": "01:02:03:04:05:06",
                                "client-id": "01:aa", "hostname": "Alpha"})")["result"],
            0);
  ASSERT_EQ(Do("lease4-add", R"({"ip-address": "198.51.100.100",
                                "hw-address": "01:02:03:04:05:06"})")["result"],
            0);
  json r = Do("lease4-get-by-hw-address", R"({"hw-address": "01:02:03:04:05:06"})");
  EXPECT_EQ(r["result"], 0);
  EXPECT_EQ(r["text"], "2 IPv4 lease(s) found.");
  EXPECT_EQ(r["arguments"]["leases"].size(), 2u);
  r = Do("lease4-get-by-client-id", R"({"client-id": "01:aa"})");
  EXPECT_EQ(r["arguments"]["leases"].size(), 1u);
  r = Do("lease4-get-by-hw-address", R"({"hw-address": "0a:0a:0a:0a:0a:0a"})");
  EXPECT_EQ(r["result"], 3);
  EXPECT_EQ(r["text"], "0 IPv4 lease(s) found.");
  EXPECT_EQ(Do("lease4-get-by-hw-address", "{}")["text"], "'hw-address' parameter not specified");
  EXPECT_EQ(Do("lease4-get-by-hostname", R"({"hostname": ""})")["text"],
            "'hostname' parameter is empty");
  EXPECT_EQ(Do("lease4-get-by-client-id", R"({"client-id": 3})")["text"],
            "'client-id' parameter must be a string");
}

TEST_F(LeaseCommandsTest, GetAllAndPages) {
  EXPECT_EQ(Do("lease4-get-all")["result"], 3);
  for (int i = 10; i < 15; ++i) {
    std::string args = R"({"ip-address": "192.0.2.)" + std::to_string(i) +
                       R"(", "hw-address": "01:02:03:04:05:)" + std::to_string(i) + R"("})";
    ASSERT_EQ(Do("lease4-add", args)["result"], 0);
  }
  ASSERT_EQ(
      Do("lease4-add", R"({"ip-address": "198.51.100.101", "hw-address": "02:02"})")["result"], 0);
  json r = Do("lease4-get-all");
  EXPECT_EQ(r["text"], "6 IPv4 lease(s) found.");
  r = Do("lease4-get-all", R"({"subnets": [2]})");
  EXPECT_EQ(r["arguments"]["leases"].size(), 1u);
  EXPECT_EQ(Do("lease4-get-all", R"({"subnets": 2})")["result"], 1);

  std::vector<std::string> seen;
  std::string from = "start";
  while (true) {
    r = Do("lease4-get-page", R"({"from": ")" + from + R"(", "limit": 4})");
    if (r["result"] == 3) break;
    ASSERT_EQ(r["result"], 0) << r;
    EXPECT_EQ(r["arguments"]["count"], r["arguments"]["leases"].size());
    for (const json& lease : r["arguments"]["leases"]) seen.push_back(lease["ip-address"]);
    from = seen.back();
  }
  EXPECT_EQ(seen.size(), 6u);
  EXPECT_EQ(r["arguments"]["count"], 0);
  EXPECT_EQ(Do("lease4-get-page", R"({"from": "start", "limit": 0})")["result"], 1);
  EXPECT_EQ(Do("lease4-get-page", R"({"from": "start"})")["text"],
            "'limit' parameter not specified");
  EXPECT_EQ(Do("lease4-get-page", R"({"limit": 3})")["text"], "'from' parameter not specified");
  EXPECT_EQ(Do("lease4-get-page", R"({"from": "bogus", "limit": 3})")["text"],
            "'from' parameter value is neither 'start' keyword nor a valid IPv4 address");
  EXPECT_EQ(Do("lease4-get-page", R"({"from": "start", "limit": "3"})")["text"],
            "'limit' parameter must be a number");
}

TEST_F(LeaseCommandsTest, UpdateAndForceCreate) {
  json r =
      Do("lease4-update", R"({"ip-address": "192.0.2.14", "hw-address": "01:02:03:04:05:06"})");
  EXPECT_EQ(r["result"], 1);
  EXPECT_EQ(r["text"], "failed to update the lease with address 192.0.2.14 - no such lease");
  r = Do("lease4-update", R"({"ip-address": "192.0.2.14", "hw-address": "01:02:03:04:05:06",
                             "force-create": true})");
  EXPECT_EQ(r["result"], 0) << r;
  EXPECT_EQ(r["text"], "IPv4 lease added.");
  r = Do("lease4-update", R"({"ip-address": "192.0.2.14", "hw-address": "0a:0b:0c:0d:0e:0f",
                             "hostname": "new"})");
  EXPECT_EQ(r["result"], 0) << r;
  EXPECT_EQ(r["text"], "IPv4 lease updated.");
  EXPECT_EQ(Do("lease4-get", R"({"ip-address": "192.0.2.14"})")["arguments"]["hostname"], "new");
  // Out-of-subnet update is refused like an add.
  EXPECT_EQ(Do("lease4-update", R"({"ip-address": "10.0.0.1", "hw-address": "01:02"})")["result"],
            1);
}

// A store whose Update always reports a concurrent change.
class RacingStore : public lease_backend::LeaseStore {
 public:
  explicit RacingStore(std::shared_ptr<lease_backend::LeaseStore> inner) : inner_(inner) {}
  absl::Status Add(const lease_backend::Lease4& l) override { return inner_->Add(l); }
  absl::Status Update(const lease_backend::Lease4&, int64_t) override {
    return absl::AbortedError("changed");
  }
  absl::Status Delete(dhcp::Ipv4Address a, int64_t e) override { return inner_->Delete(a, e); }
  absl::StatusOr<std::optional<lease_backend::Lease4>> Get(dhcp::Ipv4Address a) override {
    return inner_->Get(a);
  }
  absl::StatusOr<std::vector<lease_backend::Lease4>> GetByHwAddress(std::span<const uint8_t> h,
                                                                    uint32_t s) override {
    return inner_->GetByHwAddress(h, s);
  }
  absl::StatusOr<std::vector<lease_backend::Lease4>> GetByClientId(std::span<const uint8_t> c,
                                                                   uint32_t s) override {
    return inner_->GetByClientId(c, s);
  }
  absl::StatusOr<std::vector<lease_backend::Lease4>> GetByHostname(std::string_view h) override {
    return inner_->GetByHostname(h);
  }
  absl::StatusOr<std::vector<lease_backend::Lease4>> GetBySubnet(uint32_t s) override {
    return inner_->GetBySubnet(s);
  }
  absl::StatusOr<std::vector<lease_backend::Lease4>> GetAll() override { return inner_->GetAll(); }
  absl::StatusOr<std::vector<lease_backend::Lease4>> GetPage(dhcp::Ipv4Address a,
                                                             size_t l) override {
    return inner_->GetPage(a, l);
  }
  absl::StatusOr<std::vector<lease_backend::Lease4>> GetRange(dhcp::Ipv4Address f,
                                                              dhcp::Ipv4Address l) override {
    return inner_->GetRange(f, l);
  }
  absl::StatusOr<std::vector<lease_backend::Lease4>> GetExpired(int64_t n, size_t l) override {
    return inner_->GetExpired(n, l);
  }
  absl::StatusOr<uint64_t> DeleteReclaimedBefore(int64_t b) override {
    return inner_->DeleteReclaimedBefore(b);
  }
  absl::StatusOr<uint64_t> Wipe(uint32_t s) override { return inner_->Wipe(s); }
  absl::StatusOr<std::vector<lease_backend::SubnetLeaseCount>> CountBySubnet() override {
    return inner_->CountBySubnet();
  }
  absl::Status Flush() override { return absl::OkStatus(); }

 private:
  std::shared_ptr<lease_backend::LeaseStore> inner_;
};

TEST_F(LeaseCommandsTest, UpdateReportsConcurrentChange) {
  context_ = MakeContext(std::make_shared<RacingStore>(store_));
  ASSERT_EQ(Do("lease4-add", R"({"ip-address": "192.0.2.16", "hw-address": "01:02"})")["result"],
            0);
  json r = Do("lease4-update", R"({"ip-address": "192.0.2.16", "hw-address": "01:03"})");
  EXPECT_EQ(r["result"], 1);
  EXPECT_EQ(r["text"],
            "failed to update the lease with address 192.0.2.16 either because the lease has "
            "been deleted or it has changed in the database, in both cases a retry might succeed");
}

TEST_F(LeaseCommandsTest, DeleteFreesTheAddressButNotAReservedOne) {
  ASSERT_EQ(Do("lease4-add", R"({"ip-address": "192.0.2.17", "hw-address": "01:02"})")["result"],
            0);
  ASSERT_EQ(Do("lease4-add",
               R"({"ip-address": "192.0.2.15", "hw-address": "aa:aa:aa:aa:aa:aa"})")["result"],
            0);
  EXPECT_TRUE(MapSaysUsed("192.0.2.17"));
  json r = Do("lease4-del", R"({"ip-address": "192.0.2.17"})");
  EXPECT_EQ(r["result"], 0);
  EXPECT_EQ(r["text"], "IPv4 lease deleted.");
  EXPECT_FALSE(MapSaysUsed("192.0.2.17"));
  r = Do("lease4-del", R"({"identifier-type": "hw-address", "identifier": "aa:aa:aa:aa:aa:aa",
                          "subnet-id": 1})");
  EXPECT_EQ(r["result"], 0) << r;
  EXPECT_TRUE(MapSaysUsed("192.0.2.15"));  // still held by its reservation
  r = Do("lease4-del", R"({"ip-address": "192.0.2.17"})");
  EXPECT_EQ(r["result"], 3);
  EXPECT_EQ(r["text"], "IPv4 lease not found.");
}

TEST_F(LeaseCommandsTest, WipeOneSubnetOrAll) {
  ASSERT_EQ(Do("lease4-add", R"({"ip-address": "192.0.2.10", "hw-address": "01:02"})")["result"],
            0);
  ASSERT_EQ(Do("lease4-add", R"({"ip-address": "192.0.2.11", "hw-address": "01:03"})")["result"],
            0);
  ASSERT_EQ(
      Do("lease4-add", R"({"ip-address": "198.51.100.100", "hw-address": "01:04"})")["result"], 0);
  json r = Do("lease4-wipe", R"({"subnet-id": 1})");
  EXPECT_EQ(r["result"], 0);
  EXPECT_EQ(r["text"], "Deleted 2 IPv4 lease(s) from subnet(s) 1");
  EXPECT_FALSE(MapSaysUsed("192.0.2.10"));
  r = Do("lease4-wipe", R"({"subnet-id": 1})");
  EXPECT_EQ(r["result"], 3);
  r = Do("lease4-wipe");
  EXPECT_EQ(r["result"], 0);
  EXPECT_EQ(r["text"], "Deleted 1 IPv4 lease(s) from subnet(s) 1 2");
}

}  // namespace
}  // namespace shoal::server
