// Batching: 10,000 candles in one checkpoint must take milliseconds. Timings are printed, not
// asserted (a shared CI machine is no benchmark); correctness of the big batch is asserted.
#include <chrono>
#include <cstdio>

#include "tests/integration/store/store_test_support.hpp"

namespace {

using namespace cs::test::store;
using clock_type = std::chrono::steady_clock;

constexpr std::int32_t partition_0 = 0;
constexpr int symbols = 100;
constexpr int minutes_per_symbol = 100;
constexpr std::size_t batch_size = static_cast<std::size_t>(symbols) * minutes_per_symbol;

double ms_since(clock_type::time_point start) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
}

} // namespace

TEST_CASE("10,000 candles in one checkpoint (throughput printed)", "[store][throughput]") {
  run_names names;
  cleanup_guard cleanup{names};
  auto store = open_store();

  std::vector<candle> live;
  live.reserve(batch_size);
  for (int s = 0; s < symbols; ++s) {
    // append(), not "S" + ...: GCC 12 warns falsely (-Wrestrict) on operator+ with a literal.
    const std::string symbol = names.symbol(std::string{"S"}.append(std::to_string(s)));
    for (int m = 0; m < minutes_per_symbol; ++m) {
      candle_spec spec;
      spec.close = 100.0 + m / 3.0; // not a short decimal: exactness under load too
      spec.high = spec.close + 1;
      spec.first_offset = s * minutes_per_symbol + m;
      spec.last_offset = spec.first_offset;
      live.push_back(make_candle(symbol, one_minute, base_time + m * cs::ns_per_min, spec));
    }
  }
  std::vector<candle> finals = live;
  for (auto& c : finals)
    c.closed = true;

  const auto claim = require_ok(store.claim_partition(names.topic, partition_0, "node-a"));
  cs::partition_snapshot state;
  state.next_offset = static_cast<std::int64_t>(batch_size);

  auto start = clock_type::now();
  CHECK(require_ok(store.commit_checkpoint(names.topic, partition_0, claim.epoch, state, {}, live))
        == rt::checkpoint_outcome::committed);
  const double insert_ms = ms_since(start);

  start = clock_type::now();
  const auto reclaimed = require_ok(store.claim_partition(names.topic, partition_0, "node-b"));
  const double claim_ms = ms_since(start);
  REQUIRE(reclaimed.state.live.size() == batch_size);
  CHECK(reclaimed.state.live == sorted(live));

  start = clock_type::now();
  CHECK(require_ok(store.commit_checkpoint(names.topic, partition_0, reclaimed.epoch, state, finals, {}))
        == rt::checkpoint_outcome::committed);
  const double update_ms = ms_since(start);
  CHECK(require_ok(store.count_candles(names.symbol_prefix)) == static_cast<std::int64_t>(batch_size));

  std::printf("candle_store throughput (%zu candles, one checkpoint each):\n"
              "  insert as live  %8.1f ms  (%.0f candles/s)\n"
              "  claim (reload)  %8.1f ms  (%.0f candles/s)\n"
              "  update to final %8.1f ms  (%.0f candles/s)\n",
              batch_size, insert_ms, batch_size / insert_ms * 1000, claim_ms,
              batch_size / claim_ms * 1000, update_ms, batch_size / update_ms * 1000);
}
