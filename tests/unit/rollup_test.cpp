#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>

#include "actors/http_gateway/rollup.hpp"

using namespace cs;
using namespace cs::api;

namespace {

constexpr timestamp_ns s(std::int64_t secs) { return secs * ns_per_s; }
// Epoch seconds checked with `date -u -d ... +%s`.
constexpr timestamp_ns jan15_2024 = s(1704067200) + 14 * ns_per_day; // a Monday
constexpr timestamp_ns jan29_2024 = s(1706486400);                   // Monday of the week holding Feb 1
constexpr timestamp_ns feb01_2024 = s(1706745600);
constexpr timestamp_ns mar01_2024 = s(1709251200);
constexpr timestamp_ns nov25_noon = s(1732536000);

const interval iv_1m = interval::fixed(ns_per_min);
const interval iv_1h = interval::fixed(ns_per_hour);
const interval iv_1d = interval::fixed(ns_per_day);

struct event {
  timestamp_ns ts;
  std::int64_t offset;
  double price;
  std::uint64_t bid, ask;
};

// Events in arrival (offset) order whose timestamps are not ordered, with repeated timestamps
// (offset breaks the tie) and deliberate gaps: `gap_every` slices of `gap` are left empty.
std::vector<event> make_events(timestamp_ns start, duration_ns span, int n, duration_ns gap, std::uint64_t seed) {
  std::mt19937_64 rng(seed); // the engine's output is fully specified: deterministic everywhere
  std::vector<event> out;
  for (int i = 0; i < n; ++i) {
    timestamp_ns ts = start + static_cast<timestamp_ns>(rng() % static_cast<std::uint64_t>(span));
    if (!out.empty() && rng() % 8 == 0) ts = out.back().ts;
    if (floor_div(ts - start, gap) % 5 == 2) continue;
    const double price = 100 + static_cast<double>(rng() % 100000) / 1000.0;
    out.push_back({ts, 1000 + i, price, rng() % 5'000'000'000, rng() % 5'000'000'000});
  }
  return out;
}

// The candles of `iv` computed straight from the events: the reference for roll_up.
std::vector<candle> direct(const std::vector<event>& events, interval iv, timestamp_ns frontier) {
  std::map<timestamp_ns, candle> buckets;
  for (const event& e : events) {
    const timestamp_ns start = iv.bucket_start(e.ts);
    const ohlcv b = ohlcv::of_event(e.price, e.bid, e.ask, {e.ts, e.offset});
    auto [it, fresh] = buckets.try_emplace(start, candle{"BTCUSD", iv, start, iv.bucket_end(start), b, false});
    if (!fresh) it->second.bar.merge(b);
  }
  std::vector<candle> out;
  for (auto& [start, c] : buckets) {
    c.closed = c.close_time <= frontier;
    out.push_back(c);
  }
  return out;
}

candle bar_at(timestamp_ns open, interval iv, double close, bool closed = true) {
  candle c{"BTCUSD", iv, open, iv.bucket_end(open), ohlcv::of_event(close, 1, 1, {open, 0}), closed};
  return c;
}

} // namespace

TEST_CASE("plan_source picks the stored interval itself or the coarsest exact divisor", "[api][rollup]") {
  const std::vector<interval> stored = {iv_1m, interval::fixed(5 * ns_per_min), iv_1h, iv_1d};
  auto plan = [&](std::string_view wanted, const std::vector<interval>& st) {
    auto r = plan_source(parse_interval(wanted).value, st);
    INFO(wanted << ": " << r.error.message);
    REQUIRE(r.ok);
    return r.value;
  };
  CHECK(plan("1m", stored) == iv_1m);
  CHECK(plan("1h", stored) == iv_1h);
  CHECK(plan("3m", stored) == iv_1m);
  CHECK(plan("15m", stored) == interval::fixed(5 * ns_per_min));
  CHECK(plan("2h", stored) == iv_1h);
  CHECK(plan("4h", stored) == iv_1h);
  CHECK(plan("7d", stored) == iv_1d);
  CHECK(plan("1w", stored) == iv_1d);
  CHECK(plan("1M", stored) == iv_1d);
  CHECK(plan("90s", {interval::fixed(ns_per_s), iv_1m, interval::fixed(30 * ns_per_s)}) ==
        interval::fixed(30 * ns_per_s));
  // A week never nests in a month; 1M falls back to a day divisor.
  CHECK(plan("1M", {iv_1h, interval::week()}) == iv_1h);
  CHECK(plan("1w", {interval::fixed(6 * ns_per_hour)}) == interval::fixed(6 * ns_per_hour));
}

TEST_CASE("plan_source explains what can be served", "[api][rollup]") {
  struct no {
    const char* wanted;
    std::vector<interval> stored;
  };
  for (const auto& c : std::vector<no>{{"90s", {iv_1m, iv_1h}},
                                       {"1w", {interval::fixed(7 * ns_per_min)}},
                                       {"1M", {interval::week()}},
                                       {"14d", {interval::week()}},
                                       {"1m", {iv_1h}},
                                       {"1m", {}},
                                       {"1w", {interval::fixed(2 * ns_per_day)}}}) {
    CAPTURE(c.wanted);
    auto r = plan_source(parse_interval(c.wanted).value, c.stored);
    CHECK_FALSE(r.ok);
    CHECK(r.error.code == "unsupported_interval");
    CHECK(r.error.message.find(std::string("'") + c.wanted + "'") != std::string::npos);
    CHECK(r.error.message.find("divides 1d") != std::string::npos);
  }
  auto r = plan_source(interval::fixed(90 * ns_per_s), {iv_1h, iv_1m});
  CHECK(r.error.message.find("stored intervals are 1m, 1h") != std::string::npos);
}

TEST_CASE("servable_intervals filters candidates in order", "[api][rollup]") {
  const std::vector<interval> candidates = {interval::fixed(ns_per_s), iv_1m, interval::fixed(5 * ns_per_min), iv_1m,
                                            iv_1h, iv_1d, interval::week(), interval::month()};
  CHECK(servable_intervals(candidates, {iv_1m, iv_1d}) ==
        std::vector<interval>{iv_1m, interval::fixed(5 * ns_per_min), iv_1h, iv_1d, interval::week(), interval::month()});
  CHECK(servable_intervals(candidates, {interval::week()}) == std::vector<interval>{interval::week()});
}

TEST_CASE("source_range rounds both ends up to wanted buckets", "[api][rollup]") {
  const interval iv_3m = interval::fixed(3 * ns_per_min);
  CHECK(source_range(iv_3m, nov25_noon, nov25_noon + 9 * ns_per_min) ==
        time_range{nov25_noon, nov25_noon + 9 * ns_per_min});
  CHECK(source_range(iv_3m, nov25_noon + 1, nov25_noon + 7 * ns_per_min) ==
        time_range{nov25_noon + 3 * ns_per_min, nov25_noon + 9 * ns_per_min});
  CHECK(source_range(interval::month(), feb01_2024 + ns_per_day, mar01_2024) == time_range{mar01_2024, mar01_2024});
  CHECK(source_range(interval::week(), feb01_2024, mar01_2024) ==
        time_range{jan29_2024 + ns_per_week, jan29_2024 + 5 * ns_per_week});
}

TEST_CASE("roll_up of 1m candles equals candles computed directly", "[api][rollup]") {
  for (timestamp_ns start : {nov25_noon, -3 * ns_per_hour - 17 * ns_per_s}) { // also across 1970
    CAPTURE(start);
    const auto events = make_events(start, 6 * ns_per_hour, 4000, 7 * ns_per_min, 42);
    const timestamp_ns frontier = start + 4 * ns_per_hour + 61 * ns_per_s;
    const auto source = direct(events, iv_1m, frontier);
    REQUIRE(source.size() > 200);
    for (const char* wanted : {"2m", "3m", "5m", "15m", "1h", "4h", "1d"}) {
      CAPTURE(wanted);
      const interval w = parse_interval(wanted).value;
      const auto rolled = roll_up(source, w, frontier);
      const auto expected = direct(events, w, frontier);
      REQUIRE(rolled.size() == expected.size());
      for (std::size_t i = 0; i < rolled.size(); ++i) {
        CAPTURE(i);
        CHECK(rolled[i] == expected[i]);
        CHECK(check_candle(rolled[i]).empty());
      }
    }
  }
}

TEST_CASE("roll_up marks a bucket closed only once the frontier passed all of it", "[api][rollup]") {
  const interval iv_3m = interval::fixed(3 * ns_per_min);
  std::vector<candle> source;
  for (int m = 0; m < 6; ++m) source.push_back(bar_at(nov25_noon + m * ns_per_min, iv_1m, 100 + m, m < 4));
  const auto rolled = roll_up(source, iv_3m, nov25_noon + 4 * ns_per_min);
  REQUIRE(rolled.size() == 2);
  CHECK(rolled[0].closed);
  CHECK_FALSE(rolled[1].closed); // its first source candle is final, the bucket is not
  CHECK(rolled[1].bar.open == 103);
  CHECK(rolled[1].bar.close == 105);
  CHECK(rolled[1].bar.volume == 3);
  CHECK(roll_up({}, iv_3m, 0).empty());
}

TEST_CASE("roll_up of 1d candles to 1w across a month boundary", "[api][rollup]") {
  const auto events = make_events(jan15_2024, 6 * ns_per_week, 3000, ns_per_day, 7);
  const timestamp_ns frontier = jan15_2024 + 5 * ns_per_week + 2 * ns_per_day;
  const auto rolled = roll_up(direct(events, iv_1d, frontier), interval::week(), frontier);
  const auto expected = direct(events, interval::week(), frontier);
  CHECK(rolled == expected);
  REQUIRE(rolled.size() == 6);
  // The week of Monday Jan 29 holds Feb 1: one bucket across the month boundary.
  CHECK(rolled[2].open_time == jan29_2024);
  CHECK(rolled[2].close_time == jan29_2024 + ns_per_week);
  CHECK(rolled[4].closed);
  CHECK_FALSE(rolled[5].closed);
}

TEST_CASE("roll_up of 1d candles to 1M across a leap February", "[api][rollup]") {
  const timestamp_ns jan20 = feb01_2024 - 12 * ns_per_day;
  const auto events = make_events(jan20, 55 * ns_per_day, 3000, ns_per_day, 11);
  const timestamp_ns frontier = mar01_2024;
  const auto days = direct(events, iv_1d, frontier);
  // Feb 29 has events, so the leap day is really folded in.
  REQUIRE(std::any_of(days.begin(), days.end(), [](const candle& c) { return c.open_time == mar01_2024 - ns_per_day; }));
  const auto rolled = roll_up(days, interval::month(), frontier);
  CHECK(rolled == direct(events, interval::month(), frontier));
  REQUIRE(rolled.size() == 3);
  CHECK(rolled[1].open_time == feb01_2024);
  CHECK(rolled[1].close_time == mar01_2024);
  CHECK(rolled[1].close_time - rolled[1].open_time == 29 * ns_per_day);
  CHECK(rolled[1].closed);
  CHECK_FALSE(rolled[2].closed);
}

TEST_CASE("apply_fill fills gaps between real bars only", "[api][rollup]") {
  const timestamp_ns t0 = nov25_noon;
  auto at = [&](int m) { return t0 + m * ns_per_min; };
  const std::vector<candle> in = {bar_at(at(0), iv_1m, 10), bar_at(at(1), iv_1m, 11), bar_at(at(4), iv_1m, 14, false),
                                  bar_at(at(5), iv_1m, 15, false)};

  SECTION("none passes through") {
    auto r = apply_fill(in, iv_1m, at(-10), at(10), fill_mode::none, 100);
    REQUIRE(r.ok);
    REQUIRE(r.value.size() == 4);
    for (std::size_t i = 0; i < 4; ++i) CHECK(r.value[i] == filled_bar{in[i], false, true});
  }
  SECTION("prev repeats the previous close; never before the first or after the last bar") {
    auto r = apply_fill(in, iv_1m, at(-10), at(10), fill_mode::prev, 100);
    REQUIRE(r.ok);
    REQUIRE(r.value.size() == 6);
    for (int k : {2, 3}) {
      const filled_bar& f = r.value[static_cast<std::size_t>(k)];
      CHECK(f.filled);
      CHECK(f.has_prices);
      CHECK(f.c.symbol == "BTCUSD");
      CHECK(f.c.iv == iv_1m);
      CHECK(f.c.open_time == at(k));
      CHECK(f.c.close_time == at(k + 1));
      CHECK(f.c.bar.open == 11);
      CHECK(f.c.bar.high == 11);
      CHECK(f.c.bar.low == 11);
      CHECK(f.c.bar.close == 11);
      CHECK(f.c.bar.volume == 0);
      CHECK_FALSE(f.c.closed); // the bar after the gap is still live
    }
    CHECK(r.value[4].c == in[2]);
  }
  SECTION("null has no prices") {
    auto r = apply_fill(in, iv_1m, at(-10), at(10), fill_mode::null, 100);
    REQUIRE(r.ok);
    REQUIRE(r.value.size() == 6);
    CHECK(r.value[2].filled);
    CHECK_FALSE(r.value[2].has_prices);
    CHECK(r.value[2].c.bar.volume == 0);
  }
  SECTION("from and to clip the filled buckets") {
    auto r = apply_fill(in, iv_1m, at(3) - 1, at(10), fill_mode::prev, 100);
    REQUIRE(r.ok);
    REQUIRE(r.value.size() == 5); // minute 2 opens before `from`
    CHECK(r.value[2].c.open_time == at(3));
    r = apply_fill(in, iv_1m, at(0), at(3), fill_mode::prev, 100);
    REQUIRE(r.ok);
    REQUIRE(r.value.size() == 5); // minute 3 opens at `to`
    CHECK(r.value[2].c.open_time == at(2));
  }
  SECTION("a gap before a final bar is final") {
    std::vector<candle> done = in;
    done[2].closed = true;
    auto r = apply_fill(done, iv_1m, at(0), at(10), fill_mode::null, 100);
    REQUIRE(r.ok);
    CHECK(r.value[2].c.closed);
  }
  SECTION("max_bars bounds the answer") {
    CHECK(apply_fill(in, iv_1m, at(0), at(10), fill_mode::prev, 6).ok);
    auto r = apply_fill(in, iv_1m, at(0), at(10), fill_mode::prev, 5);
    CHECK_FALSE(r.ok);
    CHECK(r.error.code == "too_many_bars");
    CHECK(apply_fill(in, iv_1m, at(0), at(10), fill_mode::none, 3).error.code == "too_many_bars");
  }
  SECTION("empty input stays empty") {
    auto r = apply_fill({}, iv_1m, at(0), at(10), fill_mode::prev, 5);
    REQUIRE(r.ok);
    CHECK(r.value.empty());
  }
}

TEST_CASE("apply_fill stops early on huge gaps and handles calendar buckets", "[api][rollup]") {
  const interval iv_1s = interval::fixed(ns_per_s);
  const std::vector<candle> far = {bar_at(s(946684800), iv_1s, 1), bar_at(s(4102444800), iv_1s, 2)};
  auto r = apply_fill(far, iv_1s, api_time_min, api_time_max, fill_mode::prev, 1000);
  CHECK(r.error.code == "too_many_bars");
  // `from` deep inside the gap: only its tail is walked.
  r = apply_fill(far, iv_1s, s(4102444800) - 3 * ns_per_s, api_time_max, fill_mode::prev, 1000);
  REQUIRE(r.ok);
  CHECK(r.value.size() == 5);

  const std::vector<candle> months = {bar_at(s(1704067200), interval::month(), 5), // 2024-01
                                      bar_at(s(1711929600), interval::month(), 6)}; // 2024-04
  r = apply_fill(months, interval::month(), api_time_min, api_time_max, fill_mode::null, 100);
  REQUIRE(r.ok);
  REQUIRE(r.value.size() == 4);
  CHECK(r.value[1].c.open_time == feb01_2024);
  CHECK(r.value[1].c.close_time == mar01_2024);
  CHECK(r.value[2].c.open_time == mar01_2024);
  CHECK(r.value[2].c.close_time == s(1711929600));
}
