#pragma once
// From the `simulate` command line (plain numbers in the units the flags use) to the generator's
// options and the run's bounds, with every check the flags need. Separate from the I/O so tests
// can regenerate exactly the stream a given command line sends.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/time.hpp"
#include "quote_generator.hpp"
#include "runtime/result.hpp"

namespace cs::feed {

// The bound when neither --count nor --duration is given: a simulation never runs forever.
inline constexpr std::uint64_t default_count_bound = 100'000;
// How far behind late events are, beyond the allowed lateness, unless --late-by-ms says: enough
// to be final for 1s, 5s and 1m buckets (longer buckets still take them: "partly late").
inline constexpr duration_ns default_late_margin = 2 * ns_per_min;

struct simulate_settings {
  std::uint32_t symbols = 50;
  bool cycle_symbols = false;
  std::string symbol_prefix = "SYM";
  double rate = 1000; // events per second; 0 = as fast as possible
  std::optional<std::uint64_t> count;
  std::optional<double> duration_s;
  std::uint64_t seed = 1;
  std::optional<std::int64_t> start_ms;
  std::int64_t tick_us = 1000; // event time step per event at --rate 0
  std::int64_t jitter_ms = 0;
  double late_fraction = 0;
  std::optional<std::int64_t> late_by_ms;
  double invalid_fraction = 0;
  bool sizes = true;
  double spread_bps = 2;
  double volatility_bps = 1;
  int price_decimals = 2;
  std::string time_field = "ms"; // "ms" (timestamp) or "ns" (timestampNs)
};

struct simulate_plan {
  sim_options generator;
  double rate = 0;                         // events per second of wall time; 0 = unpaced
  std::optional<std::uint64_t> max_count;  // stop after this many events
  std::optional<duration_ns> max_duration; // stop after this much wall time
  std::vector<std::string> warnings;      // odd but allowed combinations, for the user
};

// `now` is the wall clock (ns). The start time defaults to now; at --rate 0 with a count bound
// (given or the default) it is now - count * tick instead, so the stream ends at the present
// rather than in the future (a node rejects events more than max-future-skew ahead of its clock).
runtime::result<simulate_plan> plan_simulation(const simulate_settings& s, duration_ns allowed_lateness,
                                               timestamp_ns now);

} // namespace cs::feed
