// Kea's lease_cmds for DHCPv4 on shoal-dhcp4 (kea-api-facts.md §2.5):
// lease4-add, lease4-get, lease4-get-all, lease4-get-page,
// lease4-get-by-hw-address, lease4-get-by-client-id, lease4-get-by-hostname,
// lease4-update, lease4-del and lease4-wipe, with Kea's arguments, lease JSON,
// result codes and texts.
//
// They work on the lease store of the current configuration snapshot
// (memfile or SQL), and keep that snapshot's in-memory free-address maps in
// step: an added or updated lease marks its address used, a deleted or wiped
// one marks it free again (unless a host reservation holds the address).
// Inconsistent requests are refused with result 1 and a text naming what is
// wrong: an address outside every configured subnet, a subnet-id that is not
// configured or does not contain the address, a lease that already exists,
// a lease that changed in the store since it was read (lease4-update's
// conditional write lost a race).
//
// Handlers run on listener threads and may run concurrently with each other
// and with the packet path; the store and the maps are thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "control/command_registry.h"
#include "lease_backend/lease.h"
#include "nlohmann/json.hpp"
#include "server/serving_context.h"

namespace shoal::server {

using ContextSource = std::function<std::shared_ptr<ServingContext>()>;
using EpochClock = std::function<int64_t()>;

// Registers the commands on `registry`. `context` returns the current
// configuration snapshot; `now` the current epoch seconds (for leases added
// without `expire`).
void RegisterLeaseCommands(control::CommandRegistry& registry, ContextSource context,
                           EpochClock now = nullptr);

// Kea's JSON form of a lease (Lease4::toElement).
nlohmann::json LeaseToJson(const lease_backend::Lease4& lease);

}  // namespace shoal::server
