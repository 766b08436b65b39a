// stored_live_keys: which rows a checkpoint may write by a plain INSERT (pure logic, no server).
#include "runtime/postgres/store/stored_live_keys.hpp"

#include <catch2/catch.hpp>

#include "tests/integration/store/store_test_support.hpp"

namespace {

using namespace cs::test::store;
using cs::runtime::checkpoint_row;

std::vector<bool> fresh_flags(const cs::runtime::stored_live_keys& keys, const std::string& topic,
                              std::int32_t partition, const std::vector<const candle*>& candles) {
  std::vector<checkpoint_row> rows;
  for (const candle* c : candles) rows.push_back({c, false});
  keys.mark_fresh(topic, partition, rows);
  std::vector<bool> out;
  for (const auto& r : rows) out.push_back(r.fresh);
  return out;
}

} // namespace

TEST_CASE("stored_live_keys follows claims and commits per topic and partition", "[store][unit]") {
  const candle a = make_candle("A", one_minute, base_time);
  const candle a_next = make_candle("A", one_minute, base_time + cs::ns_per_min);
  const candle a_5m = make_candle("A", cs::interval::fixed(5 * cs::ns_per_min), base_time);
  const candle b = make_candle("B", one_minute, base_time);
  cs::runtime::stored_live_keys keys;

  // Nothing known: everything is fresh.
  CHECK(fresh_flags(keys, "t", 0, {&a, &b}) == std::vector<bool>{true, true});

  // A claim loaded `a` as live: only `a` is stored; other partitions and topics know nothing.
  keys.reset("t", 0, {a});
  CHECK(fresh_flags(keys, "t", 0, {&a, &a_next, &a_5m, &b}) == std::vector<bool>{false, true, true, true});
  CHECK(fresh_flags(keys, "t", 1, {&a}) == std::vector<bool>{true});
  CHECK(fresh_flags(keys, "u", 0, {&a}) == std::vector<bool>{true});
  CHECK(keys.size() == 1);

  // A commit: `a` final (no longer live), `a_next` and `b` live (stored now).
  keys.committed("t", 0, {{&a, true}, {&a_next, false}, {&b, false}});
  CHECK(fresh_flags(keys, "t", 0, {&a, &a_next, &b}) == std::vector<bool>{true, false, false});
  CHECK(keys.size() == 2);

  // A new claim replaces what was known of the partition.
  keys.reset("t", 0, {b});
  CHECK(fresh_flags(keys, "t", 0, {&a_next, &b}) == std::vector<bool>{true, false});
  CHECK(keys.size() == 1);
}
