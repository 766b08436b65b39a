// candle-bench: measurements of candlestream.
//   candle-bench core [--json]      decode+validate, aggregation throughput, bytes per live candle
#include <CLI/CLI.hpp>

#include <iostream>

#include "core_bench.hpp"

int main(int argc, char** argv) {
  CLI::App app{"candle-bench: candlestream benchmarks (figures for issue notes and regressions)"};
  app.require_subcommand(1);

  cs::bench::core_options core;
  auto* core_cmd = app.add_subcommand("core", "decode+validate ns/event, aggregation events/s on one core, bytes per live candle");
  core_cmd->add_flag("--json", core.json, "print one JSON object (decode_ns_per_event, aggregate_events_per_sec, bytes_per_live_candle)");
  core_cmd->add_option("--symbols", core.symbols, "symbols in the aggregation benchmark")->check(CLI::PositiveNumber);
  core_cmd->add_option("--events", core.events, "events per aggregation repeat")->check(CLI::PositiveNumber);
  core_cmd->add_option("--repeats", core.repeats, "timed repeats (after one warm-up); the median is reported")->check(CLI::PositiveNumber);
  core_cmd->add_option("--intervals", core.intervals, "comma-separated intervals to aggregate");

  CLI11_PARSE(app, argc, argv);
  if (*core_cmd) return cs::bench::run_core(core, std::cout);
  return 0;
}
