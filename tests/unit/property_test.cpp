// Property test: thousands of random streams, decoded from JSON like real Kafka payloads, with
// out-of-order, late and invalid events mixed in, checked candle for candle against the
// brute-force reference for every interval.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "aggregator_harness.hpp"
#include "messages/event_decoder.hpp"
#include "random_streams.hpp"

using namespace cs;
using namespace cs::testing;



TEST_CASE("random streams equal the brute-force reference for every interval") {
  std::vector<interval> ivs;
  for (const char* t : {"1s", "5s", "7s", "1m", "15m", "1h", "4h", "1d", "1w", "1M"}) ivs.push_back(parse_interval(t).value);
  std::mt19937_64 rng(Catch::rngSeed());
  event_decoder decoder({.max_future_skew = 60 * ns_per_s, .max_payload_bytes = 4096});
  const timestamp_ns now = test_now;
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
