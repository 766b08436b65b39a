#pragma once
// The subcommands of candle-feed: their options as parsed from the command line, and the
// functions that run them. Each returns the process exit code; failures at the edges throw
// (usage_error: exit 2; kafka_failure and other runtime errors: exit 1; see main.cpp).
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "column_mapping.hpp"
#include "runtime/config/config.hpp"
#include "simulate_plan.hpp"

namespace cs::feed {

struct usage_error : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1; // Kafka unreachable, deliveries failed, unreadable input
inline constexpr int exit_usage = 2;

// Producer flags shared by simulate and replay.
struct producer_flags {
  std::vector<std::string> properties; // librdkafka KEY=VALUE overrides
  std::int64_t flush_timeout_ms = 60'000;
};

// CSV flags shared by replay and reference, as typed; to_layout() checks and converts them.
struct csv_flags {
  std::string file;
  csv_layout layout;
  std::string ts_unit = "ms";
  std::string delimiter = ",";
  bool no_header = false;
  csv_layout to_layout() const; // throws usage_error
};

struct replay_flags {
  csv_flags csv;
  producer_flags producer;
  double speed = 1;
  bool fast = false;
};

struct reference_flags {
  csv_flags csv;              // csv.file set: --csv mode
  bool topic_range = false;   // --topic-range mode
  std::string from_offset = "beginning";
  std::optional<std::int64_t> to_offset;
  bool check_future_skew = false;
  std::string format = "csv";
  std::string out;            // empty: stdout
  bool finals_only = false;
  std::int64_t stall_timeout_ms = 30'000;
};

int run_simulate(const runtime::config& cfg, const simulate_settings& settings, const producer_flags& producer);
int run_replay(const runtime::config& cfg, const replay_flags& flags);
int run_reference(const runtime::config& cfg, const reference_flags& flags);

} // namespace cs::feed
