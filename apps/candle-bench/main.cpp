// candle-bench: measurements of candlestream.
//   candle-bench core [--json]      decode+validate, aggregation throughput, bytes per live candle
//   candle-bench pipeline [--json]  Kafka -> candle-node -> PostgreSQL end to end, vs a bare consumer
#include <CLI/CLI.hpp>

#include <iostream>

#include "core_bench.hpp"
#include "pipeline_bench.hpp"

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

  cs::bench::pipeline_options pipe;
  auto* pipe_cmd = app.add_subcommand("pipeline", "pre-load events, then time a candle-node until every offset is checkpointed; "
                                                  "compare with a bare librdkafka consumer (needs deploy/services up)");
  pipe_cmd->add_flag("--json", pipe.json, "print one JSON object (events, events_per_sec, ceiling_events_per_sec, cpu_seconds, peak_rss_bytes)");
  pipe_cmd->add_option("--events", pipe.events, "events to pre-load")->check(CLI::PositiveNumber);
  pipe_cmd->add_option("--symbols", pipe.symbols, "symbols")->check(CLI::PositiveNumber);
  pipe_cmd->add_option("--market-rate", pipe.market_rate, "events per second of event time in the pre-loaded stream")
    ->check(CLI::PositiveNumber);
  pipe_cmd->add_option("--partitions", pipe.partitions, "partitions of the benchmark topic")->check(CLI::PositiveNumber);
  pipe_cmd->add_option("--config", pipe.config_file, "candlestream config file (brokers, PostgreSQL, node settings)");
  pipe_cmd->add_option("--timeout", pipe.timeout_s, "seconds to wait for the node");
  pipe_cmd->add_flag("--keep-topic", pipe.keep_topic, "do not delete the benchmark topic");

  CLI11_PARSE(app, argc, argv);
  if (*core_cmd) return cs::bench::run_core(core, std::cout);
  if (*pipe_cmd) {
    try {
      return cs::bench::run_pipeline(pipe, argv[0], std::cout);
    } catch (const std::exception& e) {
      std::cerr << "candle-bench pipeline: " << e.what() << "\n";
      return 1;
    }
  }
  return 0;
}
