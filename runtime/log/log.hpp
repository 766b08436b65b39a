#pragma once
// Levelled logging for every component, on spdlog: "2026-11-25T19:30:00.123Z INFO component:
// message" on stderr. Each line is one write, so lines from several threads never interleave.
// The level is set per component (log.level, log.levels in runtime/config/keys.hpp); a message
// below its component's level costs one table look-up and is never formatted.
//
// Thread-safety: log_* may be called from any thread. configure_logging() is called once at
// start-up, before other threads log; the per-component table is read-only afterwards.
#include <string>
#include <string_view>

namespace cs::runtime {

enum class log_level { debug, info, warn, error };

// Parses "debug", "info", "warn", "error"; false on anything else.
bool parse_log_level(std::string_view text, log_level& out);

// `overrides` is "component=level,component=level" or "none". Returns an empty string on success,
// else what is wrong with the text (the caller, at start-up, reports it as a config error).
std::string configure_logging(log_level default_level, std::string_view overrides);

bool log_enabled(log_level level, std::string_view component);
void log_line(log_level level, std::string_view component, std::string_view message);

inline void log_debug(std::string_view component, std::string_view message) { log_line(log_level::debug, component, message); }
inline void log_info(std::string_view component, std::string_view message) { log_line(log_level::info, component, message); }
inline void log_warn(std::string_view component, std::string_view message) { log_line(log_level::warn, component, message); }
inline void log_error(std::string_view component, std::string_view message) { log_line(log_level::error, component, message); }

} // namespace cs::runtime
