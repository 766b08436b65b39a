// Time partitioning by pg_partman (installed on the development server): candles is a native
// range-partitioned table on open_time, and buckets outside the premade daily partitions (1970,
// 2100, old replays) still insert, into the default partition.
#include "tests/integration/store/store_test_support.hpp"

namespace {

using namespace cs::test::store;

constexpr std::int32_t partition_0 = 0;
// A partition lower bound further ahead than any premake would reach.
constexpr std::int64_t far_ahead = 365 * cs::ns_per_day;

std::string partition_of(rt::pg_client& admin, const std::string& symbol) {
  return require_ok(admin.transact([&](pqxx::work& tx) {
    return tx.exec_params1("SELECT tableoid::regclass::text FROM candles WHERE symbol = $1", symbol)[0]
      .as<std::string>();
  }));
}

} // namespace

TEST_CASE("candles is partitioned by pg_partman and odd open times land in the default partition",
          "[store][partman]") {
  run_names names;
  cleanup_guard cleanup{names};
  auto store = open_store();
  REQUIRE(store.storage_kind() == rt::candle_storage::partman);
  auto& admin = cleanup.admin();

  const auto catalog = require_ok(admin.transact([](pqxx::work& tx) {
    const auto r = tx.exec1(
      "SELECT (SELECT partstrat FROM pg_partitioned_table WHERE partrelid = 'candles'::regclass),"
      " (SELECT count(*) FROM partman.part_config WHERE parent_table = 'public.candles'"
      "   AND control = 'open_time' AND epoch = 'nanoseconds' AND ignore_default_data)");
    return std::pair{r[0].as<std::string>(), r[1].as<int>()};
  }));
  CHECK(catalog.first == "r"); // range
  CHECK(catalog.second == 1);

  const auto now = require_ok(admin.transact([](pqxx::work& tx) {
    return tx.exec1("SELECT (extract(epoch FROM now()) * 1000000000)::bigint")[0].as<std::int64_t>();
  }));
  const candle epoch_1970 = make_candle(names.symbol("Y1970"), one_minute, 0, {}, true);
  const candle year_2100_candle = make_candle(names.symbol("Y2100"), one_minute, year_2100, {}, true);
  const candle monthly_1970 = make_candle(names.symbol("M1970"), cs::interval::month(), 0, {}, true);
  const candle today = make_candle(names.symbol("TODAY"), one_minute, now);

  const auto claim = require_ok(store.claim_partition(names.topic, partition_0, "node-a"));
  cs::partition_snapshot state;
  state.next_offset = 1;
  CHECK(require_ok(store.commit_checkpoint(names.topic, partition_0, claim.epoch, state,
                                           {epoch_1970, year_2100_candle, monthly_1970}, {today}))
        == rt::checkpoint_outcome::committed);
  CHECK(require_ok(store.count_candles(names.symbol_prefix)) == 4);

  CHECK(partition_of(admin, epoch_1970.symbol) == "candles_default");
  CHECK(partition_of(admin, year_2100_candle.symbol) == "candles_default");
  CHECK(partition_of(admin, monthly_1970.symbol) == "candles_default");
  const std::string today_partition = partition_of(admin, today.symbol);
  CHECK(today_partition != "candles_default");
  CHECK(today_partition.rfind("candles_p", 0) == 0);

  // They read back, and maintenance is not dragged towards 2100 by the default partition's data.
  const auto back = require_ok(store.query_candles(year_2100_candle.symbol, one_minute, year_2100,
                                                   year_2100 + cs::ns_per_min, 1));
  REQUIRE(back.size() == 1);
  CHECK(back[0] == year_2100_candle);
  require_ok(store.run_maintenance());
  const auto furthest = require_ok(admin.transact([](pqxx::work& tx) {
    return tx
      .exec1("SELECT max((regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''(-?\\d+)''\\)'))[1]::bigint)"
             " FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
             " WHERE i.inhparent = 'candles'::regclass")[0]
      .as<std::int64_t>();
  }));
  CHECK(furthest < now + far_ahead);
}
