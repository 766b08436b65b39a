#pragma once
// Runs the incremental core over a stream and collects what it produced, for comparisons.
#include <vector>

#include "actors/partition_reader/partition_aggregator.hpp"
#include "reference_model.hpp"

namespace cs::testing {

struct run_result {
  std::vector<candle> finals; // in emission order
  std::vector<candle> all;    // finals + live at the end, sorted
  std::vector<std::int64_t> late_offsets;
  std::vector<std::int64_t> fully_late;
};

inline void feed(partition_aggregator& agg, const std::vector<bid_ask_event>& events, std::size_t from,
                 std::size_t to, run_result& r) {
  for (std::size_t i = from; i < to; ++i) {
    switch (agg.apply(events[i], r.finals)) {
      case event_outcome::late: r.fully_late.push_back(events[i].offset); [[fallthrough]];
      case event_outcome::partly_late: r.late_offsets.push_back(events[i].offset); break;
      default: break;
    }
  }
}

inline void finish(const partition_aggregator& agg, run_result& r) {
  r.all = r.finals;
  agg.append_live(r.all);
  sort_candles(r.all);
}

inline run_result run_uninterrupted(const aggregator_config& cfg, const std::vector<bid_ask_event>& events) {
  partition_aggregator agg(cfg, 0);
  run_result r;
  feed(agg, events, 0, events.size(), r);
  finish(agg, r);
  return r;
}

inline aggregator_config config_of(std::vector<interval> ivs, duration_ns lateness) {
  aggregator_config cfg;
  cfg.intervals = std::move(ivs);
  cfg.clock.allowed_lateness = lateness;
  return cfg;
}

inline bid_ask_event ev(std::string sym, timestamp_ns ts, double price, std::int64_t offset,
                        std::int64_t bid_units = 0, std::int64_t ask_units = 0) {
  bid_ask_event e;
  e.symbol = std::move(sym);
  e.bid = e.ask = price;
  e.ts = ts;
  e.offset = offset;
  e.partition = 0;
  e.bid_size_units = bid_units;
  e.ask_size_units = ask_units;
  return e;
}

} // namespace cs::testing
