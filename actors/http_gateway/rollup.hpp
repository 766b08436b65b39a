#pragma once
// Answering an interval that is not stored by merging the candles of a finer stored interval,
// and filling empty buckets between real candles.
// Thread-safety: pure functions of their arguments; no shared state.
// Failure semantics: errors are returned (api_result), never thrown; only std::bad_alloc escapes.
// Preconditions are documented per function and not checked where checking would cost a pass.
#include <cstddef>
#include <string_view>
#include <vector>

#include "actors/http_gateway/query_params.hpp"
#include "messages/candle.hpp"

namespace cs::api {

inline constexpr std::string_view code_unsupported_interval = "unsupported_interval"; // 400
inline constexpr std::string_view code_too_many_bars = "too_many_bars";               // 400

// The stored interval to read to answer `wanted`: `wanted` itself when stored, else the coarsest
// stored interval whose buckets nest exactly in wanted's (fewest rows, same candles):
//   fixed wanted:   a stored fixed s with wanted.length % s.length == 0 (both epoch-aligned);
//   1w and 1M:      a stored fixed s dividing 1 day (days are epoch-aligned and weeks and
//                   months start at midnight UTC, so day divisors nest in both).
// A week never nests in a month, nor a calendar interval in a fixed one.
// Error code_unsupported_interval names the stored intervals and this rule.
api_result<interval> plan_source(interval wanted, const std::vector<interval>& stored);

// The candidates plan_source can serve from `stored`, in the candidates' order, without
// duplicates (for UDF supported_resolutions).
std::vector<interval> servable_intervals(const std::vector<interval>& candidates, const std::vector<interval>& stored);

// The source range holding exactly the wanted buckets with from <= open_time < to: both ends
// rounded up to a start of a wanted bucket, so that every wanted bar is read whole.
struct time_range {
  timestamp_ns from = 0;
  timestamp_ns to = 0;
  bool operator==(const time_range&) const = default;
};
time_range source_range(interval wanted, timestamp_ns from, timestamp_ns to);

// Merges `source` (one symbol, one interval that nests in `wanted`, ascending by open_time, one
// candle per bucket) into wanted buckets with merge_candles: exact, since open and close follow
// the first and last event positions. A result is closed when its bucket ends at or before
// `frontier`, the source series' final frontier (every source bucket ending by then is final).
// A wanted bucket is only complete if `source` covered it whole (see source_range).
std::vector<candle> roll_up(const std::vector<candle>& source, interval wanted, timestamp_ns frontier);

// One bar of an answer: a real candle, or an empty bucket that apply_fill produced.
struct filled_bar {
  // Real: the candle as given. Filled: symbol, iv, open_time, close_time and closed are set;
  // bar has volume 0, zero sizes and event positions, and with fill prev open = high = low =
  // close = the previous real close (with fill null the prices are 0 and meaningless).
  // A filled candle fails check_candle (no events) by design.
  candle c;
  bool filled = false;
  bool has_prices = true; // false for fill null: the encoders write null prices
  bool operator==(const filled_bar&) const = default;
};

// Wraps `in` (ascending by open_time, one symbol, interval iv) and, unless mode is none, adds an
// empty bar for every bucket without a candle whose open_time lies in
// [max(from, first candle's open_time), min(to, last candle's close_time)): bars are never
// invented before the first or after the last real bar, so gaps are only ever filled between
// two real candles and "prev" always has a previous close. Real candles pass through unchanged,
// even outside [from, to).
// A filled bar is closed when the real candle after it is: a gap before a final candle is final,
// one before a live candle may still receive a late event.
// Error code_too_many_bars when the answer would hold more than max_bars bars (real + filled);
// the work done is bounded by max_bars, not by the width of the gaps.
api_result<std::vector<filled_bar>> apply_fill(std::vector<candle> in, interval iv, timestamp_ns from,
                                               timestamp_ns to, fill_mode mode, std::size_t max_bars);

} // namespace cs::api
