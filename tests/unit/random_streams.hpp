#pragma once
// Random bid/ask streams as Kafka payloads: out-of-order within lateness, late and invalid
// events mixed in, time scales that cross second, minute, day, week and month boundaries.
#include <random>
#include <string>
#include <vector>

#include "messages/event_json.hpp"
#include "messages/time.hpp"

namespace cs::testing {

struct stream_case {
  std::vector<std::string> payloads;
  std::vector<bool> valid;
  duration_ns lateness = 0;
};

inline constexpr duration_ns step_scales[] = {ns_per_ms, 250 * ns_per_ms, 7 * ns_per_s, 3 * ns_per_hour, 2 * ns_per_day};
inline constexpr duration_ns lateness_choices[] = {0, ns_per_ms, 2 * ns_per_s, ns_per_hour, 3 * ns_per_day};

inline stream_case random_stream(std::mt19937_64& rng) {
  stream_case sc;
  const duration_ns scale = step_scales[rng() % std::size(step_scales)];
  sc.lateness = lateness_choices[rng() % std::size(lateness_choices)];
  const std::size_t n = 20 + rng() % 180;
  const std::size_t nsym = 1 + rng() % 5;
  // Start anywhere from 1950 to 2040, so that negative times are covered too.
  timestamp_ns t = -630'000'000 * ns_per_s + static_cast<timestamp_ns>(rng() % 2'840'000'000ull) * ns_per_s;
  const bool ns_times = rng() % 2;
  for (std::size_t i = 0; i < n; ++i) {
    t += static_cast<timestamp_ns>(rng() % static_cast<std::uint64_t>(scale));
    const auto kind = rng() % 100;
    timestamp_ns ts = t;
    if (kind < 30 && sc.lateness > 0) ts -= static_cast<timestamp_ns>(rng() % static_cast<std::uint64_t>(sc.lateness + 1)); // within lateness
    else if (kind < 37) ts -= static_cast<timestamp_ns>(rng() % static_cast<std::uint64_t>(8 * scale + sc.lateness + 1)); // maybe late
    if (!ns_times) ts = floor_div(ts, ns_per_ms) * ns_per_ms;
    bid_ask_event e;
    e.symbol = std::string("S") + static_cast<char>('0' + rng() % nsym);
    const double mid = 10.0 + static_cast<double>(rng() % 100'000) / 64.0;
    const double half_spread = static_cast<double>(rng() % 8) / 128.0;
    e.bid = mid - half_spread;
    e.ask = mid + half_spread;
    e.ts = ts;
    e.bid_size_units = (rng() % 3 == 0) ? static_cast<std::int64_t>(rng() % 100'000) * 100'000 : 0;
    if (kind >= 95) {
      // Invalid: crossed quote, bad symbol, bad JSON, missing field, non-positive price.
      static const char* junk[] = {R"({"symbol":"S0","bid":5,"ask":4,"timestamp":1})", R"({"symbol":"bad sym","bid":1,"ask":2,"timestamp":1})",
                                   R"({"symbol":"S0","bid":1,"ask":)", R"({"symbol":"S0","ask":2,"timestamp":1})",
                                   R"({"symbol":"S0","bid":0,"ask":2,"timestamp":1})"};
      sc.payloads.emplace_back(junk[rng() % std::size(junk)]);
      sc.valid.push_back(false);
    } else {
      sc.payloads.push_back(to_json(e, ns_times ? event_time_field::nanos : event_time_field::millis));
      sc.valid.push_back(true);
    }
  }
  return sc;
}

// Far in the future: nothing generated is rejected as "ahead of the clock".
inline constexpr timestamp_ns test_now = 4'102'444'800 * ns_per_s;

} // namespace cs::testing
