#include "simulate_plan.hpp"

#include <cmath>

#include "messages/symbol.hpp"

namespace cs::feed {
namespace {
using runtime::failure;
constexpr int max_price_decimals = 8;
constexpr double max_bps = 10'000; // 100%
} // namespace

runtime::result<simulate_plan> plan_simulation(const simulate_settings& s, duration_ns lateness,
                                               timestamp_ns now) {
  if (s.symbols == 0) return failure{"--symbols must be at least 1"};
  if (!(s.rate >= 0) || !std::isfinite(s.rate)) return failure{"--rate must be >= 0 (0 = as fast as possible)"};
  if (s.count && *s.count == 0) return failure{"--count must be at least 1"};
  if (s.duration_s && !(*s.duration_s > 0 && std::isfinite(*s.duration_s))) return failure{"--duration must be > 0 seconds"};
  if (s.tick_us <= 0) return failure{"--tick-us must be at least 1"};
  if (s.jitter_ms < 0) return failure{"--jitter-ms must be >= 0"};
  if (s.late_by_ms && *s.late_by_ms <= 0) return failure{"--late-by-ms must be > 0"};
  for (auto [v, name] : {std::pair{s.late_fraction, "--late-fraction"}, std::pair{s.invalid_fraction, "--invalid-fraction"}})
    if (!(v >= 0 && v <= 1)) return failure{std::string(name) + " must be within [0, 1]"};
  if (s.late_fraction + s.invalid_fraction > 1) return failure{"--late-fraction + --invalid-fraction must not exceed 1"};
  if (!(s.spread_bps >= 0 && s.spread_bps < max_bps)) return failure{"--spread-bps must be within [0, 10000)"};
  if (!(s.volatility_bps >= 0 && s.volatility_bps < max_bps)) return failure{"--volatility-bps must be within [0, 10000)"};
  if (s.price_decimals < 0 || s.price_decimals > max_price_decimals) return failure{"--price-decimals must be within [0, 8]"};
  if (s.time_field != "ms" && s.time_field != "ns") return failure{"--time-field must be ms or ns"};

  simulate_plan p;
  auto& g = p.generator;
  g.symbols = make_symbols(s.symbol_prefix, s.symbols);
  if (!is_valid_symbol(g.symbols.back()))
    return failure{"--symbol-prefix '" + s.symbol_prefix + "' does not make valid symbols (" +
                   std::string(valid_symbol_form) + ")"};
  g.cycle_symbols = s.cycle_symbols;
  g.seed = s.seed;
  g.rate = s.rate;
  g.tick = s.tick_us * ns_per_us;
  g.jitter = s.jitter_ms * ns_per_ms;
  g.late_by = s.late_by_ms ? *s.late_by_ms * ns_per_ms : lateness + default_late_margin;
  g.late_fraction = s.late_fraction;
  g.invalid_fraction = s.invalid_fraction;
  g.sizes = s.sizes;
  g.spread_bps = s.spread_bps;
  g.volatility_bps = s.volatility_bps;
  g.price_decimals = s.price_decimals;
  g.time_field = s.time_field == "ns" ? event_time_field::nanos : event_time_field::millis;

  p.rate = s.rate;
  p.max_count = s.count;
  if (s.duration_s) p.max_duration = static_cast<duration_ns>(*s.duration_s * ns_per_s);
  if (!p.max_count && !p.max_duration) p.max_count = default_count_bound;

  if (s.start_ms) {
    g.start = *s.start_ms * ns_per_ms;
  } else if (s.rate == 0 && p.max_count) {
    // Unpaced: the stream's last event is at the present, so no event is in the future.
    g.start = now - static_cast<timestamp_ns>(*p.max_count) * g.tick;
  } else {
    g.start = now;
  }
  if (s.rate == 0 && !s.start_ms && !p.max_count)
    p.warnings.push_back("--rate 0 with only --duration: event time may run ahead of the clock, and a "
                         "node rejects events more than candle.max-future-skew ahead; give --count or --start-ms");
  // A jittered event is at most `jitter` behind its partition's newest event, so its bucket ends
  // after the watermark while jitter <= lateness.
  if (g.jitter > lateness)
    p.warnings.push_back("--jitter-ms exceeds candle.allowed-lateness: some jittered events will be late");
  return p;
}

} // namespace cs::feed
