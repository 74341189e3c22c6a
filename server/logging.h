// Logging for shoal-dhcp4: one spdlog logger whose sinks and severity follow
// Kea's `loggers` configuration (output stdout, stderr, syslog or a file with
// maxsize/maxver rotation; severity FATAL..DEBUG). `-d` forces debug on stdout.
// The logger is owned by main() and passed down; there is no global logger.
#pragma once

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "config/config.h"
#include "spdlog/logger.h"

namespace shoal::server {

// Builds the logger for `loggers` (the first entry naming kea-dhcp4 or
// shoal-dhcp4 wins; with none, INFO on stdout).
absl::StatusOr<std::shared_ptr<spdlog::logger>> MakeLogger(
    const std::vector<config::LoggerConfig>& loggers, bool debug);

}  // namespace shoal::server
