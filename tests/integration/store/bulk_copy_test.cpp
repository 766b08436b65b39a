// Large checkpoints take the COPY + staging path (store_options::copy_min_rows): exact values
// through the binary COPY format, the same upsert rules as the one-statement path (idempotent, a
// final row never turned back into a live one), and rows not known to be stored written by a
// plain INSERT, with the upsert taking over when one is there after all.
#include <cmath>
#include <limits>

#include "tests/integration/store/store_test_support.hpp"

namespace {

using namespace cs::test::store;

constexpr std::int32_t partition_0 = 0;

// Prices with all 17 significant digits, extremes of the double range and sizes with every one
// of the 8 decimals; row k of symbol s is deterministic, so a second call builds the same batch.
candle awkward_candle(const run_names& names, int s, int k) {
  candle_spec spec;
  const double base = (s % 3 == 0)   ? 1e-300 * (1 + s)
                      : (s % 3 == 1) ? 123456789.0 / 7.0 + s
                                     : std::nextafter(100.0 / 3.0, 200.0) + s;
  spec.open = base * (1.0 + k / 9973.0);
  spec.close = std::nextafter(spec.open, std::numeric_limits<double>::max());
  spec.high = spec.close * 1.000000000000001 + std::numeric_limits<double>::denorm_min();
  spec.low = std::nextafter(spec.open, 0.0);
  spec.volume = 1 + static_cast<std::uint64_t>(k);
  const unsigned __int128 big = static_cast<unsigned __int128>(1) << 100;
  spec.bid_size = cs::size_sum::of(big + static_cast<unsigned __int128>(s) * 100'000'000 + 12'345'678);
  spec.ask_size = cs::size_sum::of(static_cast<unsigned __int128>(k) * 7 + 1);
  spec.first_offset = static_cast<std::int64_t>(s) * 1'000'000 + k;
  spec.last_offset = spec.first_offset + 1;
  const std::string symbol = names.symbol(std::string{"B"}.append(std::to_string(s)));
  return make_candle(symbol, one_minute, base_time + k * cs::ns_per_min, spec);
}

// Minute k of symbols 0..symbols-1, final or live.
std::vector<candle> minute_of_each(const run_names& names, int symbols, int k, bool closed) {
  std::vector<candle> out;
  for (int s = 0; s < symbols; ++s) out.push_back(as_closed(awkward_candle(names, s, k), closed));
  return out;
}

} // namespace

TEST_CASE("50,000 candles in one checkpoint come back exactly", "[store][checkpoint][copy]") {
  constexpr int symbols = 500;
  constexpr int minutes = 100;
  run_names names;
  cleanup_guard cleanup{names};
  auto store = open_store();

  std::vector<candle> finals, live;
  for (int s = 0; s < symbols; ++s)
    for (int k = 0; k < minutes; ++k) {
      candle c = awkward_candle(names, s, k);
      // The newest minute of every symbol is still live.
      if (k + 1 == minutes)
        live.push_back(as_closed(c, false));
      else
        finals.push_back(as_closed(c, true));
    }
  REQUIRE(finals.size() + live.size() >= rt::store_options::default_copy_min_rows);

  const auto claim = require_ok(store.claim_partition(names.topic, partition_0, "node-a"));
  cs::partition_snapshot state;
  state.next_offset = 50'000;
  CHECK(require_ok(store.commit_checkpoint(names.topic, partition_0, claim.epoch, state, finals, live))
        == rt::checkpoint_outcome::committed);

  std::vector<candle> expected = finals;
  expected.insert(expected.end(), live.begin(), live.end());
  const auto back = require_ok(store.all_candles(names.symbol_prefix));
  REQUIRE(back.size() == expected.size());
  CHECK(back == sorted(expected));

  // The live ones, and only those, are reloaded by the next owner.
  const auto reclaimed = require_ok(store.claim_partition(names.topic, partition_0, "node-b"));
  CHECK(reclaimed.state.live == sorted(live));
  const auto checkpoint = require_ok(store.load_checkpoint(names.topic, partition_0));
  REQUIRE(checkpoint.has_value());
  CHECK(checkpoint->next_offset == 50'000);
}

TEST_CASE("a large checkpoint repeated with some candles now final is idempotent and never reopens a "
          "final one",
          "[store][checkpoint][copy]") {
  constexpr int symbols = 50;
  constexpr int minutes = 40;
  run_names names;
  cleanup_guard cleanup{names};
  auto store = open_store();

  // First checkpoint: even minutes final, odd minutes live.
  std::vector<candle> finals, live;
  for (int s = 0; s < symbols; ++s)
    for (int k = 0; k < minutes; ++k) {
      const candle c = awkward_candle(names, s, k);
      (k % 2 == 0 ? finals : live).push_back(as_closed(c, k % 2 == 0));
    }
  REQUIRE(finals.size() + live.size() >= rt::store_options::default_copy_min_rows);
  const auto claim = require_ok(store.claim_partition(names.topic, partition_0, "node-a"));
  cs::partition_snapshot state;
  state.next_offset = 100;
  REQUIRE(require_ok(store.commit_checkpoint(names.topic, partition_0, claim.epoch, state, finals, live))
          == rt::checkpoint_outcome::committed);

  // Second checkpoint, same keys: the live minutes divisible by 3 are final now; every other
  // candle is sent again as live with a higher close. The final rows of the first checkpoint must
  // keep their values and stay final; the still-live ones take the new values.
  std::vector<candle> finals2, live2, expected;
  for (const candle& c : live) {
    const bool now_final = (c.open_time - base_time) / cs::ns_per_min % 3 == 0;
    candle changed = c;
    changed.bar.close = changed.bar.high;
    changed.bar.last.offset += 1;
    (now_final ? finals2 : live2).push_back(as_closed(changed, now_final));
    expected.push_back(as_closed(changed, now_final));
  }
  for (const candle& c : finals) {
    candle stale = c;
    stale.bar.close = stale.bar.high;
    live2.push_back(as_closed(stale, false));
    expected.push_back(c);
  }
  REQUIRE(finals2.size() + live2.size() >= rt::store_options::default_copy_min_rows);
  state.next_offset = 200;
  for (int repeat = 0; repeat < 2; ++repeat) { // the second time as after an in_doubt commit
    REQUIRE(require_ok(store.commit_checkpoint(names.topic, partition_0, claim.epoch, state, finals2, live2))
            == rt::checkpoint_outcome::committed);
    const auto back = require_ok(store.all_candles(names.symbol_prefix));
    REQUIRE(back.size() == expected.size());
    CHECK(back == sorted(expected));
    // Each time some rows thought new (finals sent again as live; then the finals of the first
    // try) were stored: the batch went again through the upsert.
    CHECK(store.fresh_conflicts() == static_cast<std::uint64_t>(repeat) + 1);
  }
  CHECK(require_ok(store.count_candles(names.symbol_prefix)) == symbols * minutes);
}

TEST_CASE("a fenced large checkpoint writes nothing and the staging table is left empty",
          "[store][checkpoint][copy][fencing]") {
  run_names names;
  cleanup_guard cleanup{names};
  auto old_owner = open_store();
  auto new_owner = open_store();
  std::vector<candle> finals;
  for (int s = 0; s < 10; ++s)
    for (int k = 0; k < 30; ++k) finals.push_back(as_closed(awkward_candle(names, s, k)));
  const auto stale = require_ok(old_owner.claim_partition(names.topic, partition_0, "node-a"));
  const auto current = require_ok(new_owner.claim_partition(names.topic, partition_0, "node-b"));
  cs::partition_snapshot state;
  state.next_offset = 7;
  CHECK(require_ok(old_owner.commit_checkpoint(names.topic, partition_0, stale.epoch, state, finals, {}))
        == rt::checkpoint_outcome::fenced);
  CHECK(require_ok(old_owner.count_candles(names.symbol_prefix)) == 0);
  // The same store then commits under a current epoch: nothing of the fenced attempt lingers.
  const auto again = require_ok(old_owner.claim_partition(names.topic, partition_0, "node-a"));
  const std::vector<candle> few(finals.begin(), finals.begin() + 250);
  CHECK(require_ok(old_owner.commit_checkpoint(names.topic, partition_0, again.epoch, state, few, {}))
        == rt::checkpoint_outcome::committed);
  CHECK(require_ok(old_owner.all_candles(names.symbol_prefix)) == sorted(few));
  (void)current;
}

TEST_CASE("a claim learns the stored live rows, so their finals need no second try",
          "[store][checkpoint][copy]") {
  constexpr int symbols = 300;
  run_names names;
  cleanup_guard cleanup{names};
  const std::vector<candle> live = minute_of_each(names, symbols, 0, false);
  cs::partition_snapshot state;
  state.next_offset = 10;
  {
    auto first_owner = open_store();
    const auto claim = require_ok(first_owner.claim_partition(names.topic, partition_0, "node-a"));
    REQUIRE(require_ok(first_owner.commit_checkpoint(names.topic, partition_0, claim.epoch, state, {}, live))
            == rt::checkpoint_outcome::committed);
    CHECK(first_owner.stored_live_keys_known() == symbols);
  }

  // A new connection (a restarted node) claims: minute 0 becomes final with new values, minute 1
  // opens. The finals go through the upsert (they are stored), minute 1 through the plain INSERT.
  auto next_owner = open_store();
  const auto claim = require_ok(next_owner.claim_partition(names.topic, partition_0, "node-b"));
  REQUIRE(claim.state.live.size() == symbols);
  CHECK(next_owner.stored_live_keys_known() == symbols);
  std::vector<candle> finals;
  for (const candle& c : live) {
    candle changed = c;
    changed.bar.close = changed.bar.high;
    changed.bar.last.offset += 1;
    finals.push_back(as_closed(changed, true));
  }
  const std::vector<candle> live2 = minute_of_each(names, symbols, 1, false);
  state.next_offset = 20;
  REQUIRE(require_ok(next_owner.commit_checkpoint(names.topic, partition_0, claim.epoch, state, finals, live2))
          == rt::checkpoint_outcome::committed);
  CHECK(next_owner.fresh_conflicts() == 0);
  std::vector<candle> expected = finals;
  expected.insert(expected.end(), live2.begin(), live2.end());
  CHECK(require_ok(next_owner.all_candles(names.symbol_prefix)) == sorted(expected));
  // Minute 0 is final now, minute 1 is what is live.
  CHECK(next_owner.stored_live_keys_known() == symbols);
}

TEST_CASE("rows thought new that another partition stored are written through the upsert",
          "[store][checkpoint][copy]") {
  constexpr int symbols = 250;
  run_names names;
  cleanup_guard cleanup{names};
  const std::vector<candle> finals = minute_of_each(names, symbols, 0, true);
  cs::partition_snapshot state;
  state.next_offset = 5;

  // Partition 0 stores the finals; then the same symbols show up in partition 1 (say the topic
  // got more partitions), whose store has never seen them.
  auto store_0 = open_store();
  const auto claim_0 = require_ok(store_0.claim_partition(names.topic, partition_0, "node-a"));
  REQUIRE(require_ok(store_0.commit_checkpoint(names.topic, partition_0, claim_0.epoch, state, finals, {}))
          == rt::checkpoint_outcome::committed);
  CHECK(store_0.fresh_conflicts() == 0);

  constexpr std::int32_t partition_1 = 1;
  auto store_1 = open_store();
  const auto claim_1 = require_ok(store_1.claim_partition(names.topic, partition_1, "node-b"));
  std::vector<candle> replaced;
  for (const candle& c : finals) {
    candle changed = c;
    changed.bar.close = changed.bar.low;
    changed.bar.volume += 1;
    replaced.push_back(changed);
  }
  REQUIRE(require_ok(store_1.commit_checkpoint(names.topic, partition_1, claim_1.epoch, state, replaced, {}))
          == rt::checkpoint_outcome::committed);
  CHECK(store_1.fresh_conflicts() == 1);
  CHECK(require_ok(store_1.all_candles(names.symbol_prefix)) == sorted(replaced));
  const auto checkpoint = require_ok(store_1.load_checkpoint(names.topic, partition_1));
  REQUIRE(checkpoint.has_value());
  CHECK(checkpoint->next_offset == 5);

  // New rows after that go in at the first try again.
  const std::vector<candle> later = minute_of_each(names, symbols, 1, true);
  state.next_offset = 9;
  REQUIRE(require_ok(store_1.commit_checkpoint(names.topic, partition_1, claim_1.epoch, state, later, {}))
          == rt::checkpoint_outcome::committed);
  CHECK(store_1.fresh_conflicts() == 1);
  CHECK(require_ok(store_1.count_candles(names.symbol_prefix)) == 2 * symbols);
}
