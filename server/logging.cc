#include "server/logging.h"

#include "absl/strings/ascii.h"
#include "spdlog/sinks/rotating_file_sink.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/sinks/syslog_sink.h"

namespace shoal::server {
namespace {

spdlog::level::level_enum LevelOf(const std::string& severity) {
  std::string s = absl::AsciiStrToUpper(severity);
  if (s == "FATAL") return spdlog::level::critical;
  if (s == "ERROR") return spdlog::level::err;
  if (s == "WARN") return spdlog::level::warn;
  if (s == "DEBUG") return spdlog::level::debug;
  if (s == "NONE") return spdlog::level::off;
  return spdlog::level::info;
}

}  // namespace

absl::StatusOr<std::shared_ptr<spdlog::logger>> MakeLogger(
    const std::vector<config::LoggerConfig>& loggers, bool debug) {
  const config::LoggerConfig* chosen = nullptr;
  for (const config::LoggerConfig& l : loggers) {
    if (l.name.rfind("kea-dhcp4", 0) == 0 || l.name.rfind("shoal-dhcp4", 0) == 0) {
      chosen = &l;
      break;
    }
  }
  std::vector<spdlog::sink_ptr> sinks;
  spdlog::level::level_enum level = spdlog::level::info;
  if (chosen != nullptr) {
    level = LevelOf(chosen->severity);
    for (const config::LoggerOutput& out : chosen->outputs) {
      try {
        if (out.output == "stdout") {
          sinks.push_back(std::make_shared<spdlog::sinks::stdout_sink_mt>());
        } else if (out.output == "stderr") {
          sinks.push_back(std::make_shared<spdlog::sinks::stderr_sink_mt>());
        } else if (out.output.rfind("syslog", 0) == 0) {
          std::string ident = out.output.size() > 7 ? out.output.substr(7) : "shoal-dhcp4";
          sinks.push_back(
              std::make_shared<spdlog::sinks::syslog_sink_mt>(ident, 0, LOG_DAEMON, true));
        } else {
          sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
              out.output, out.maxsize == 0 ? SIZE_MAX : out.maxsize, out.maxver));
        }
      } catch (const spdlog::spdlog_ex& e) {
        return absl::InvalidArgumentError("loggers: cannot open output '" + out.output +
                                          "': " + e.what());
      }
    }
  }
  if (sinks.empty()) sinks.push_back(std::make_shared<spdlog::sinks::stdout_sink_mt>());
  auto logger = std::make_shared<spdlog::logger>("shoal-dhcp4", sinks.begin(), sinks.end());
  logger->set_level(debug ? spdlog::level::debug : level);
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [shoal-dhcp4/%P.%t] %v");
  logger->flush_on(spdlog::level::info);
  return logger;
}

}  // namespace shoal::server
