#pragma once
// Timestamps as they appear in CSV files: a decimal number of seconds, milliseconds, microseconds
// or nanoseconds since the UNIX epoch (fractions allowed, e.g. "1732500000.123" in seconds), or
// ISO-8601 text ("2024-11-25T12:00:00.123Z"). The result is int64 nanoseconds, UTC.
#include <optional>
#include <string_view>

#include "messages/time.hpp"
#include "runtime/result.hpp"

namespace cs::feed {

enum class ts_unit { s, ms, us, ns, iso };

// "s", "ms", "us", "ns" or "iso"; nullopt for anything else.
std::optional<ts_unit> parse_ts_unit(std::string_view text);
inline constexpr std::string_view valid_ts_units = "s, ms, us, ns, iso";

// Parses one timestamp cell. Digits finer than a nanosecond are dropped (truncated).
runtime::result<timestamp_ns> parse_timestamp(std::string_view text, ts_unit unit);

// ISO-8601 in UTC or with an offset: YYYY-MM-DD, optionally followed by 'T' or ' ' and
// HH:MM[:SS[.fraction]], optionally followed by 'Z', +HH:MM, +HHMM or +HH (or '-'). Without a zone
// the time is taken as UTC: candlestream's time is UTC everywhere.
runtime::result<timestamp_ns> parse_iso8601(std::string_view text);

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  constexpr std::int64_t days_per_era = 146097;
  constexpr std::int64_t years_per_era = 400;
  constexpr std::int64_t epoch_shift = 719468; // 0000-03-01 to 1970-01-01
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - (years_per_era - 1)) / years_per_era;
  const auto yoe = static_cast<unsigned>(y - era * years_per_era);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * days_per_era + static_cast<std::int64_t>(doe) - epoch_shift;
}

} // namespace cs::feed
