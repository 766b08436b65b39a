#pragma once
// One candle as a CSV row of the reference output: exact like the JSON codec (shortest
// round-trip doubles, sizes as exact decimals, times in nanoseconds), plus its partition.
#include <cstdint>
#include <string>
#include <string_view>

#include "messages/candle.hpp"

namespace cs::feed {

inline constexpr std::string_view candle_csv_header =
  "symbol,interval,open_time_ns,close_time_ns,open,high,low,close,volume,bid_size,ask_size,"
  "first_ts,first_offset,last_ts,last_offset,closed,partition";

// Appends the row (without a line break). Symbols are [A-Za-z0-9._:/-]: nothing to quote.
void append_candle_csv(std::string& out, const candle& c, std::int32_t partition);

} // namespace cs::feed
