// candle-bench: measurements of candlestream.
//   candle-bench core [--json]      decode+validate, the node's aggregation code (batch_router + candle_keeper)
//                                   on one core, bytes per live candle
//   candle-bench pipeline [--json]  Kafka -> candle-node -> PostgreSQL end to end, vs a bare consumer
//   candle-bench http [--json]      the node's read API under wrk (L1, PostgreSQL, history), vs a bare cpp-httplib server
//   candle-bench idle [--json]      CPU and wake-ups of a candle-node with partitions and no traffic
//   candle-bench sustained [--json] a node under a live feed and HTTP load for 10 minutes: lag, RSS, restarts
//   candle-bench ws [--json]        Kafka -> candle-node -> WebSocket client latency with 1,000 sessions; sessions one node holds
//   candle-bench store [--json]     candle rows/s through candle_store::commit_checkpoint, vs a bare COPY of the same rows
#include <CLI/CLI.hpp>

#include <iostream>

#include "core_bench.hpp"
#include "http_bench.hpp"
#include "idle_bench.hpp"
#include "pipeline_bench.hpp"
#include "store_bench.hpp"
#include "sustained_bench.hpp"
#include "ws_bench.hpp"

int main(int argc, char** argv) {
  CLI::App app{"candle-bench: candlestream benchmarks (figures for issue notes and regressions)"};
  app.require_subcommand(1);

  cs::bench::core_options core;
  auto* core_cmd = app.add_subcommand("core", "decode+validate ns/event; events/s on one core through the node's "
                                              "batch_router + candle_keeper (no CAF messaging); bytes per live candle");
  core_cmd->add_flag("--json", core.json, "print one JSON object (decode_ns_per_event, aggregate_events_per_sec, "
                                          "bytes_per_live_candle, aggregate_path)");
  core_cmd->add_option("--symbols", core.symbols, "symbols in the aggregation benchmark")->check(CLI::PositiveNumber);
  core_cmd->add_option("--events", core.events, "events per aggregation repeat")->check(CLI::PositiveNumber);
  core_cmd->add_option("--batch-records", core.batch_records, "records per poll batch routed at once")->check(CLI::PositiveNumber);
  core_cmd->add_option("--repeats", core.repeats, "timed repeats (after one warm-up); the median is reported")->check(CLI::PositiveNumber);
  core_cmd->add_option("--intervals", core.intervals, "comma-separated intervals to aggregate");

  cs::bench::pipeline_options pipe;
  auto* pipe_cmd = app.add_subcommand("pipeline", "pre-load events, then time a candle-node until every offset is checkpointed; "
                                                  "compare with a bare librdkafka consumer (needs deploy/services up)");
  pipe_cmd->add_flag("--json", pipe.json, "print one JSON object (events, nodes, events_per_sec, ceiling_events_per_sec, ratio_to_ceiling, "
                                          "cpu_seconds, cpu_seconds_per_million_events, ceiling_cpu_seconds_per_million_events, peak_rss_bytes, "
                                          "postgres_cpu_seconds, redis_cpu_seconds, broker_cpu_seconds, machine_idle_seconds (medians of --rounds), "
                                          "events_per_sec_min/max, ceiling_min/max_events_per_sec, runs, idle_rss_bytes, live_keys, "
                                          "rss_per_key_bytes, scrapes, scrape_interval_s, candle_rows, candle_rows_per_sec; with --idle "
                                          "idle_cpu_percent; with --market-rate copy_ceiling_rows_per_sec; with --metrics-pairs the "
                                          "metrics_* keys)");
  pipe_cmd->add_option("--rounds", pipe.rounds, "interleaved rounds of (bare consumer, node) after a warm-up read; medians are the figures")
    ->check(CLI::Range(1, 50));
  pipe_cmd->add_option("--idle", pipe.idle_seconds, "also measure the node with partitions and no traffic for this many seconds "
                                                    "(idle_cpu_percent; 0: not)")
    ->check(CLI::NonNegativeNumber);
  pipe_cmd->add_option("--events", pipe.events, "events to pre-load")->check(CLI::PositiveNumber);
  pipe_cmd->add_option("--symbols", pipe.symbols, "symbols")->check(CLI::PositiveNumber);
  pipe_cmd->add_option("--market-rate", pipe.market_rate, "events per second of event time in the pre-loaded stream")
    ->check(CLI::PositiveNumber);
  pipe_cmd->add_option("--partitions", pipe.partitions, "partitions of the benchmark topic")->check(CLI::PositiveNumber);
  pipe_cmd->add_option("--nodes", pipe.nodes, "candle-nodes sharing the topic in one consumer group (HTTP ports after the first's); "
                                              "CPU and RSS are their sums")
    ->check(CLI::Range(1, 16));
  pipe_cmd->add_option("--config", pipe.config_file, "candlestream config file (brokers, PostgreSQL, node settings)");
  pipe_cmd->add_option("--timeout", pipe.timeout_s, "seconds to wait for the node");
  pipe_cmd->add_flag("--keep-topic", pipe.keep_topic, "do not delete the benchmark topic");
  pipe_cmd->add_option("--scrape-interval", pipe.scrape_interval_s, "seconds between GET /metrics of the timed node, as Prometheus would (0: never)")
    ->check(CLI::NonNegativeNumber);
  pipe_cmd->add_option("--metrics-pairs", pipe.metrics_pairs, "after the main run, this many pairs of runs with node.metrics off and on "
                                                              "(alternating order): metrics_off/on_events_per_sec, metrics_overhead_pct, "
                                                              "metrics_off/on_cpu_seconds, metrics_cpu_overhead_pct")
    ->check(CLI::NonNegativeNumber);

  cs::bench::http_options http;
  auto* http_cmd = app.add_subcommand("http", "feed a candle-node, then load its read API with wrk: a 300-candle answer from L1, "
                                              "the same from PostgreSQL, /api/v1/history; compare with a bare cpp-httplib server "
                                              "answering the same bytes (needs deploy/services up and wrk)");
  http_cmd->add_flag("--json", http.json, "print one JSON object (l1_req_per_sec, l1_p50_ms, l1_p99_ms, ceiling_req_per_sec, ..., "
                                          "response_bytes, connections)");
  http_cmd->add_option("--duration", http.duration_s, "measured seconds per wrk run")->check(CLI::PositiveNumber);
  http_cmd->add_option("--warmup", http.warmup_s, "unmeasured seconds of wrk before each measured run")->check(CLI::NonNegativeNumber);
  http_cmd->add_option("--connections", http.connections, "wrk connections")->check(CLI::PositiveNumber);
  http_cmd->add_option("--wrk-threads", http.wrk_threads, "wrk threads")->check(CLI::PositiveNumber);
  http_cmd->add_option("--rounds", http.rounds, "interleaved rounds of (ceiling, node L1, history); medians are reported")
    ->check(CLI::PositiveNumber);
  http_cmd->add_option("--http-threads", http.http_threads, "server threads of the node (http.threads) and of the ceiling server")
    ->check(CLI::PositiveNumber);
  http_cmd->add_option("--symbols", http.symbols, "symbols fed")->check(CLI::PositiveNumber);
  http_cmd->add_option("--minutes", http.minutes, "minutes of event time fed per symbol (at least 340)")->check(CLI::PositiveNumber);
  http_cmd->add_option("--config", http.config_file, "candlestream config file (brokers, PostgreSQL, node settings)");
  http_cmd->add_option("--timeout", http.timeout_s, "seconds to wait for the node (ingestion, readiness)");
  http_cmd->add_flag("--keep", http.keep, "keep the benchmark topic and the bench's rows in PostgreSQL");
  http_cmd->add_flag("!--no-answer-cache", http.answer_cache,
                     "start the node with cache.answer-max-bytes=0: L1 answers from its candle blocks only");

  cs::bench::ws_options ws;
  auto* ws_cmd = app.add_subcommand("ws", "event produced to Kafka -> live candle frame on a WebSocket client of a candle-node, "
                                          "with N subscribed sessions: p50/p99/max; then sessions one node holds with updates "
                                          "flowing and RSS per session (needs deploy/services up)");
  ws_cmd->add_flag("--json", ws.json, "print one JSON object (sessions, symbols, events, rate, live_interval_ms, latency_p50_ms, "
                                      "latency_p99_ms, latency_max_ms, receipts, missing_receipts, sessions_held, "
                                      "rss_per_session_bytes, node_rss_bytes, ...)");
  ws_cmd->add_option("--sessions", ws.sessions, "WebSocket sessions in the latency run, each on one (symbol, 1s) key round-robin")
    ->check(CLI::PositiveNumber);
  ws_cmd->add_option("--symbols", ws.symbols, "symbols")->check(CLI::PositiveNumber);
  ws_cmd->add_option("--events", ws.events, "measured events")->check(CLI::PositiveNumber);
  ws_cmd->add_option("--rate", ws.rate, "events per second round-robin over the symbols (default: symbols / max(2 x ws.live-interval, 500 ms), "
                                        "so the per-key throttle never holds a measured update back)")
    ->check(CLI::NonNegativeNumber);
  ws_cmd->add_option("--partitions", ws.partitions, "partitions of the benchmark topic")->check(CLI::PositiveNumber);
  ws_cmd->add_option("--max-sessions-probe", ws.max_sessions_probe, "after the latency run, open sessions up to this many in all "
                                                                   "with updates flowing (0: no probe)")
    ->check(CLI::NonNegativeNumber);
  ws_cmd->add_option("--probe-step", ws.probe_step, "sessions opened per probe step")->check(CLI::PositiveNumber);
  ws_cmd->add_option("--probe-hold", ws.probe_hold_s, "seconds at the probe's end in which every session must get updates")
    ->check(CLI::PositiveNumber);
  ws_cmd->add_option("--client-threads", ws.client_threads, "threads of the bench's WebSocket clients")->check(CLI::PositiveNumber);
  ws_cmd->add_option("--connect-parallel", ws.connect_parallel, "WebSocket handshakes in flight at once while opening sessions")
    ->check(CLI::PositiveNumber);
  ws_cmd->add_option("--config", ws.config_file, "candlestream config file (brokers, PostgreSQL, node settings)");
  ws_cmd->add_option("--timeout", ws.timeout_s, "seconds any one wait may take (node start, warm-up, a step of sessions)")
    ->check(CLI::PositiveNumber);
  ws_cmd->add_option("--trace", ws.trace_file, "write every frame the first session of each symbol receives to this file "
                                               "(arrival epoch ns, frame; an update's lastTs is its event's produce time)");
  ws_cmd->add_flag("--keep", ws.keep, "keep the benchmark topics and the bench's rows in PostgreSQL");

  cs::bench::store_bench_options store;
  auto* store_cmd = app.add_subcommand("store", "write candle rows through the real candle_store::commit_checkpoint (fenced, one "
                                                "transaction per batch) and, interleaved, a bare COPY of the same rows into a temp "
                                                "table like candles (the ceiling) (needs PostgreSQL up)");
  store_cmd->add_flag("--json", store.json, "print one JSON object (rows, batch_rows, store_rows_per_sec, store_seconds, "
                                            "copy_rows_per_sec, copy_seconds, store_vs_copy, runs)");
  store_cmd->add_option("--rows", store.rows, "candle rows per measured run")->check(CLI::PositiveNumber);
  store_cmd->add_option("--batch", store.batch, "rows per checkpoint (and per COPY transaction of the ceiling)")->check(CLI::PositiveNumber);
  store_cmd->add_option("--symbols", store.symbols, "distinct bench symbols")->check(CLI::PositiveNumber);
  store_cmd->add_option("--writers", store.writers, "candle_stores writing at once, each on its own partition and symbols "
                                                    "(as postgres.writers); the ceiling uses as many connections")
    ->check(CLI::Range(1, 64));
  store_cmd->add_option("--rounds", store.rounds, "interleaved (store, ceiling) rounds after one warm-up batch; medians are reported")
    ->check(CLI::Range(1, 100));
  store_cmd->add_option("--live-every", store.live_every, "every N-th row is a live candle, the rest final (0: all final)")
    ->check(CLI::NonNegativeNumber);
  store_cmd->add_option("--copy-min-rows", store.copy_min_rows, "the store's COPY threshold (store_options::copy_min_rows; "
                                                              "0: its default)")->check(CLI::NonNegativeNumber);
  store_cmd->add_option("--config", store.config_file, "candlestream config file (postgres.* keys)");
  store_cmd->add_flag("--keep", store.keep, "keep the bench's candles, series and checkpoint rows in PostgreSQL");

  cs::bench::idle_options idle;
  auto* idle_cmd = app.add_subcommand("idle", "a candle-node running its partitions with no traffic: CPU as a share of one core "
                                              "and wake-ups per second, by thread name (needs deploy/services up)");
  idle_cmd->add_flag("--json", idle.json, "print one JSON object (partitions, seconds, cpu_seconds, idle_cpu_percent (of one core), "
                                          "wakeups_per_sec, node_rss_bytes, threads: {name: {threads, cpu_ms, wakeups_per_sec}})");
  idle_cmd->add_option("--partitions", idle.partitions, "partitions of the benchmark topic, all on the node")->check(CLI::PositiveNumber);
  idle_cmd->add_option("--seconds", idle.seconds, "measured span")->check(CLI::PositiveNumber);
  idle_cmd->add_option("--settle", idle.settle_s, "seconds after every partition runs, before measuring")->check(CLI::NonNegativeNumber);
  idle_cmd->add_option("--scrape-interval", idle.scrape_interval_s, "GET /metrics this often while measuring, as Prometheus "
                                                                     "would (0: never)")
    ->check(CLI::NonNegativeNumber);
  idle_cmd->add_option("--config", idle.config_file, "candlestream config file (brokers, PostgreSQL, node settings)");
  idle_cmd->add_option("--timeout", idle.timeout_s, "seconds to wait for the node's partitions")->check(CLI::PositiveNumber);
  idle_cmd->add_flag("--keep", idle.keep, "keep the benchmark topic");

  cs::bench::sustained_options sus;
  auto* sus_cmd = app.add_subcommand("sustained", "a candle-node under a live feed (candle-feed simulate) at --rate while wrk loads "
                                                  "its read API, for --seconds: sampled consumer lag, RSS and restarts; the lag must "
                                                  "drain to 0 at the end (needs deploy/services up and wrk)");
  sus_cmd->add_flag("--json", sus.json, "print one JSON object (rate, consumed_events_per_sec, peak_lag, lag_at_load_end, drained, "
                                        "drain_seconds, rss_start_bytes, rss_end_bytes, rss_peak_bytes, restarts, http, http_node_non_2xx: the node's count of non-2xx answers per status, samples)");
  sus_cmd->add_option("--rate", sus.rate, "events per second produced (half the node's measured maximum is the usual choice)")
    ->check(CLI::PositiveNumber);
  sus_cmd->add_option("--seconds", sus.seconds, "how long the feed and the HTTP load run")->check(CLI::PositiveNumber);
  sus_cmd->add_option("--symbols", sus.symbols, "symbols")->check(CLI::PositiveNumber);
  sus_cmd->add_option("--partitions", sus.partitions, "partitions of the benchmark topic")->check(CLI::PositiveNumber);
  sus_cmd->add_option("--http-threads", sus.http_threads, "wrk threads")->check(CLI::PositiveNumber);
  sus_cmd->add_option("--http-connections", sus.http_connections, "wrk connections")->check(CLI::PositiveNumber);
  sus_cmd->add_option("--sample-interval", sus.sample_interval_s, "seconds between samples")->check(CLI::PositiveNumber);
  sus_cmd->add_option("--config", sus.config_file, "candlestream config file (brokers, PostgreSQL, node settings)");
  sus_cmd->add_flag("--keep", sus.keep, "keep the benchmark topic and the bench's rows");

  CLI11_PARSE(app, argc, argv);
  if (*sus_cmd) return cs::bench::run_sustained(sus, argv[0], std::cout);
  pipe.copy_ceiling = pipe_cmd->count("--market-rate") > 0;
  if (*idle_cmd) return cs::bench::run_idle(idle, argv[0], std::cout);
  if (*core_cmd) return cs::bench::run_core(core, std::cout);
  if (*pipe_cmd) {
    try {
      return cs::bench::run_pipeline(pipe, argv[0], std::cout);
    } catch (const std::exception& e) {
      std::cerr << "candle-bench pipeline: " << e.what() << "\n";
      return 1;
    }
  }
  if (*http_cmd) {
    try {
      return cs::bench::run_http(http, argv[0], std::cout);
    } catch (const std::exception& e) {
      std::cerr << "candle-bench http: " << e.what() << "\n";
      return 1;
    }
  }
  if (*ws_cmd) {
    try {
      return cs::bench::run_ws(ws, argv[0], std::cout);
    } catch (const std::exception& e) {
      std::cerr << "candle-bench ws: " << e.what() << "\n";
      return 1;
    }
  }
  if (*store_cmd) {
    try {
      return cs::bench::run_store(store, std::cout);
    } catch (const std::exception& e) {
      std::cerr << "candle-bench store: " << e.what() << "\n";
      return 1;
    }
  }
  return 0;
}
