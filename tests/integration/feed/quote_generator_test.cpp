// The simulator's stream: deterministic per seed; every kind decodes the way it claims (valid
// events decode, each invalid kind is rejected for its reason); prices, times and sizes are sane.
// Also the command-line plan and the pacing arithmetic.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <set>

#include "messages/event_decoder.hpp"
#include "messages/symbol.hpp"
#include "pacing.hpp"
#include "quote_generator.hpp"
#include "simulate_plan.hpp"

namespace {
using namespace cs;
using namespace cs::feed;

constexpr timestamp_ns start = 1'732'500'000'000LL * ns_per_ms;
constexpr duration_ns lateness = 2 * ns_per_s;
constexpr timestamp_ns no_clock = INT64_MAX;

sim_options options(std::uint64_t seed = 42) {
  sim_options o;
  o.symbols = make_symbols("SYM", 10);
  o.seed = seed;
  o.start = start;
  o.tick = 10 * ns_per_ms;
  o.jitter = 500 * ns_per_ms;
  o.late_by = 3 * ns_per_min;
  o.late_fraction = 0.1;
  o.invalid_fraction = 0.2;
  return o;
}

std::vector<sim_message> generate(const sim_options& o, std::size_t n) {
  quote_generator g{o};
  std::vector<sim_message> out(n);
  for (auto& m : out) g.next(m);
  return out;
}

} // namespace

TEST_CASE("symbol names are zero-padded and valid", "[feed][simulate]") {
  CHECK(make_symbols("SYM", 3) == std::vector<std::string>{"SYM000", "SYM001", "SYM002"});
  const auto many = make_symbols("X", 12345);
  CHECK(many.front() == "X00000");
  CHECK(many.back() == "X12344");
  for (const auto& s : make_symbols("SYM", 50)) CHECK(is_valid_symbol(s));
}

TEST_CASE("the same seed gives the same stream, another seed another", "[feed][simulate]") {
  const auto a = generate(options(1), 500);
  const auto b = generate(options(1), 500);
  const auto c = generate(options(2), 500);
  bool all_same = true, any_different = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    all_same = all_same && a[i].payload == b[i].payload && a[i].key == b[i].key && a[i].kind == b[i].kind;
    any_different = any_different || a[i].payload != c[i].payload;
  }
  CHECK(all_same);
  CHECK(any_different);
}

TEST_CASE("every kind decodes as it claims", "[feed][simulate]") {
  const auto o = options();
  const auto msgs = generate(o, 5000);
  event_decoder decoder;
  std::map<sim_kind, int> seen;
  bid_ask_event e;
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    const auto& m = msgs[i];
    ++seen[m.kind];
    INFO(i << " " << to_string(m.kind) << " " << m.payload);
    const auto st = decoder.decode(m.payload, no_clock, e);
    CHECK(st.reason == expected_reject_reason(m.kind));
    if (!st.ok()) continue;
    CHECK(e.symbol == m.key);
    CHECK(e.ts == m.ts);
    CHECK(e.bid > 0);
    CHECK(e.bid < e.ask);
    CHECK(e.bid_size_units > 0);
    CHECK(e.ask_size_units > 0);
    // Two decimals: the shortest text of the price has at most two fraction digits.
    CHECK(std::round(e.bid * 100) / 100 == e.bid);
    const timestamp_ns base = start + static_cast<timestamp_ns>(i) * 10 * ns_per_ms;
    if (m.kind == sim_kind::late) {
      CHECK(e.ts == base - o.late_by);
    } else {
      CHECK(e.ts <= base);
      CHECK(e.ts >= base - o.jitter - ns_per_ms); // ms encoding floors by < 1 ms
    }
  }
  for (std::size_t k = 0; k < sim_kind_count; ++k) CHECK(seen[static_cast<sim_kind>(k)] > 0);
  // ~20% invalid, ~10% late
  CHECK(std::abs(seen[sim_kind::late] - 500) < 100);
  CHECK(std::abs(seen[sim_kind::valid] - 3500) < 200);
}

TEST_CASE("bad symbols are keyed by the bad symbol; others by theirs", "[feed][simulate]") {
  for (const auto& m : generate(options(), 2000)) {
    if (m.kind == sim_kind::bad_symbol) CHECK_FALSE(is_valid_symbol(m.key));
    else CHECK(is_valid_symbol(m.key));
  }
}

TEST_CASE("nanosecond time field and no sizes", "[feed][simulate]") {
  auto o = options();
  o.time_field = event_time_field::nanos;
  o.sizes = false;
  o.invalid_fraction = o.late_fraction = 0;
  o.jitter = 0;
  o.tick = 1500; // 1.5 us: only timestampNs keeps these apart
  event_decoder decoder;
  bid_ask_event e;
  const auto msgs = generate(o, 100);
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    REQUIRE(decoder.decode(msgs[i].payload, no_clock, e).ok());
    CHECK(e.ts == start + static_cast<timestamp_ns>(i) * 1500);
    CHECK(e.bid_size_units == 0);
    CHECK(msgs[i].payload.find("Size") == std::string::npos);
  }
}

TEST_CASE("random walks stay positive with a spread of at least a tick", "[feed][simulate]") {
  auto o = options();
  o.invalid_fraction = o.late_fraction = 0;
  o.volatility_bps = 500; // wild: 5% per step
  o.symbols = make_symbols("W", 2);
  event_decoder decoder;
  bid_ask_event e;
  for (const auto& m : generate(o, 20000)) {
    REQUIRE(decoder.decode(m.payload, no_clock, e).ok());
    CHECK(e.bid >= 0.01);
    CHECK(e.ask - e.bid >= 0.01 - 1e-9);
  }
}

TEST_CASE("plan: defaults, bounds and start time", "[feed][simulate][plan]") {
  constexpr timestamp_ns now = start;
  simulate_settings s;
  auto p = plan_simulation(s, lateness, now);
  REQUIRE(p.ok());
  CHECK(p->max_count == default_count_bound); // never unbounded
  CHECK_FALSE(p->max_duration.has_value());
  CHECK(p->generator.start == now);            // paced: event time follows the clock
  CHECK(p->generator.rate == 1000);
  CHECK(p->generator.symbols.size() == 50);
  CHECK(p->generator.late_by == lateness + default_late_margin);

  s.rate = 0;
  s.count = 1000;
  s.tick_us = 100;
  p = plan_simulation(s, lateness, now);
  REQUIRE(p.ok());
  CHECK(p->generator.start == now - 1000 * 100 * ns_per_us); // unpaced: ends at the present
  CHECK(p->generator.tick == 100 * ns_per_us);
  CHECK(p->warnings.empty());

  s.count.reset();
  s.duration_s = 5;
  p = plan_simulation(s, lateness, now);
  REQUIRE(p.ok());
  CHECK(p->generator.start == now);
  CHECK(p->max_duration == 5 * ns_per_s);
  CHECK(p->warnings.size() == 1); // may run ahead of the clock

  s.start_ms = 1000;
  s.jitter_ms = 3000;
  s.late_by_ms = 9000;
  p = plan_simulation(s, lateness, now);
  REQUIRE(p.ok());
  CHECK(p->generator.start == ns_per_s);
  CHECK(p->generator.late_by == 9 * ns_per_s);
  CHECK(p->warnings.size() == 1); // jitter beyond lateness
}

TEST_CASE("plan: bad flags are refused with the flag's name", "[feed][simulate][plan]") {
  const auto error_of = [](simulate_settings s) {
    auto p = plan_simulation(s, lateness, start);
    return p ? std::string{} : p.error().reason;
  };
  simulate_settings s;
  s.symbols = 0;
  CHECK_THAT(error_of(s), Catch::Contains("--symbols"));
  s = {};
  s.late_fraction = 0.6;
  s.invalid_fraction = 0.6;
  CHECK_THAT(error_of(s), Catch::Contains("must not exceed 1"));
  s = {};
  s.symbol_prefix = "BAD PREFIX";
  CHECK_THAT(error_of(s), Catch::Contains("--symbol-prefix"));
  s = {};
  s.symbol_prefix = std::string(40, 'A');
  CHECK_THAT(error_of(s), Catch::Contains("--symbol-prefix"));
  s = {};
  s.count = 0;
  CHECK_THAT(error_of(s), Catch::Contains("--count"));
  simulate_settings bad_field; // fresh: `s = {}` then `= "s"` trips GCC 12's -Wrestrict false positive
  bad_field.time_field = "seconds";
  CHECK_THAT(error_of(bad_field), Catch::Contains("--time-field"));
  s = {};
  s.price_decimals = 9;
  CHECK_THAT(error_of(s), Catch::Contains("--price-decimals"));
}

TEST_CASE("pacing: fixed rate and replay speed", "[feed][pacing]") {
  const rate_schedule r{1000};
  CHECK(r.due(0) == 0);
  CHECK(r.due(1) == ns_per_ms);
  CHECK(r.due(1500) == 1500 * ns_per_ms);
  const rate_schedule unpaced{0};
  CHECK(unpaced.due(1'000'000) == 0);
  const rate_schedule third{3};
  CHECK(third.due(3) == ns_per_s);

  replay_schedule x2{2};
  CHECK(x2.due(start) == 0);
  CHECK(x2.due(start + 2 * ns_per_s) == ns_per_s);
  CHECK(x2.due(start + ns_per_s) == ns_per_s); // back in time: at once, never earlier
  CHECK(x2.due(start + 10 * ns_per_s) == 5 * ns_per_s);
}
