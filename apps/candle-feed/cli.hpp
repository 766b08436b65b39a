#pragma once
// The command line of candle-feed (CLI11): subcommands, their flags bound to the option
// structs of commands.hpp, help texts and defaults. Config keys (--kafka.brokers=... etc.) are
// taken out before this parser runs (runtime::config::load) and listed in the help footer.
#include <CLI/CLI.hpp>

#include "commands.hpp"

namespace cs::feed {

struct feed_cli {
  CLI::App app{"candle-feed: sends simulated or recorded bid/ask quotes to Kafka and computes the "
               "candles a stream must produce (offline reference)",
               "candle-feed"};
  simulate_settings simulate;
  producer_flags simulate_producer;
  replay_flags replay;
  reference_flags reference;
  CLI::App* simulate_cmd = nullptr;
  CLI::App* replay_cmd = nullptr;
  CLI::App* reference_cmd = nullptr;

  feed_cli();
  feed_cli(const feed_cli&) = delete;
  feed_cli& operator=(const feed_cli&) = delete;
  // Copies flags that CLI11 holds as "was it given?" into the optionals of the structs.
  void after_parse();

private:
  CLI::Option* count_opt_ = nullptr;
  CLI::Option* duration_opt_ = nullptr;
  CLI::Option* start_opt_ = nullptr;
  CLI::Option* late_by_opt_ = nullptr;
  CLI::Option* to_offset_opt_ = nullptr;
  std::uint64_t count_ = 0;
  double duration_s_ = 0;
  std::int64_t start_ms_ = 0;
  std::int64_t late_by_ms_ = 0;
  std::int64_t to_offset_ = 0;
};

} // namespace cs::feed
