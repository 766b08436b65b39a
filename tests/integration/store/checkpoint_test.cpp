// Checkpoints (docs/design.md §4): claim bumps the epoch, a committed snapshot comes back field for field,
// a stale owner is fenced and writes nothing, upserts are idempotent, and a final candle is never
// turned back into a live one.
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

#include "tests/integration/store/store_test_support.hpp"

namespace {

using namespace cs::test::store;

constexpr std::int32_t partition_0 = 0;
constexpr std::int32_t partition_1 = 1;

// Live candles whose every field is awkward to store: prices with no short decimal form, the
// smallest subnormal and the largest double, 128-bit size sums, calendar intervals.
std::vector<candle> awkward_live_candles(const run_names& names) {
  const double third = 1.0 / 3.0;
  const double point_three = 0.1 + 0.2; // 0.30000000000000004
  const double max_double = std::numeric_limits<double>::max();
  const double subnormal = std::numeric_limits<double>::denorm_min();
  const auto max_sum = cs::size_sum::of(~static_cast<unsigned __int128>(0));

  candle_spec exact;
  exact.open = point_three;
  exact.high = 50000.1;
  exact.low = subnormal;
  exact.close = third;
  exact.volume = 123'456'789'012;
  exact.bid_size = max_sum;
  exact.ask_size = cs::size_sum::of(1); // 0.00000001
  exact.first_offset = 9'000'000'000'001;
  exact.last_offset = 9'000'000'000'777;

  candle_spec huge;
  huge.open = 1e-300;
  huge.high = max_double;
  huge.low = 1e-300;
  huge.close = std::nextafter(max_double, 0.0);
  huge.bid_size = cs::size_sum{};
  huge.ask_size = cs::size_sum{};

  return {
    make_candle(names.symbol("A"), one_minute, base_time, exact),
    make_candle(names.symbol("A"), cs::interval::week(), base_time, huge),
    make_candle(names.symbol("A"), cs::interval::month(), base_time),
    make_candle(names.symbol("B"), cs::interval::fixed(15 * cs::ns_per_min), base_time + cs::ns_per_hour),
    make_candle(names.symbol("B"), cs::interval::fixed(cs::ns_per_day), base_time),
  };
}

cs::partition_snapshot state_at(std::int64_t next_offset, cs::timestamp_ns max_event_ts,
                                cs::timestamp_ns watermark) {
  cs::partition_snapshot s;
  s.next_offset = next_offset;
  s.clock.max_event_ts = max_event_ts;
  s.clock.watermark = watermark;
  return s;
}

} // namespace

TEST_CASE("claim creates a missing checkpoint row and bumps the epoch on every claim",
          "[store][checkpoint]") {
  run_names names;
  cleanup_guard cleanup{names};
  auto store = open_store();

  CHECK_FALSE(require_ok(store.load_checkpoint(names.topic, partition_0)).has_value());

  const auto first = require_ok(store.claim_partition(names.topic, partition_0, "node-a"));
  CHECK(first.epoch == 1);
  CHECK(first.state.partition == partition_0);
  CHECK(first.state.next_offset == 0);
  CHECK(first.state.clock.watermark == cs::no_watermark);
  CHECK(first.state.clock.max_event_ts == cs::no_watermark);
  CHECK(first.state.live.empty());

  const auto second = require_ok(store.claim_partition(names.topic, partition_0, "node-b"));
  CHECK(second.epoch == first.epoch + 1);
  const auto row = require_ok(store.load_checkpoint(names.topic, partition_0));
  REQUIRE(row.has_value());
  CHECK(row->epoch == second.epoch);
  CHECK(row->owner == "node-b");
  CHECK(row->clock.watermark == cs::no_watermark);

  // Another partition of the same topic has its own row and epoch.
  CHECK(require_ok(store.claim_partition(names.topic, partition_1, "node-a")).epoch == 1);
}

TEST_CASE("a committed checkpoint is claimed back field for field", "[store][checkpoint]") {
  run_names names;
  cleanup_guard cleanup{names};
  auto store = open_store();

  const auto claim = require_ok(store.claim_partition(names.topic, partition_0, "node-a"));
  auto state = state_at(4242, base_time + 123'456'789, base_time + 123'456'789 - 2 * cs::ns_per_s);
  const auto live = awkward_live_candles(names);
  const std::vector<candle> finals = {
    make_candle(names.symbol("A"), one_minute, base_time - cs::ns_per_min, {}, true),
    make_candle(names.symbol("B"), one_minute, base_time - cs::ns_per_min, {}, true),
  };
  CHECK(require_ok(store.commit_checkpoint(names.topic, partition_0, claim.epoch, state, finals, live))
        == rt::checkpoint_outcome::committed);

  const auto next = require_ok(store.claim_partition(names.topic, partition_0, "node-b"));
  CHECK(next.epoch == claim.epoch + 1);
  CHECK(next.state.partition == partition_0);
  CHECK(next.state.next_offset == state.next_offset);
  CHECK(next.state.clock == state.clock);
  // Field for field, every double bit for bit (candle's operator== compares them exactly).
  const auto expected = sorted(live);
  REQUIRE(next.state.live.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i)
    CHECK(next.state.live[i] == expected[i]);

  // Finals are stored as closed rows and are not part of the live state.
  auto stored = require_ok(store.all_candles(names.symbol_prefix));
  std::vector<candle> expected_all = expected;
  expected_all.insert(expected_all.end(), finals.begin(), finals.end());
  expected_all = sorted(expected_all);
  REQUIRE(stored.size() == expected_all.size());
  for (std::size_t i = 0; i < stored.size(); ++i)
    CHECK(stored[i] == expected_all[i]);
}

TEST_CASE("no watermark yet is stored as NULL and read back as no_watermark", "[store][checkpoint]") {
  run_names names;
  cleanup_guard cleanup{names};
  auto store = open_store();
  const auto claim = require_ok(store.claim_partition(names.topic, partition_0, "node-a"));
  const auto state = state_at(7, cs::no_watermark, cs::no_watermark);
  CHECK(require_ok(store.commit_checkpoint(names.topic, partition_0, claim.epoch, state, {}, {}))
        == rt::checkpoint_outcome::committed);

  const auto nulls = require_ok(cleanup.admin().transact([&](pqxx::work& tx) {
    return tx
      .exec_params1("SELECT watermark IS NULL AND max_event_ts IS NULL FROM partition_checkpoint"
                    " WHERE topic = $1 AND partition = $2",
                    names.topic, partition_0)[0]
      .as<bool>();
  }));
  CHECK(nulls);
  const auto next = require_ok(store.claim_partition(names.topic, partition_0, "node-a"));
  CHECK(next.state.next_offset == 7);
  CHECK(next.state.clock == cs::watermark_state{});
}

TEST_CASE("a stale epoch is fenced and none of its candles are written", "[store][checkpoint][fencing]") {
  run_names names;
  cleanup_guard cleanup{names};
  auto node_a = open_store();
  auto node_b = open_store();

  const auto a = require_ok(node_a.claim_partition(names.topic, partition_0, "node-a"));
  const auto b = require_ok(node_b.claim_partition(names.topic, partition_0, "node-b"));
  REQUIRE(b.epoch > a.epoch);

  const auto stale_state = state_at(999, base_time, base_time - cs::ns_per_s);
  const std::vector<candle> stale_finals = {
    make_candle(names.symbol("A"), one_minute, base_time, {}, true)};
  const auto stale_live = awkward_live_candles(names);
  CHECK(require_ok(node_a.commit_checkpoint(names.topic, partition_0, a.epoch, stale_state,
                                            stale_finals, stale_live))
        == rt::checkpoint_outcome::fenced);

  // Rolled back: no candle of the stale owner, the checkpoint still as node-b claimed it.
  CHECK(require_ok(node_a.count_candles(names.symbol_prefix)) == 0);
  const auto row = require_ok(node_a.load_checkpoint(names.topic, partition_0));
  REQUIRE(row.has_value());
  CHECK(row->epoch == b.epoch);
  CHECK(row->next_offset == 0);
  CHECK(row->owner == "node-b");

  // The current owner commits; the stale one stays fenced afterwards too.
  const auto good_state = state_at(1000, base_time, base_time - cs::ns_per_s);
  CHECK(require_ok(node_b.commit_checkpoint(names.topic, partition_0, b.epoch, good_state,
                                            stale_finals, {}))
        == rt::checkpoint_outcome::committed);
  CHECK(require_ok(node_a.commit_checkpoint(names.topic, partition_0, a.epoch, stale_state, {},
                                            stale_live))
        == rt::checkpoint_outcome::fenced);
  CHECK(require_ok(node_a.count_candles(names.symbol_prefix)) == 1);
  CHECK(require_ok(node_a.load_checkpoint(names.topic, partition_0))->next_offset == 1000);
}

TEST_CASE("a claim racing a stream of checkpoints loads exactly the last one that committed",
          "[store][checkpoint][fencing]") {
  run_names names;
  cleanup_guard cleanup{names};
  auto node_a = open_store();
  auto node_b = open_store();
  const std::string symbol = names.symbol("RACE");
  // Commits node A gets in before node B claims; enough for the claim to land mid-stream.
  constexpr std::int64_t commits_before_claim = 20;
  constexpr std::int64_t give_up_after = 100'000;

  const auto a = require_ok(node_a.claim_partition(names.topic, partition_0, "node-a"));
  std::atomic<std::int64_t> last_committed{0};
  std::atomic<bool> a_failed{false};
  std::string a_error; // written by the writer, read only after join()
  std::jthread writer{[&] {
    // Checkpoint i: next_offset i, one live candle with volume i.
    for (std::int64_t i = 1; i < give_up_after; ++i) {
      candle_spec spec;
      spec.volume = static_cast<std::uint64_t>(i);
      const auto outcome = node_a.commit_checkpoint(
        names.topic, partition_0, a.epoch, state_at(i, base_time, base_time - cs::ns_per_s), {},
        {make_candle(symbol, one_minute, base_time, spec)});
      if (!outcome) {
        a_error = outcome.error().reason;
        a_failed = true;
        return;
      }
      if (*outcome == rt::checkpoint_outcome::fenced)
        return;
      last_committed = i;
    }
  }};
  while (last_committed < commits_before_claim && !a_failed)
    std::this_thread::sleep_for(std::chrono::milliseconds{1});
  const auto b = require_ok(node_b.claim_partition(names.topic, partition_0, "node-b"));
  writer.join();

  REQUIRE(a_error == "");
  // Every checkpoint A saw committed is in B's state, and none after it: nothing lost, nothing
  // applied twice.
  CHECK(b.state.next_offset == last_committed.load());
  REQUIRE(b.state.live.size() == 1);
  CHECK(b.state.live[0].bar.volume == static_cast<std::uint64_t>(last_committed.load()));
  const auto stored = require_ok(node_b.all_candles(names.symbol_prefix));
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].bar.volume == static_cast<std::uint64_t>(last_committed.load()));
}

TEST_CASE("the same checkpoint committed twice leaves the same rows", "[store][checkpoint]") {
  run_names names;
  cleanup_guard cleanup{names};
  auto store = open_store();
  const auto claim = require_ok(store.claim_partition(names.topic, partition_0, "node-a"));
  const auto state = state_at(50, base_time, base_time - cs::ns_per_s);
  const auto live = awkward_live_candles(names);
  const std::vector<candle> finals = {
    make_candle(names.symbol("C"), one_minute, base_time - cs::ns_per_min, {}, true)};

  CHECK(require_ok(store.commit_checkpoint(names.topic, partition_0, claim.epoch, state, finals, live))
        == rt::checkpoint_outcome::committed);
  const auto once = require_ok(store.all_candles(names.symbol_prefix));
  CHECK(require_ok(store.commit_checkpoint(names.topic, partition_0, claim.epoch, state, finals, live))
        == rt::checkpoint_outcome::committed);
  const auto twice = require_ok(store.all_candles(names.symbol_prefix));
  CHECK(once.size() == live.size() + finals.size());
  CHECK(twice == once);
}

TEST_CASE("a live upsert never turns a final candle back into a live one", "[store][checkpoint]") {
  run_names names;
  cleanup_guard cleanup{names};
  auto store = open_store();
  const auto claim = require_ok(store.claim_partition(names.topic, partition_0, "node-a"));
  const auto state = state_at(10, base_time, base_time - cs::ns_per_s);

  candle_spec final_values;
  final_values.close = 100.75;
  final_values.volume = 9;
  const candle final_candle = make_candle(names.symbol("A"), one_minute, base_time, final_values, true);
  candle late_live = make_candle(names.symbol("A"), one_minute, base_time, {}, false);

  CHECK(require_ok(store.commit_checkpoint(names.topic, partition_0, claim.epoch, state,
                                           {final_candle}, {}))
        == rt::checkpoint_outcome::committed);
  CHECK(require_ok(store.commit_checkpoint(names.topic, partition_0, claim.epoch, state, {},
                                           {late_live}))
        == rt::checkpoint_outcome::committed);
  auto stored = require_ok(store.all_candles(names.symbol_prefix));
  REQUIRE(stored.size() == 1);
  CHECK(stored[0] == final_candle);
  // Not loaded as live by the next owner either.
  CHECK(require_ok(store.claim_partition(names.topic, partition_0, "node-b")).state.live.empty());

  SECTION("live first, then final: the final replaces it") {
    const candle live_first = make_candle(names.symbol("B"), one_minute, base_time);
    const candle final_later = make_candle(names.symbol("B"), one_minute, base_time, final_values, true);
    const auto epoch = require_ok(store.load_checkpoint(names.topic, partition_0))->epoch;
    CHECK(require_ok(store.commit_checkpoint(names.topic, partition_0, epoch, state, {}, {live_first}))
          == rt::checkpoint_outcome::committed);
    CHECK(require_ok(store.commit_checkpoint(names.topic, partition_0, epoch, state, {final_later}, {}))
          == rt::checkpoint_outcome::committed);
    const auto b = require_ok(store.query_candles(names.symbol("B"), one_minute, base_time,
                                                  base_time + cs::ns_per_min, 10));
    REQUIRE(b.size() == 1);
    CHECK(b[0] == final_later);
  }
}

TEST_CASE("a key in both lists of one checkpoint is written once, the final one",
          "[store][checkpoint]") {
  run_names names;
  cleanup_guard cleanup{names};
  auto store = open_store();
  const auto claim = require_ok(store.claim_partition(names.topic, partition_0, "node-a"));
  const auto state = state_at(10, base_time, base_time - cs::ns_per_s);

  candle_spec older;
  candle_spec newer;
  newer.close = 100.25;
  newer.volume = 4;
  const candle live_old = make_candle(names.symbol("A"), one_minute, base_time, older);
  const candle live_new = make_candle(names.symbol("A"), one_minute, base_time, newer);
  const candle final_one = make_candle(names.symbol("A"), one_minute, base_time, newer, true);
  const candle other_live_old = make_candle(names.symbol("B"), one_minute, base_time, older);
  const candle other_live_new = make_candle(names.symbol("B"), one_minute, base_time, newer);

  // The candle's own closed flag is ignored: the list decides.
  CHECK(require_ok(store.commit_checkpoint(names.topic, partition_0, claim.epoch, state,
                                           {as_closed(final_one, false)},
                                           {live_old, other_live_old, live_new, other_live_new}))
        == rt::checkpoint_outcome::committed);
  const auto stored = require_ok(store.all_candles(names.symbol_prefix));
  REQUIRE(stored.size() == 2);
  CHECK(stored[0] == final_one);
  CHECK(stored[1] == other_live_new);
}

TEST_CASE("live candles are reloaded per topic and partition only", "[store][checkpoint]") {
  run_names names;
  run_names other_run;
  cleanup_guard cleanup{names};
  cleanup_guard other_cleanup{other_run};
  auto store = open_store();
  const auto state = state_at(10, base_time, base_time - cs::ns_per_s);

  const candle on_p0 = make_candle(names.symbol("P0"), one_minute, base_time);
  const candle on_p1 = make_candle(names.symbol("P1"), one_minute, base_time);
  const candle other_topic_p0 = make_candle(other_run.symbol("P0"), one_minute, base_time);
  const auto e0 = require_ok(store.claim_partition(names.topic, partition_0, "n")).epoch;
  const auto e1 = require_ok(store.claim_partition(names.topic, partition_1, "n")).epoch;
  const auto e_other = require_ok(store.claim_partition(other_run.topic, partition_0, "n")).epoch;
  for (const auto& [topic, p, epoch, c] :
       {std::tuple{names.topic, partition_0, e0, on_p0}, std::tuple{names.topic, partition_1, e1, on_p1},
        std::tuple{other_run.topic, partition_0, e_other, other_topic_p0}})
    CHECK(require_ok(store.commit_checkpoint(topic, p, epoch, state, {}, {c}))
          == rt::checkpoint_outcome::committed);

  const auto p0 = require_ok(store.claim_partition(names.topic, partition_0, "n"));
  REQUIRE(p0.state.live.size() == 1);
  CHECK(p0.state.live[0] == on_p0);
  const auto p1 = require_ok(store.claim_partition(names.topic, partition_1, "n"));
  REQUIRE(p1.state.live.size() == 1);
  CHECK(p1.state.live[0] == on_p1);
}

TEST_CASE("an invalid candle is refused before anything is written", "[store][checkpoint]") {
  run_names names;
  cleanup_guard cleanup{names};
  auto store = open_store();
  const auto claim = require_ok(store.claim_partition(names.topic, partition_0, "node-a"));
  candle bad = make_candle(names.symbol("A"), one_minute, base_time);
  bad.bar.high = std::numeric_limits<double>::quiet_NaN();
  const candle good = make_candle(names.symbol("B"), one_minute, base_time);

  const auto refused = store.commit_checkpoint(names.topic, partition_0, claim.epoch,
                                               state_at(5, base_time, base_time), {}, {good, bad});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == rt::pg_errc::other);
  CHECK_THAT(refused.error().reason, Catch::Contains("non-finite price"));
  CHECK(require_ok(store.count_candles(names.symbol_prefix)) == 0);
  CHECK(require_ok(store.load_checkpoint(names.topic, partition_0))->next_offset == 0);
}
