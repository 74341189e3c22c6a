// Test helpers for the command tests: a ServingContext on an in-memory
// memfile store with two subnets, and a registry-driven command runner.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "config/dhcp4_parser.h"
#include "control/command_registry.h"
#include "lease_backend/memfile_lease_store.h"
#include "server/serving_context.h"

namespace shoal::server::api_testing {

// Subnet 1: 192.0.2.0/24, pool .10-.19 (10 addresses), reservation .15.
// Subnet 2: 198.51.100.0/24, pool .100-.109.
inline const char* kTwoSubnets = R"({
  "interfaces-config": { "interfaces": [] },
  "valid-lifetime": 4000,
  "subnet4": [
    { "id": 1, "subnet": "192.0.2.0/24", "pools": [ { "pool": "192.0.2.10 - 192.0.2.19" } ],
      "reservations": [ { "hw-address": "aa:aa:aa:aa:aa:aa", "ip-address": "192.0.2.15" } ] },
    { "id": 2, "subnet": "198.51.100.0/24", "valid-lifetime": 600,
      "pools": [ { "pool": "198.51.100.100 - 198.51.100.109" } ] }
  ]
})";

inline std::shared_ptr<const config::Config> ParseConfig(const char* dhcp4) {
  auto config = config::ParseDhcp4Map(nlohmann::json::parse(dhcp4), "<test>");
  EXPECT_TRUE(config.ok()) << config.status();
  return std::make_shared<const config::Config>(std::move(*config));
}

inline std::shared_ptr<lease_backend::LeaseStore> MemoryStore() {
  auto store = lease_backend::MemfileLeaseStore::Create({.persist = false});
  EXPECT_TRUE(store.ok()) << store.status();
  return std::shared_ptr<lease_backend::LeaseStore>(std::move(*store));
}

inline std::shared_ptr<ServingContext> MakeContext(std::shared_ptr<lease_backend::LeaseStore> store,
                                                   const char* dhcp4 = kTwoSubnets) {
  auto context = ServingContext::Create(ParseConfig(dhcp4), std::move(store));
  EXPECT_TRUE(context.ok()) << context.status();
  return *context;
}

// Runs `command` with `arguments` (JSON text, or "" for none) through the
// registry's envelope and returns the single reply map.
inline nlohmann::json RunCommand(const control::CommandRegistry& registry,
                                 const std::string& command, const std::string& arguments = "") {
  nlohmann::json request = {{"command", command}};
  if (!arguments.empty()) request["arguments"] = nlohmann::json::parse(arguments);
  return registry.HandleRequest(request);
}

}  // namespace shoal::server::api_testing
