#include <catch2/catch.hpp>

#include "aggregator_harness.hpp"

using namespace cs;
using namespace cs::testing;

namespace {
constexpr timestamp_ns sec = ns_per_s;
const interval one_s = interval::fixed(ns_per_s);
const interval one_m = interval::fixed(ns_per_min);
} // namespace

TEST_CASE("out-of-order events within lateness are applied by event time") {
  auto cfg = config_of({one_s}, 2 * sec);
  std::vector<bid_ask_event> evs = {
    ev("A", 1 * sec + 500, 10, 0), ev("A", 2 * sec + 100, 20, 1),
    ev("A", 1 * sec + 100, 5, 2), // 0.9 s behind the max: within lateness, becomes the open
    ev("A", 1 * sec + 900, 7, 3), // becomes the close of [1s,2s)
  };
  auto r = run_uninterrupted(cfg, evs);
  REQUIRE(r.all.size() == 2);
  CHECK(r.all[0].bar.open == 5);
  CHECK(r.all[0].bar.close == 7);
  CHECK(r.all[0].bar.volume == 3);
  CHECK(r.late_offsets.empty());
}

TEST_CASE("exactly at the lateness bound an event is still applied; a bucket is final once passed") {
  auto cfg = config_of({one_s}, 2 * sec);
  partition_aggregator agg(cfg, 0);
  std::vector<candle> finals;
  CHECK(agg.apply(ev("A", 10 * sec, 1, 0), finals) == event_outcome::applied);
  // Watermark is 8s: [7s,8s) is final, [8s,9s) is not.
  CHECK(agg.apply(ev("A", 8 * sec, 2, 1), finals) == event_outcome::applied);      // exactly at lateness
  CHECK(agg.apply(ev("A", 8 * sec - 1, 3, 2), finals) == event_outcome::late);     // 1 ns beyond
  CHECK(agg.next_offset() == 3);
  // Moving the max to 11s puts the watermark at 9s = end of [8s,9s): it is final now.
  CHECK(finals.empty());
  CHECK(agg.apply(ev("A", 11 * sec, 4, 3), finals) == event_outcome::applied);
  REQUIRE(finals.size() == 1);
  CHECK(finals[0].open_time == 8 * sec);
  CHECK(finals[0].closed);
  CHECK(finals[0].bar.volume == 1);
}

TEST_CASE("equal timestamps: open and close follow the offset") {
  auto cfg = config_of({one_m}, 0);
  std::vector<bid_ask_event> evs = {ev("A", 30 * sec, 1, 10), ev("A", 30 * sec, 2, 11), ev("A", 30 * sec, 3, 12)};
  auto r = run_uninterrupted(cfg, evs);
  REQUIRE(r.all.size() == 1);
  CHECK(r.all[0].bar.open == 1);
  CHECK(r.all[0].bar.close == 3);
}

TEST_CASE("a late event for a fine interval still counts in a coarse one (partly late)") {
  auto cfg = config_of({one_s, one_m}, 0);
  partition_aggregator agg(cfg, 0);
  std::vector<candle> finals;
  agg.apply(ev("A", 5 * sec, 1, 0), finals);
  CHECK(agg.apply(ev("A", 3 * sec, 2, 1), finals) == event_outcome::partly_late);
  std::vector<candle> live;
  agg.append_live(live);
  sort_candles(live);
  REQUIRE(live.size() == 2);
  CHECK(live[1].iv == one_m);
  CHECK(live[1].bar.volume == 2);
  CHECK(live[1].bar.open == 2);
}

TEST_CASE("duplicates (offsets already applied) are ignored; skipped offsets advance next_offset") {
  auto cfg = config_of({one_s}, sec);
  partition_aggregator agg(cfg, 0);
  std::vector<candle> finals;
  agg.apply(ev("A", 1 * sec, 1, 5), finals);
  CHECK(agg.apply(ev("A", 1 * sec, 9, 5), finals) == event_outcome::duplicate);
  CHECK(agg.apply(ev("A", 1 * sec, 9, 2), finals) == event_outcome::duplicate);
  agg.skip(6);
  CHECK(agg.next_offset() == 7);
  CHECK(agg.apply(ev("A", 1 * sec, 9, 6), finals) == event_outcome::duplicate);
  std::vector<candle> live;
  agg.append_live(live);
  CHECK(live.at(0).bar.volume == 1);
}

TEST_CASE("an idle partition advances its watermark with the wall clock") {
  auto cfg = config_of({one_s}, 2 * sec);
  cfg.clock.idle_timeout = 5 * sec;
  partition_aggregator agg(cfg, 0);
  std::vector<candle> finals;
  const timestamp_ns wall = 1'000'000 * sec; // wall time far from event time: extrapolation, not jump
  agg.mark_activity(wall);
  agg.apply(ev("A", 100 * sec + 1, 1, 0), finals);
  CHECK_FALSE(agg.advance_idle(wall + 4 * sec, finals)); // not idle long enough
  CHECK(finals.empty());
  CHECK(agg.advance_idle(wall + 5 * sec, finals)); // watermark = 100s + 5s - 2s = 103s
  REQUIRE(finals.size() == 1);
  CHECK(finals[0].open_time == 100 * sec);
  CHECK(agg.clock().watermark == 103 * sec + 1);
  // An event for a bucket that idle advance made final is late.
  CHECK(agg.apply(ev("A", 100 * sec + 2, 1, 1), finals) == event_outcome::late);
  // Fresh activity restarts the idle clock.
  agg.mark_activity(wall + 6 * sec);
  CHECK_FALSE(agg.advance_idle(wall + 10 * sec, finals));
}

TEST_CASE("many intervals and symbols at once, including calendar ones") {
  std::vector<interval> ivs;
  for (const char* t : {"1s", "5s", "1m", "15m", "1h", "1d", "1w", "1M"}) ivs.push_back(parse_interval(t).value);
  auto cfg = config_of(ivs, 2 * sec);
  std::vector<bid_ask_event> evs;
  timestamp_ns t = 1'735'689'600 * sec - 90 * ns_per_min; // 2024-12-31T22:30Z: crosses day, week? month, year
  for (std::int64_t i = 0; i < 20'000; ++i) {
    t += 777 * ns_per_ms;
    evs.push_back(ev(i % 3 == 0 ? "AAA" : (i % 3 == 1 ? "BBB" : "CCC"), t, 100.0 + static_cast<double>(i % 97), i));
  }
  auto r = run_uninterrupted(cfg, evs);
  auto ref = reference_candles(evs, ivs, 2 * sec);
  sort_candles(ref.candles);
  REQUIRE(r.all.size() == ref.candles.size());
  CHECK(r.all == ref.candles);
  // Month and year changed at 2025-01-01: two 1M candles per symbol.
  CHECK(std::count_if(r.all.begin(), r.all.end(), [](const candle& c) { return c.iv == interval::month(); }) == 6);
}
