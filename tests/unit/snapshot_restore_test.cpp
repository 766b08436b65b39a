#include <catch2/catch.hpp>

#include <random>

#include "aggregator_harness.hpp"

using namespace cs;
using namespace cs::testing;

namespace {
std::vector<bid_ask_event> jittery_stream(std::mt19937_64& rng, std::size_t n) {
  std::vector<bid_ask_event> evs;
  timestamp_ns t = 1'700'000'000 * ns_per_s;
  const char* syms[] = {"A", "B", "C"};
  for (std::size_t i = 0; i < n; ++i) {
    t += static_cast<timestamp_ns>(rng() % (700 * ns_per_ms));
    const auto jitter = static_cast<timestamp_ns>(rng() % (3 * ns_per_s)); // sometimes beyond lateness
    evs.push_back(ev(syms[rng() % 3], t - jitter, 100.0 + static_cast<double>(rng() % 1000) / 10.0,
                     static_cast<std::int64_t>(i), static_cast<std::int64_t>(rng() % 1000), 0));
  }
  return evs;
}
} // namespace

TEST_CASE("snapshot at every offset, restore, finish: equals the uninterrupted run") {
  std::mt19937_64 rng(2024);
  std::vector<interval> ivs;
  for (const char* t : {"1s", "5s", "1m", "1h", "1w", "1M"}) ivs.push_back(parse_interval(t).value);
  const auto cfg = config_of(ivs, 2 * ns_per_s);
  const auto evs = jittery_stream(rng, 400);
  const auto whole = run_uninterrupted(cfg, evs);

  partition_aggregator live_run(cfg, 0);
  run_result before;
  for (std::size_t k = 0; k <= evs.size(); ++k) {
    // State after offsets [0, k): snapshot it, restore into a fresh aggregator, apply the rest.
    const auto snap = live_run.snapshot();
    REQUIRE(snap.next_offset == static_cast<std::int64_t>(k));
    partition_aggregator restored(cfg, snap);
    run_result after;
    after.finals = before.finals; // finals emitted before the snapshot were already persisted
    // Replay a few already-applied offsets too, as Kafka may redeliver: they must be ignored.
    const std::size_t replay_from = k >= 3 ? k - 3 : 0;
    feed(restored, evs, replay_from, evs.size(), after);
    finish(restored, after);
    REQUIRE(after.all == whole.all);
    if (k < evs.size()) feed(live_run, evs, k, k + 1, before);
  }
}

TEST_CASE("a snapshot restores watermark, offsets and live candles exactly") {
  std::mt19937_64 rng(5);
  const auto cfg = config_of({interval::fixed(ns_per_s), interval::fixed(ns_per_min)}, ns_per_s);
  const auto evs = jittery_stream(rng, 200);
  partition_aggregator agg(cfg, 3);
  std::vector<candle> finals;
  for (const auto& e : evs) agg.apply(e, finals);
  const auto snap = agg.snapshot();
  CHECK(snap.partition == 3);
  CHECK(snap.next_offset == 200);
  for (const auto& c : snap.live) CHECK_FALSE(c.closed);
  partition_aggregator back(cfg, snap);
  CHECK(back.snapshot().clock == snap.clock);
  CHECK(back.live_count() == agg.live_count());
  auto a = snap.live, b = back.snapshot().live;
  sort_candles(a);
  sort_candles(b);
  CHECK(a == b);
}

TEST_CASE("merging partial candles of a bucket is exact, commutative and associative") {
  std::mt19937_64 rng(11);
  const auto evs = jittery_stream(rng, 300);
  // Split the events of one bucket three ways at random, fold each part, merge in every order.
  const interval iv = interval::fixed(ns_per_min);
  std::vector<bid_ask_event> bucket;
  const auto start = iv.bucket_start(evs[100].ts);
  for (const auto& e : evs)
    if (iv.bucket_start(e.ts) == start && e.symbol == evs[100].symbol) bucket.push_back(e);
  REQUIRE(bucket.size() > 5);
  auto fold = [&](const std::vector<bid_ask_event>& part) {
    ohlcv b = ohlcv::of_event(part[0].price(), static_cast<std::uint64_t>(part[0].bid_size_units), 0,
                              {part[0].ts, part[0].offset});
    for (std::size_t i = 1; i < part.size(); ++i)
      b.add(part[i].price(), static_cast<std::uint64_t>(part[i].bid_size_units), 0, {part[i].ts, part[i].offset});
    return b;
  };
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<bid_ask_event> parts[3];
    for (const auto& e : bucket) parts[rng() % 3].push_back(e);
    if (parts[0].empty() || parts[1].empty() || parts[2].empty()) continue;
    const ohlcv a = fold(parts[0]), b = fold(parts[1]), c = fold(parts[2]);
    ohlcv ab_c = a;
    ab_c.merge(b);
    ab_c.merge(c);
    ohlcv bc = b;
    bc.merge(c);
    ohlcv a_bc = a;
    a_bc.merge(bc);
    ohlcv c_b_a = c;
    c_b_a.merge(b);
    c_b_a.merge(a);
    REQUIRE(ab_c == a_bc);
    REQUIRE(ab_c == c_b_a);
    REQUIRE(ab_c == fold(bucket));
  }
}
