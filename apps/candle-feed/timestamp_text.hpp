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
// the time is taken as UTC: candlestream's time is UTC everywhere. cs::parse_iso8601
// (messages/iso8601.hpp) without the forms only the HTTP API takes (a ' ' for a zone's '+', a
// fraction of HH:MM).
runtime::result<timestamp_ns> parse_iso8601(std::string_view text);

} // namespace cs::feed
