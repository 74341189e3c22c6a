// Kea's statistics commands for shoal-dhcp4 (kea-api-facts.md §2.2, §2.6):
// statistic-get, statistic-get-all, statistic-reset, statistic-reset-all,
// statistic-remove, statistic-remove-all (core) and stat-lease4-get
// (stat_cmds), with Kea's argument names, result codes and texts.
// statistic-sample-age-set* and statistic-sample-count-set* are not
// registered (shoal keeps a fixed number of samples).
//
// Handlers run on listener threads and may run concurrently; Statistics is
// thread-safe. A lease store failure is answered with result 1 and the
// store's message.
#pragma once

#include "control/command_registry.h"
#include "server/statistics.h"

namespace shoal::server {

// Registers the commands on `registry`; `statistics` must outlive it.
void RegisterStatisticCommands(control::CommandRegistry& registry, Statistics& statistics);

}  // namespace shoal::server
