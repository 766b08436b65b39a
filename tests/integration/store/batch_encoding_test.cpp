// The pure parts of a checkpoint, no database needed: array literals (escaping, exact doubles)
// and the per-key merge of finals and live candles. They run with the integration tests because
// they belong to candle_store, which needs libpqxx.
#include <charconv>
#include <limits>

#include "runtime/postgres/store/checkpoint_batch.hpp"
#include "runtime/postgres/store/pg_array.hpp"
#include "tests/integration/store/store_test_support.hpp"

namespace {

using namespace cs::test::store;

} // namespace

TEST_CASE("array literals quote text and print doubles exactly", "[store][unit]") {
  rt::pg_array_literal text;
  text.add_text("plain");
  text.add_text(R"(a "quoted" \ back,slash)");
  text.add_text("");
  text.add_text("NULL");
  CHECK(text.take() == R"({"plain","a \"quoted\" \\ back,slash","","NULL"})");
  rt::pg_array_literal empty;
  CHECK(empty.take() == "{}");

  rt::pg_array_literal numbers;
  const double awkward = 0.1 + 0.2;
  numbers.add(awkward);
  numbers.add(std::numeric_limits<double>::denorm_min());
  numbers.add(std::numeric_limits<std::int64_t>::min());
  numbers.add(true);
  numbers.add(false);
  numbers.add_raw("12.5");
  const std::string literal = numbers.take();
  CHECK(literal == "{0.30000000000000004,5e-324,-9223372036854775808,t,f,12.5}");
  double back = 0;
  const std::string_view first = std::string_view{literal}.substr(1, literal.find(',') - 1);
  std::from_chars(first.data(), first.data() + first.size(), back);
  CHECK(back == awkward);
  // take() leaves an empty builder behind.
  numbers.add(std::int64_t{1});
  CHECK(numbers.take() == "{1}");
}

TEST_CASE("a checkpoint batch keeps one row per key, final over live, later over earlier",
          "[store][unit]") {
  candle_spec early;
  candle_spec late;
  late.close = 100.25;
  const candle live_a1 = make_candle("A", one_minute, base_time, early);
  const candle live_a2 = make_candle("A", one_minute, base_time, late);
  const candle final_a = make_candle("A", one_minute, base_time, early, true);
  const candle live_b = make_candle("B", one_minute, base_time);
  const candle live_a_week = make_candle("A", cs::interval::week(), base_time);

  const std::vector<candle> finals = {final_a};
  const std::vector<candle> live = {live_a1, live_b, live_a2, live_a_week};
  const auto batch = rt::make_checkpoint_batch(finals, live);
  REQUIRE(batch.error.empty());
  REQUIRE(batch.rows.size() == 3);
  CHECK(*batch.rows[0].value == final_a);
  CHECK(batch.rows[0].closed);
  CHECK(*batch.rows[1].value == live_b);
  CHECK_FALSE(batch.rows[1].closed);
  CHECK(*batch.rows[2].value == live_a_week);

  const std::vector<candle> only_live = {live_a1, live_a2};
  const auto later_wins = rt::make_checkpoint_batch({}, only_live);
  REQUIRE(later_wins.rows.size() == 1);
  CHECK(later_wins.rows[0].value == &only_live[1]);

  candle bad = live_b;
  bad.close_time += 1; // not the end of its bucket
  const auto refused = rt::make_checkpoint_batch({}, {live_a1, bad});
  CHECK(refused.rows.empty());
  CHECK_THAT(refused.error, Catch::Contains("candle B 1m") && Catch::Contains("bucket"));
}
