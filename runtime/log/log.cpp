#include "runtime/log/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <map>
#include <memory>

namespace cs::runtime {
namespace {

struct log_settings {
  log_level default_level = log_level::info;
  std::map<std::string, log_level, std::less<>> per_component;
};

log_settings& settings() {
  static log_settings s;
  return s;
}

spdlog::logger& logger() {
  // One logger for the process; the component is part of each message. stderr, unbuffered.
  static const std::shared_ptr<spdlog::logger> l = [] {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    auto lg = std::make_shared<spdlog::logger>("candlestream", std::move(sink));
    lg->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %v", spdlog::pattern_time_type::utc);
    lg->set_level(spdlog::level::debug); // filtering happens per component, before formatting
    return lg;
  }();
  return *l;
}

spdlog::level::level_enum to_spdlog(log_level l) {
  switch (l) {
    case log_level::debug: return spdlog::level::debug;
    case log_level::info: return spdlog::level::info;
    case log_level::warn: return spdlog::level::warn;
    case log_level::error: return spdlog::level::err;
  }
  return spdlog::level::info;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

} // namespace

bool parse_log_level(std::string_view text, log_level& out) {
  static constexpr std::pair<std::string_view, log_level> names[] = {
    {"debug", log_level::debug}, {"info", log_level::info}, {"warn", log_level::warn}, {"error", log_level::error}};
  for (const auto& [name, level] : names)
    if (name == text) {
      out = level;
      return true;
    }
  return false;
}

std::string configure_logging(log_level default_level, std::string_view overrides) {
  log_settings s;
  s.default_level = default_level;
  if (overrides != "none") {
    while (!overrides.empty()) {
      const auto comma = overrides.find(',');
      const auto item = trim(overrides.substr(0, comma));
      overrides = comma == std::string_view::npos ? std::string_view{} : overrides.substr(comma + 1);
      const auto eq = item.find('=');
      log_level level{};
      if (eq == std::string_view::npos || eq == 0 || !parse_log_level(trim(item.substr(eq + 1)), level))
        return std::string(item).append(": not component=level (levels: debug, info, warn, error)");
      s.per_component[std::string(trim(item.substr(0, eq)))] = level;
    }
  }
  settings() = std::move(s);
  return {};
}

bool log_enabled(log_level level, std::string_view component) {
  const auto& s = settings();
  const auto it = s.per_component.find(component);
  return level >= (it == s.per_component.end() ? s.default_level : it->second);
}

void log_line(log_level level, std::string_view component, std::string_view message) {
  if (!log_enabled(level, component)) return;
  static constexpr std::string_view names[] = {"DEBUG", "INFO", "WARN", "ERROR"};
  logger().log(to_spdlog(level), "{} {}: {}", names[static_cast<int>(level)], component, message);
}

} // namespace cs::runtime
