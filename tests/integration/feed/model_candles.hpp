#pragma once
// The candles a stream must give, computed independently of the tool under test: `candle-feed
// reference` runs reference_builder over partition_aggregator, the incremental core, so expected
// values taken from either would agree with the tool by construction. This runs the brute-force
// model of tests/unit/reference_model.hpp instead (docs/design.md §3 applied literally: replay
// each partition for lateness, then sort, group and fold every bucket), once per partition.
#include <algorithm>
#include <cstdint>
#include <map>
#include <tuple>
#include <vector>

#include "tests/unit/reference_model.hpp"

namespace cs::feed_test {

struct model_candle {
  candle c;
  std::int32_t partition = 0;
};

struct model_result {
  std::vector<model_candle> candles; // by symbol, interval, open time
  std::uint64_t late = 0;            // late for every interval: applied nowhere
  std::uint64_t partly_late = 0;     // late for some intervals only
};

// `valid`: per partition, its valid events in offset order (partition and offset set).
inline model_result model_candles(const std::map<std::int32_t, std::vector<bid_ask_event>>& valid,
                                  const std::vector<interval>& intervals, duration_ns lateness) {
  model_result out;
  for (const auto& [partition, events] : valid) {
    auto r = testing::reference_candles(events, intervals, lateness);
    out.late += r.fully_late.size();
    out.partly_late += r.late_offsets.size() - r.fully_late.size();
    for (auto& c : r.candles) out.candles.push_back({std::move(c), partition});
  }
  std::sort(out.candles.begin(), out.candles.end(), [](const model_candle& a, const model_candle& b) {
    return std::tie(a.c.symbol, a.c.iv, a.c.open_time) < std::tie(b.c.symbol, b.c.iv, b.c.open_time);
  });
  return out;
}

// The candles alone (final and live), as `reference --format json` writes them.
inline std::vector<candle> candles_of(const model_result& r) {
  std::vector<candle> out;
  for (const auto& m : r.candles) out.push_back(m.c);
  return out;
}

} // namespace cs::feed_test
