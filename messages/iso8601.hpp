#pragma once
// ISO-8601 instants as text: the one parser behind the HTTP API's `from`/`to` and candle-feed's
// `--ts-unit iso`. Each caller narrows the accepted forms and range to its own contract.
#include <string>
#include <string_view>

#include "messages/time.hpp"

namespace cs {

// Parses `text` as an instant into `out` (int64 nanoseconds, UTC). Returns an empty string on
// success, else the reason (then `out` is unchanged). Accepted:
//   YYYY-MM-DD                                     midnight
//   then 'T', 't' or ' ', and hh:mm[:ss][F]        a leap second (:60) is refused
//     F: '.' or ',' and one or more digits; those finer than a nanosecond are dropped
//   then, optionally, a zone (it may also follow the date directly):
//     'Z' or 'z', or a sign and hh, hhmm, hh:mm (or hh: ) - the offset east of UTC, hh <= 23;
//     the sign is '+', '-' or ' ' (an unencoded '+' in a URL query decodes to a space)
// Without a zone the time is UTC: candlestream's time is UTC everywhere. Instants outside int64
// nanoseconds (1677-09-21 through 2262-04-11) are refused with iso8601_out_of_range.
std::string parse_iso8601(std::string_view text, timestamp_ns& out);

// "2026-12-03T05:00:00Z", with .mmm, .uuuuuu or .nnnnnnnnn when the instant has a fraction
// (the shortest that is exact). The inverse of parse_iso8601 for its own output.
std::string format_iso8601(timestamp_ns t);

inline constexpr std::string_view iso8601_out_of_range = "out of range (int64 nanoseconds span 1677..2262)";

} // namespace cs
