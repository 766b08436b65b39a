#pragma once
// Brute-force reference for the aggregation rules (docs/design.md §3), written independently of the
// incremental core: replay the stream to decide lateness, then sort, group and fold.
#include <algorithm>
#include <map>
#include <tuple>
#include <vector>

#include "messages/bid_ask_event.hpp"
#include "messages/candle.hpp"
#include "messages/partition_snapshot.hpp"

namespace cs::testing {

struct reference_result {
  std::vector<candle> candles;               // every candle; closed == final at the end
  std::vector<std::int64_t> late_offsets;    // events late for at least one interval
  std::vector<std::int64_t> fully_late;      // events late for every interval
};

inline reference_result reference_candles(const std::vector<bid_ask_event>& events,
                                          const std::vector<interval>& intervals, duration_ns lateness) {
  using group_key = std::tuple<std::string, std::int64_t /*iv index*/, timestamp_ns>;
  std::map<group_key, std::vector<bid_ask_event>> groups;
  reference_result out;
  bool any = false;
  timestamp_ns max_ts = 0;
  for (const auto& e : events) {
    const timestamp_ns w = any ? max_ts - lateness : no_watermark;
    std::size_t late = 0;
    for (std::size_t i = 0; i < intervals.size(); ++i) {
      const auto start = intervals[i].bucket_start(e.ts);
      if (intervals[i].bucket_end(start) <= w) {
        ++late;
        continue;
      }
      groups[{e.symbol, static_cast<std::int64_t>(i), start}].push_back(e);
    }
    if (late > 0) out.late_offsets.push_back(e.offset);
    if (late == intervals.size()) {
      out.fully_late.push_back(e.offset);
      continue;
    }
    max_ts = any ? std::max(max_ts, e.ts) : e.ts;
    any = true;
  }
  const timestamp_ns final_w = any ? max_ts - lateness : no_watermark;
  for (auto& [key, evs] : groups) {
    std::sort(evs.begin(), evs.end(), [](const auto& a, const auto& b) {
      return std::pair(a.ts, a.offset) < std::pair(b.ts, b.offset);
    });
    candle c;
    c.symbol = std::get<0>(key);
    c.iv = intervals[static_cast<std::size_t>(std::get<1>(key))];
    c.open_time = std::get<2>(key);
    c.close_time = c.iv.bucket_end(c.open_time);
    c.bar.open = evs.front().price();
    c.bar.close = evs.back().price();
    c.bar.first = {evs.front().ts, evs.front().offset};
    c.bar.last = {evs.back().ts, evs.back().offset};
    c.bar.high = c.bar.low = evs.front().price();
    for (const auto& e : evs) {
      c.bar.high = std::max(c.bar.high, e.price());
      c.bar.low = std::min(c.bar.low, e.price());
      c.bar.bid_size.add(static_cast<std::uint64_t>(e.bid_size_units));
      c.bar.ask_size.add(static_cast<std::uint64_t>(e.ask_size_units));
    }
    c.bar.volume = evs.size();
    c.closed = c.close_time <= final_w;
    out.candles.push_back(std::move(c));
  }
  return out;
}

// Orders candles for comparison.
inline void sort_candles(std::vector<candle>& cs) {
  std::sort(cs.begin(), cs.end(), [](const candle& a, const candle& b) {
    return std::tie(a.symbol, a.iv, a.open_time) < std::tie(b.symbol, b.iv, b.open_time);
  });
}

} // namespace cs::testing
