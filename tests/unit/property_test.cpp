// Property test: thousands of random streams, decoded from JSON like real Kafka payloads, with
// out-of-order, late and invalid events mixed in, checked candle for candle against the
// brute-force reference for every interval.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "aggregator_harness.hpp"
#include "messages/event_decoder.hpp"
#include "messages/number_format.hpp"

using namespace cs;
using namespace cs::testing;

namespace {

struct stream_case {
  std::vector<std::string> payloads;
  std::vector<bool> valid;
  duration_ns lateness = 0;
};

// Time scales so that short streams still cross second, minute, day, week and month boundaries.
constexpr duration_ns step_scales[] = {ns_per_ms, 250 * ns_per_ms, 7 * ns_per_s, 3 * ns_per_hour, 2 * ns_per_day};
constexpr duration_ns lateness_choices[] = {0, ns_per_ms, 2 * ns_per_s, ns_per_hour, 3 * ns_per_day};

std::string json_event(const std::string& sym, double bid, double ask, timestamp_ns ts, double bid_size, bool ns) {
  std::string s = R"({"symbol":")" + sym + R"(","bid":)";
  append_number(s, bid);
  s += R"(,"ask":)";
  append_number(s, ask);
  s += ns ? R"(,"timestampNs":)" : R"(,"timestamp":)";
  append_number(s, ns ? ts : floor_div(ts, ns_per_ms));
  if (bid_size > 0) {
    s += R"(,"bidSize":)";
    append_number(s, bid_size);
  }
  return s + "}";
}

stream_case random_stream(std::mt19937_64& rng) {
  stream_case sc;
  const duration_ns scale = step_scales[rng() % std::size(step_scales)];
  sc.lateness = lateness_choices[rng() % std::size(lateness_choices)];
  const std::size_t n = 20 + rng() % 180;
  const std::size_t nsym = 1 + rng() % 5;
  // Start anywhere from 1950 to 2040, so that negative times are covered too.
  timestamp_ns t = -630'000'000 * ns_per_s + static_cast<timestamp_ns>(rng() % 2'840'000'000ull) * ns_per_s;
  const bool ns_times = rng() % 2;
  for (std::size_t i = 0; i < n; ++i) {
    t += static_cast<timestamp_ns>(rng() % static_cast<std::uint64_t>(scale));
    const auto kind = rng() % 100;
    timestamp_ns ts = t;
    if (kind < 30 && sc.lateness > 0) ts -= static_cast<timestamp_ns>(rng() % static_cast<std::uint64_t>(sc.lateness + 1)); // within lateness
    else if (kind < 37) ts -= static_cast<timestamp_ns>(rng() % static_cast<std::uint64_t>(8 * scale + sc.lateness + 1)); // maybe late
    if (!ns_times) ts = floor_div(ts, ns_per_ms) * ns_per_ms;
    const std::string sym = std::string("S") + static_cast<char>('0' + rng() % nsym);
    const double mid = 10.0 + static_cast<double>(rng() % 100'000) / 64.0;
    const double half_spread = static_cast<double>(rng() % 8) / 128.0;
    const double size = (rng() % 3 == 0) ? static_cast<double>(rng() % 100'000) / 1000.0 : 0.0;
    if (kind >= 95) {
      // Invalid: crossed quote, bad symbol, bad JSON, missing field, non-positive price.
      static const char* junk[] = {R"({"symbol":"S0","bid":5,"ask":4,"timestamp":1})", R"({"symbol":"bad sym","bid":1,"ask":2,"timestamp":1})",
                                   R"({"symbol":"S0","bid":1,"ask":)", R"({"symbol":"S0","ask":2,"timestamp":1})",
                                   R"({"symbol":"S0","bid":0,"ask":2,"timestamp":1})"};
      sc.payloads.emplace_back(junk[rng() % std::size(junk)]);
      sc.valid.push_back(false);
    } else {
      sc.payloads.push_back(json_event(sym, mid - half_spread, mid + half_spread, ts, size, ns_times));
      sc.valid.push_back(true);
    }
  }
  return sc;
}

} // namespace

TEST_CASE("random streams equal the brute-force reference for every interval") {
  std::vector<interval> ivs;
  for (const char* t : {"1s", "5s", "7s", "1m", "15m", "1h", "4h", "1d", "1w", "1M"}) ivs.push_back(parse_interval(t).value);
  std::mt19937_64 rng(Catch::rngSeed());
  event_decoder decoder({.max_future_skew = 60 * ns_per_s, .max_payload_bytes = 4096});
  const timestamp_ns now = 4'102'444'800 * ns_per_s; // 2100: nothing generated is "in the future"
  constexpr int streams = 3000;
  std::size_t total_candles = 0, total_late = 0, total_invalid = 0;
  for (int s = 0; s < streams; ++s) {
    const auto sc = random_stream(rng);
    const auto cfg = config_of(ivs, sc.lateness);
    partition_aggregator agg(cfg, 0);
    std::vector<bid_ask_event> decoded;
    run_result r;
    for (std::size_t off = 0; off < sc.payloads.size(); ++off) {
      bid_ask_event e;
      const auto st = decoder.decode(sc.payloads[off], now, e);
      REQUIRE(st.ok() == sc.valid[off]);
      if (!st.ok()) {
        agg.skip(static_cast<std::int64_t>(off));
        ++total_invalid;
        continue;
      }
      e.offset = static_cast<std::int64_t>(off);
      decoded.push_back(e);
      feed(agg, decoded, decoded.size() - 1, decoded.size(), r);
    }
    REQUIRE(agg.next_offset() == static_cast<std::int64_t>(sc.payloads.size()));
    finish(agg, r);
    auto ref = reference_candles(decoded, ivs, sc.lateness);
    sort_candles(ref.candles);
    INFO("stream " << s << " lateness " << sc.lateness);
    REQUIRE(r.all.size() == ref.candles.size());
    for (std::size_t i = 0; i < r.all.size(); ++i) {
      INFO("candle " << i << " " << r.all[i].symbol << " " << r.all[i].iv.to_string() << " " << r.all[i].open_time);
      REQUIRE(r.all[i] == ref.candles[i]);
    }
    REQUIRE(r.late_offsets == ref.late_offsets);
    REQUIRE(r.fully_late == ref.fully_late);
    // Every emitted final is closed and was final by the end of the stream.
    for (const auto& c : r.finals) REQUIRE(c.closed);
    total_candles += r.all.size();
    total_late += r.late_offsets.size();
  }
  // The generator must really exercise lateness and rejection, or the test proves little.
  CHECK(total_late > streams / 10);
  CHECK(total_invalid > streams);
  CHECK(total_candles > streams * 20);
}
