// query_candles: ascending by open_time, half-open [from, to), limit keeping the oldest or the
// newest rows, one symbol and interval only.
#include "tests/integration/store/store_test_support.hpp"

namespace {

using namespace cs::test::store;

constexpr std::int32_t partition_0 = 0;
constexpr int minutes = 10;
constexpr std::int64_t no_limit = 1'000;

cs::timestamp_ns minute(int m) {
  return base_time + m * cs::ns_per_min;
}

std::vector<cs::timestamp_ns> open_times(const std::vector<candle>& v) {
  std::vector<cs::timestamp_ns> out;
  for (const auto& c : v)
    out.push_back(c.open_time);
  return out;
}

} // namespace

TEST_CASE("query_candles orders by open_time and honours range bounds and limits", "[store][query]") {
  run_names names;
  cleanup_guard cleanup{names};
  auto store = open_store();
  const std::string symbol = names.symbol("Q");
  const cs::interval five_minutes = cs::interval::fixed(5 * cs::ns_per_min);

  // Minutes in reverse order and a mix of final and live rows: the query must sort, not echo.
  std::vector<candle> finals, live;
  for (int m = minutes - 1; m >= 0; --m) {
    candle_spec spec;
    spec.close = 100.0 + m / 16.0; // inside [low, high], not a short decimal
    (m % 2 == 0 ? finals : live).push_back(make_candle(symbol, one_minute, minute(m), spec, m % 2 == 0));
  }
  finals.push_back(make_candle(symbol, five_minutes, minute(0), {}, true));
  finals.push_back(make_candle(names.symbol("OTHER"), one_minute, minute(3), {}, true));
  const auto claim = require_ok(store.claim_partition(names.topic, partition_0, "node-a"));
  cs::partition_snapshot state;
  CHECK(require_ok(store.commit_checkpoint(names.topic, partition_0, claim.epoch, state, finals, live))
        == rt::checkpoint_outcome::committed);

  const auto all = require_ok(store.query_candles(symbol, one_minute, minute(0), minute(minutes), no_limit));
  REQUIRE(all.size() == static_cast<std::size_t>(minutes));
  for (int m = 0; m < minutes; ++m) {
    CHECK(all[m].open_time == minute(m));
    CHECK(all[m].closed == (m % 2 == 0));
    CHECK(all[m].bar.close == 100.0 + m / 16.0);
  }

  // [from, to): from included, to excluded.
  CHECK(open_times(require_ok(store.query_candles(symbol, one_minute, minute(2), minute(5), no_limit)))
        == std::vector{minute(2), minute(3), minute(4)});
  // A from inside a bucket does not include that bucket (open_time < from).
  CHECK(open_times(require_ok(store.query_candles(symbol, one_minute, minute(2) + 1, minute(4), no_limit)))
        == std::vector{minute(3)});
  // Limits: the first n, or the last n, always ascending.
  CHECK(open_times(require_ok(store.query_candles(symbol, one_minute, minute(2), minute(8), 2)))
        == std::vector{minute(2), minute(3)});
  CHECK(open_times(require_ok(store.query_candles(symbol, one_minute, minute(2), minute(8), 2,
                                                  rt::limit_keeps::newest)))
        == std::vector{minute(6), minute(7)});
  // Empty answers without a round trip.
  CHECK(require_ok(store.query_candles(symbol, one_minute, minute(5), minute(5), no_limit)).empty());
  CHECK(require_ok(store.query_candles(symbol, one_minute, minute(0), minute(9), 0)).empty());
  // Other intervals and symbols stay apart.
  const auto five = require_ok(store.query_candles(symbol, five_minutes, minute(0), minute(minutes), no_limit));
  REQUIRE(five.size() == 1);
  CHECK(five[0].iv == five_minutes);
  CHECK(require_ok(store.query_candles(names.symbol("NONE"), one_minute, minute(0), minute(minutes), no_limit))
          .empty());
}
