#pragma once
// Minimal line logger: "2026-11-25T19:30:00.123Z LEVEL component: message" on stderr, one write
// per line so lines from several threads never interleave.
#include <string_view>

namespace cs::runtime {

enum class log_level { debug, info, warn, error };

void log_line(log_level level, std::string_view component, std::string_view message);

inline void log_info(std::string_view component, std::string_view message) { log_line(log_level::info, component, message); }
inline void log_warn(std::string_view component, std::string_view message) { log_line(log_level::warn, component, message); }
inline void log_error(std::string_view component, std::string_view message) { log_line(log_level::error, component, message); }

} // namespace cs::runtime
