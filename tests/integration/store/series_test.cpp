// Series bounds (candle_series + the candles' primary key): exact first and last buckets while a
// store sends the series statement only the rows that can change them (known_series).
#include "tests/integration/store/store_test_support.hpp"

#include "runtime/postgres/store/known_series.hpp"

namespace {

using namespace cs::test::store;

constexpr std::int32_t partition_0 = 0;

cs::timestamp_ns minute(std::int64_t m) { return base_time + m * cs::ns_per_min; }

struct writer {
  rt::candle_store store;
  std::string topic;
  std::int64_t epoch = 0;
  std::int64_t next_offset = 0;

  writer(const run_names& names, const std::string& owner) : store(open_store()), topic(names.topic) {
    epoch = require_ok(store.claim_partition(topic, partition_0, owner)).epoch;
  }
  void commit(const std::vector<candle>& finals, const std::vector<candle>& live = {}) {
    cs::partition_snapshot state;
    state.next_offset = ++next_offset;
    REQUIRE(require_ok(store.commit_checkpoint(topic, partition_0, epoch, state, finals, live)) ==
            rt::checkpoint_outcome::committed);
  }
};

std::pair<cs::timestamp_ns, cs::timestamp_ns> bounds_of(rt::candle_store& store, const std::string& symbol) {
  const auto found = require_ok(store.find_series(symbol, one_minute));
  REQUIRE(found.has_value());
  return {found->first_open_time, found->last_open_time};
}

} // namespace

TEST_CASE("known_series sends a row only when it can change its series", "[store][series]") {
  rt::known_series known{2};
  const auto at = [](const std::string& symbol, std::int64_t m) { return make_candle(symbol, one_minute, minute(m), {}, true); };
  CHECK(known.needs_write(at("A", 10)));
  known.remember(at("A", 10));
  CHECK_FALSE(known.needs_write(at("A", 10)));
  CHECK_FALSE(known.needs_write(at("A", 11)));                      // the floor is within a day
  CHECK(known.needs_write(at("A", 9)));                             // before the first bucket
  CHECK(known.needs_write(at("A", 10 + 24 * 60)));                  // a day past the floor
  CHECK_FALSE(known.needs_write(at("A", 10 + 24 * 60 - 1)));
  CHECK(known.needs_write(make_candle("A", cs::interval::fixed(5 * cs::ns_per_min), minute(10), {}, true))); // other interval
  known.remember(at("B", 0));
  CHECK(known.size() == 2);
  known.remember(at("C", 0)); // full: forgets everything, then knows C
  CHECK(known.size() == 1);
  CHECK(known.needs_write(at("A", 11)));
  CHECK_FALSE(known.needs_write(at("C", 1)));

  rt::known_series off{0};
  off.remember(at("A", 10));
  CHECK(off.needs_write(at("A", 10)));
}

TEST_CASE("series bounds stay exact when checkpoints leave known series out", "[store][series]") {
  run_names names;
  cleanup_guard cleanup{names};
  writer w{names, "node-a"};
  const std::string s = names.symbol("S");
  const auto final_at = [&](std::int64_t m) { return make_candle(s, one_minute, minute(m), {}, true); };

  w.commit({final_at(10)});
  CHECK(bounds_of(w.store, s) == std::pair{minute(10), minute(10)});
  // Known series, within a day of its floor: not sent to the series statement, still the last.
  w.commit({final_at(11), final_at(12)});
  CHECK(bounds_of(w.store, s) == std::pair{minute(10), minute(12)});
  w.commit({}, {make_candle(s, one_minute, minute(13))}); // a live candle counts too
  CHECK(bounds_of(w.store, s) == std::pair{minute(10), minute(13)});
  // Earlier than the first bucket (a replay or a late backfill).
  w.commit({final_at(2)});
  CHECK(bounds_of(w.store, s) == std::pair{minute(2), minute(13)});
  // Two days on (the floor moves), then a few minutes more (it does not).
  w.commit({final_at(2 * 24 * 60)});
  w.commit({final_at(2 * 24 * 60 + 5)});
  CHECK(bounds_of(w.store, s) == std::pair{minute(2), minute(2 * 24 * 60 + 5)});

  // Another writer (another node after a rebalance) knows nothing and sends everything.
  writer other{names, "node-b"};
  other.commit({final_at(2 * 24 * 60 + 6)});
  CHECK(bounds_of(w.store, s) == std::pair{minute(2), minute(2 * 24 * 60 + 6)});

  const auto listed = require_ok(w.store.list_series(names.symbol_prefix, 10));
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].symbol == s);
  CHECK(listed[0].first_open_time == minute(2));
  CHECK(listed[0].last_open_time == minute(2 * 24 * 60 + 6));

  // A series whose candles are gone (retention) keeps the bounds stored for it.
  require_ok(cleanup.admin().transact([&](pqxx::work& tx) {
    tx.exec_params("DELETE FROM candles WHERE symbol = $1", s);
    return 0;
  }));
  CHECK(bounds_of(w.store, s) == std::pair{minute(2), minute(2 * 24 * 60 + 6)});
  CHECK(require_ok(w.store.list_series(names.symbol_prefix, 10)).size() == 1);
}
