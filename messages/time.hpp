#pragma once
// Time in candlestream is int64 nanoseconds since the UNIX epoch, UTC.
#include <chrono>
#include <cstdint>

namespace cs {

using timestamp_ns = std::int64_t;
using duration_ns = std::int64_t;

inline constexpr duration_ns ns_per_us = 1'000;
inline constexpr duration_ns ns_per_ms = 1'000'000;
inline constexpr duration_ns ns_per_s = 1'000'000'000;
inline constexpr duration_ns ns_per_min = 60 * ns_per_s;
inline constexpr duration_ns ns_per_hour = 60 * ns_per_min;
inline constexpr duration_ns ns_per_day = 24 * ns_per_hour;
inline constexpr duration_ns ns_per_week = 7 * ns_per_day;

// Floor division (rounds toward negative infinity, unlike '/'), for bucket starts before 1970.
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// The wall clock (system_clock) in nanoseconds since the epoch: what event times are compared with.
inline timestamp_ns wall_clock_now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

} // namespace cs
