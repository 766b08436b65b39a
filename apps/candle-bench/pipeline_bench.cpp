#include "pipeline_bench.hpp"

#include "bench_node.hpp"
#include "bench_util.hpp"
#include "child_process.hpp"
#include "idle_bench.hpp"
#include "proc_cpu.hpp"
#include "store_bench.hpp"

#include <httplib.h>
#include <librdkafka/rdkafka.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include "messages/event_json.hpp"
#include "runtime/config/config.hpp"
#include "runtime/kafka/admin.hpp"
#include "runtime/kafka/consumer.hpp"
#include "runtime/kafka/producer.hpp"
#include "runtime/postgres/client.hpp"
#include "runtime/postgres/connection_params.hpp"

namespace cs::bench {
namespace {

constexpr std::size_t distinct_payloads = 8192;
constexpr std::chrono::milliseconds poll_wait{100};
constexpr std::chrono::milliseconds progress_poll{100};
constexpr std::size_t consume_batch = 4096;
constexpr double ceiling_timeout_s = 600;
constexpr long kib = 1024;

// Produces `n` events over `symbols` symbols into `topic` as fast as the producer allows.
bool preload(const runtime::config& cfg, const std::string& topic, std::size_t n, std::size_t symbols, double market_rate,
             std::ostream& log) {
  const auto event_spacing = static_cast<duration_ns>(static_cast<double>(ns_per_s) / market_rate);
  std::uint64_t failed = 0;
  runtime::kafka_producer producer(
    {{"bootstrap.servers", cfg.get(runtime::keys::kafka_brokers)}, {"linger.ms", "20"}, {"batch.size", "1000000"},
     {"compression.type", "lz4"}, {"queue.buffering.max.messages", "1000000"}, {"enable.idempotence", "true"}, {"acks", "all"}},
    [&](const runtime::kafka_delivery_report& r) { failed += !r.status.ok(); });
  std::mt19937_64 rng(7);
  const timestamp_ns start = std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::system_clock::now().time_since_epoch()).count() -
                             static_cast<timestamp_ns>(n) * event_spacing; // ends "now": nothing is in the future
  std::vector<double> mid(symbols, 100.0);
  bid_ask_event e;
  std::string payload;
  const auto t0 = clock_type::now();
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t s = rng() % symbols;
    mid[s] *= 1.0 + (static_cast<double>(rng() % 2001) - 1000.0) * 1e-7;
    e.symbol.assign(1, 'B').append(std::to_string(s)); // not "B" + ...: GCC 12 false -Wrestrict
    e.bid = mid[s] - 0.01;
    e.ask = mid[s] + 0.01;
    e.ts = start + static_cast<timestamp_ns>(i) * event_spacing;
    payload.clear();
    append_event_json(payload, e, event_time_field::millis);
    if (auto st = producer.produce_waiting(topic, e.symbol, payload); !st.ok()) {
      log << "produce failed: " << st.reason << "\n";
      return false;
    }
    if (i % 1000 == 0) producer.poll();
  }
  if (auto st = producer.flush(std::chrono::minutes(5)); !st.ok() || failed) {
    log << "flush failed: " << st.reason << " (" << failed << " failed deliveries)\n";
    return false;
  }
  log << "pre-loaded " << n << " events in " << seconds_since(t0) << " s\n";
  return true;
}

struct ceiling_run {
  double events_per_sec = 0;
  double cpu_seconds = 0; // the bare consumer's own CPU, librdkafka's threads included
};

// The ceiling: a bare librdkafka consumer reading every partition from the beginning. Nothing
// else runs in this process meanwhile, so its CPU time is the consumer's: the part of the node's
// CPU that reading alone costs.
ceiling_run bare_consumer_rate(const runtime::config& cfg, const std::string& topic, int partitions, std::size_t n) {
  const double cpu0 = process_cpu_seconds("self");
  ceiling_run run;
  {
    runtime::kafka_consumer consumer({{"bootstrap.servers", cfg.get(runtime::keys::kafka_brokers)}, {"group.id", std::string("bench-ceiling-") + bench_id()},
                                      {"enable.partition.eof", "false"}, {"fetch.wait.max.ms", "50"},
                                      {"queued.max.messages.kbytes", "262144"}, {"max.partition.fetch.bytes", "4194304"},
                                      // The node's prefetch (docs/throughput.md), or the ceiling
                                      // would measure a slower consumer than the node runs.
                                      {"queued.min.messages", std::to_string(cfg.get(runtime::keys::kafka_prefetch_records))}});
    std::vector<runtime::kafka_topic_partition> parts;
    for (int p = 0; p < partitions; ++p) parts.push_back({topic, p, runtime::kafka_offset_beginning});
    if (!consumer.assign(parts)) return run;
    // The fastest plain way to read with librdkafka: batches from the consumer queue.
    rd_kafka_queue_t* q = rd_kafka_queue_get_consumer(consumer.native_handle());
    std::vector<rd_kafka_message_t*> msgs(consume_batch);
    std::size_t seen = 0, bytes = 0;
    const auto t0 = clock_type::now();
    while (seen < n && seconds_since(t0) < ceiling_timeout_s) {
      const ssize_t got = rd_kafka_consume_batch_queue(q, static_cast<int>(poll_wait.count()), msgs.data(), msgs.size());
      for (ssize_t i = 0; i < got; ++i) {
        rd_kafka_message_t* m = msgs[static_cast<std::size_t>(i)];
        if (!m->err) {
          ++seen;
          bytes += m->len; // touch the payload like a real reader would
        }
        rd_kafka_message_destroy(m);
      }
    }
    const double s = seconds_since(t0);
    rd_kafka_queue_destroy(q);
    run.events_per_sec = bytes > 0 ? static_cast<double>(seen) / s : 0;
  }
  run.cpu_seconds = process_cpu_seconds("self") - cpu0;
  return run;
}

std::int64_t committed_total(runtime::pg_client& pg, const std::string& topic) {
  auto r = pg.transact([&](pqxx::work& w) {
    return w.exec_params1("select coalesce(sum(next_offset),0)::bigint from partition_checkpoint where topic = $1", topic)[0].as<std::int64_t>();
  });
  return r ? *r : -1;
}

struct proc_usage {
  double cpu_seconds = 0;
  long peak_rss_bytes = 0;
};

proc_usage usage_of(pid_t pid) {
  proc_usage u;
  u.cpu_seconds = process_cpu_seconds(pid);
  u.peak_rss_bytes = proc_status_bytes(pid, "VmHWM:");
  return u;
}

// RSS of a node that owns every partition of an empty topic: the node without keys, which
// rss_per_key_bytes subtracts (0 when the node did not get there within 60 s); with
// `idle_seconds` > 0 also what it costs doing nothing that long.
struct idle_node {
  long rss = 0;
  std::optional<idle_figures> idle;
};
idle_node measure_idle_node(runtime::kafka_admin& admin, const std::string& node, const std::string& id, int partitions,
                            const std::string& port, const std::string& config_file, double idle_seconds, std::ostream& log) {
  idle_node out;
  const std::string topic = "bench-idle-" + id;
  if (auto why = admin.create_topic(topic, partitions); !why.empty()) {
    log << "cannot create " << topic << ": " << why << "\n";
    return out;
  }
  const pid_t pid = start_node(node, topic, "bench-idle-" + id, port, config_file, "/tmp/candle-bench-idle-" + id + ".log");
  const auto t0 = clock_type::now();
  while (seconds_since(t0) < 60) {
    std::this_thread::sleep_for(progress_poll);
    const auto parts = partition_stats(port);
    const bool all_running = static_cast<int>(parts.size()) == partitions &&
                             std::all_of(parts.begin(), parts.end(), [](const auto& p) { return p.value("state", "") == "running"; });
    if (!all_running) continue;
    std::this_thread::sleep_for(std::chrono::seconds(1)); // let start-up allocations settle
    out.rss = proc_status_bytes(pid, "VmRSS:");
    if (idle_seconds > 0) out.idle = measure_idle(pid, port, idle_seconds, 0);
    break;
  }
  stop_child(pid);
  (void)admin.delete_topic(topic);
  return out;
}

struct node_run {
  bool ok = false;
  double elapsed = 0; // node start until every offset was checkpointed
  proc_usage usage;
  double live_keys = 0;
  std::size_t scrapes = 0;
  double candle_rows = -1; // candle rows its checkpoints wrote (metrics on), -1: unknown
  machine_cpu beside;       // what the services beside the node spent over its life
};

// Starts opt.nodes nodes on `topic` (one fresh group `name`; HTTP on `port` and the ports after
// it), waits until every offset is checkpointed in PostgreSQL, stops them. The topic's rows must
// have been deleted before. CPU and peak RSS are the nodes' sums; the first node is scraped.
node_run time_node(const pipeline_options& opt, const std::string& node, const std::string& topic, const std::string& name,
                   const std::string& port, bool metrics, runtime::pg_client& pg, std::ostream& log) {
  node_run run;
  struct member {
    pid_t pid;
    std::string port, log_path;
  };
  std::vector<member> members;
  const auto beside0 = sample_machine_cpu();
  const auto t0 = clock_type::now();
  for (int i = 0; i < opt.nodes; ++i) {
    const auto node_name = opt.nodes == 1 ? name : name + "-n" + std::to_string(i + 1);
    const auto node_port = std::to_string(std::stoi(port) + i);
    const auto node_log = "/tmp/candle-bench-node-" + node_name + ".log";
    members.push_back({start_node(node, topic, node_name, node_port, opt.config_file, node_log, metrics, {}, name), node_port, node_log});
  }
  auto stop_all = [&] {
    for (const auto& m : members) stop_child(m.pid);
  };
  std::int64_t done = 0;
  {
    scraper s(port, metrics ? opt.scrape_interval_s : 0);
    while (seconds_since(t0) < opt.timeout_s) {
      done = committed_total(pg, topic);
      run.usage = {};
      for (const auto& m : members) {
        const auto u = usage_of(m.pid);
        run.usage.cpu_seconds += u.cpu_seconds;
        run.usage.peak_rss_bytes += u.peak_rss_bytes;
      }
      if (done >= static_cast<std::int64_t>(opt.events)) break;
      for (const auto& m : members)
        if (exited(m.pid)) {
          log << "candle-node exited early; see " << m.log_path << "\n";
          stop_all();
          return run;
        }
      std::this_thread::sleep_for(progress_poll);
    }
    run.elapsed = seconds_since(t0);
    run.beside = sample_machine_cpu() - beside0;
    run.scrapes = s.scrapes();
  }
  // Live keys: candle actors alive once everything is checkpointed (none retired within a run).
  for (const auto& m : members)
    for (const auto& p : partition_stats(m.port)) run.live_keys += p.value("candle_actors", 0.0);
  if (metrics) {
    run.candle_rows = 0;
    for (const auto& m : members) run.candle_rows += std::max(0.0, metric_sum(m.port, "candlestream_postgres_batch_rows_total"));
  }
  stop_all();
  if (done < static_cast<std::int64_t>(opt.events)) {
    log << "timed out: " << done << " of " << opt.events << " offsets checkpointed; see " << members.front().log_path << "\n";
    return run;
  }
  run.ok = true;
  return run;
}

} // namespace

int run_pipeline(const pipeline_options& opt, const char* argv0, std::ostream& out) {
  const auto cfg = load_bench_config(opt.config_file);
  std::ostream& log = std::cerr;
  const std::string id = bench_id();
  const std::string topic = std::string("bench-events-") + id;
  runtime::kafka_admin admin(cfg.get(runtime::keys::kafka_brokers));
  if (!create_topic(admin, topic, opt.partitions, log)) return 1;
  auto cleanup = [&] { if (!opt.keep_topic) (void)admin.delete_topic(topic); };
  if (!preload(cfg, topic, opt.events, opt.symbols, opt.market_rate, log)) return cleanup(), 1;

  auto pp = runtime::pg_params_from_config(cfg);
  auto pg = connect_pg(cfg, log);
  if (!pg) return cleanup(), 1;

  const auto node = (std::filesystem::path(argv0).parent_path() / "../candle-node/candle-node").lexically_normal().string();
  const std::string port = std::to_string(cfg.get(runtime::keys::node_http_port) + 100);
  const auto idle = measure_idle_node(admin, node, id, opt.partitions, port, opt.config_file, opt.idle_seconds, log);
  const long idle_rss = idle.rss;
  // From here on the run has rows in PostgreSQL as well as its topic.
  auto discard = [&] {
    cleanup();
    delete_rows(*pg, topic, log);
  };
  // The first read of a topic just written is the broker's cold one (log segments, its JIT):
  // not reported. Then the ceiling and the node alternate, so that both see the same machine.
  log << "bare consumer, warm-up: " << bare_consumer_rate(cfg, topic, opt.partitions, opt.events).events_per_sec << " events/s\n";
  std::vector<double> ceilings, ceiling_cpus, rates, cpus, peaks, row_rates;
  std::vector<machine_cpu> besides;
  nlohmann::json runs = nlohmann::json::array();
  node_run main_run;
  for (int round = 0; round < opt.rounds; ++round) {
    const auto [ceiling, ceiling_cpu] = bare_consumer_rate(cfg, topic, opt.partitions, opt.events);
    log << "round " << round + 1 << ": bare consumer " << ceiling << " events/s, " << ceiling_cpu << " CPU s\n";
    main_run = time_node(opt, node, topic, "bench-" + id + "-r" + std::to_string(round), port, true, *pg, log);
    delete_rows(*pg, topic, log);
    if (!main_run.ok) return discard(), 1;
    const double rate = static_cast<double>(opt.events) / main_run.elapsed;
    const auto& beside = main_run.beside;
    log << "round " << round + 1 << ": node " << rate << " events/s, " << main_run.usage.cpu_seconds << " CPU s; beside it PostgreSQL "
        << beside.postgres << ", Redis " << beside.redis << ", broker " << beside.kafka_broker << " CPU s, machine idle " << beside.idle
        << " s\n";
    ceilings.push_back(ceiling);
    ceiling_cpus.push_back(ceiling_cpu);
    besides.push_back(beside);
    rates.push_back(rate);
    cpus.push_back(main_run.usage.cpu_seconds);
    peaks.push_back(static_cast<double>(main_run.usage.peak_rss_bytes));
    if (main_run.candle_rows >= 0) row_rates.push_back(main_run.candle_rows / main_run.elapsed);
    runs.push_back({{"ceiling_events_per_sec", ceiling}, {"ceiling_cpu_seconds", ceiling_cpu}, {"events_per_sec", rate}, {"cpu_seconds", main_run.usage.cpu_seconds},
                    {"peak_rss_bytes", main_run.usage.peak_rss_bytes}, {"candle_rows", main_run.candle_rows},
                    {"postgres_cpu_seconds", beside.postgres}, {"redis_cpu_seconds", beside.redis},
                    {"broker_cpu_seconds", beside.kafka_broker}, {"machine_idle_seconds", beside.idle}});
  }
  const double ceiling = median(ceilings);
  const double live_keys = main_run.live_keys;
  // The bulk ceiling of the rows the node wrote: as many rows, bare COPY, same machine and run.
  constexpr std::size_t copy_batch = 10'000;
  double copy_ceiling = -1;
  if (opt.copy_ceiling && main_run.candle_rows > 0) {
    copy_ceiling = copy_ceiling_rows_per_sec(runtime::pg_connection_string(pp), static_cast<std::size_t>(main_run.candle_rows),
                                             copy_batch, log);
    log << "bare COPY of " << main_run.candle_rows << " candle rows: " << copy_ceiling << " rows/s\n";
  }
  // Metrics off and on, alternating which goes first, each from an empty database.
  std::vector<double> rate_off, rate_on, cpu_off, cpu_on;
  for (int pair = 0; pair < opt.metrics_pairs; ++pair)
    for (int k = 0; k < 2; ++k) {
      const bool on = (pair + k) % 2 == 1;
      const auto name = "bench-" + id + "-" + std::to_string(pair) + (on ? "-on" : "-off");
      const auto r = time_node(opt, node, topic, name, port, on, *pg, log);
      delete_rows(*pg, topic, log);
      if (!r.ok) return discard(), 1;
      (on ? rate_on : rate_off).push_back(static_cast<double>(opt.events) / r.elapsed);
      (on ? cpu_on : cpu_off).push_back(r.usage.cpu_seconds);
      log << "metrics " << (on ? "on " : "off") << ": " << static_cast<double>(opt.events) / r.elapsed << " events/s, "
          << r.usage.cpu_seconds << " CPU s" << (on ? ", " + std::to_string(r.scrapes) + " scrapes" : std::string()) << "\n";
    }
  cleanup();
  const double rate = median(rates), cpu_seconds = median(cpus);
  const auto peak_rss = static_cast<long>(median(peaks));
  const double elapsed = static_cast<double>(opt.events) / rate;
  // (peak RSS - RSS with no keys) / live keys; 0 when either is unknown.
  const double rss_per_key = live_keys > 0 && idle_rss > 0 ? static_cast<double>(peak_rss - idle_rss) / live_keys : 0;
  const auto [ceiling_min, ceiling_max] = std::minmax_element(ceilings.begin(), ceilings.end());
  const auto [rate_min, rate_max] = std::minmax_element(rates.begin(), rates.end());
  const double on_rate = median(rate_on), off_rate = median(rate_off), on_cpu = median(cpu_on), off_cpu = median(cpu_off);
  const double rate_overhead = off_rate > 0 ? 100.0 * (off_rate - on_rate) / off_rate : 0;
  const double cpu_overhead = off_cpu > 0 ? 100.0 * (on_cpu - off_cpu) / off_cpu : 0;
  if (opt.json) {
    nlohmann::json j{{"events", opt.events}, {"nodes", opt.nodes}, {"events_per_sec", rate}, {"ceiling_events_per_sec", ceiling},
                     {"ratio_to_ceiling", rate / ceiling}, {"cpu_seconds", cpu_seconds},
                     {"cpu_seconds_per_million_events", cpu_seconds / static_cast<double>(opt.events) * 1e6},
                     // What reading alone costs: the bare consumer's CPU per million events.
                     {"ceiling_cpu_seconds_per_million_events", median(ceiling_cpus) / static_cast<double>(opt.events) * 1e6},
                     // The machine beside the node over its runs: the services it shares the cores with.
                     {"postgres_cpu_seconds", median_of(besides, &machine_cpu::postgres)},
                     {"redis_cpu_seconds", median_of(besides, &machine_cpu::redis)},
                     {"broker_cpu_seconds", median_of(besides, &machine_cpu::kafka_broker)},
                     {"machine_idle_seconds", median_of(besides, &machine_cpu::idle)},
                     {"peak_rss_bytes", peak_rss}, {"idle_rss_bytes", idle_rss}, {"live_keys", live_keys},
                     {"rss_per_key_bytes", rss_per_key}, {"scrapes", main_run.scrapes}, {"scrape_interval_s", opt.scrape_interval_s},
                     {"rounds", opt.rounds}, {"runs", runs},
                     {"ceiling_min_events_per_sec", *ceiling_min}, {"ceiling_max_events_per_sec", *ceiling_max},
                     {"events_per_sec_min", *rate_min}, {"events_per_sec_max", *rate_max}};
    // Rows the checkpoints wrote (final and live, each upsert counted) per second of the run.
    if (!row_rates.empty()) {
      j["candle_rows"] = main_run.candle_rows;
      j["candle_rows_per_sec"] = median(row_rates);
    }
    if (copy_ceiling > 0) j["copy_ceiling_rows_per_sec"] = copy_ceiling;
    if (idle.idle) {
      j["idle_cpu_percent"] = idle.idle->cpu_pct_of_core;
      j["idle_seconds"] = idle.idle->seconds;
      j["idle_wakeups_per_sec"] = idle.idle->wakeups_per_sec;
    }
    if (opt.metrics_pairs > 0) {
      j["metrics_pairs"] = opt.metrics_pairs;
      j["metrics_off_events_per_sec"] = off_rate;
      j["metrics_on_events_per_sec"] = on_rate;
      j["metrics_overhead_pct"] = rate_overhead;
      j["metrics_off_cpu_seconds"] = off_cpu;
      j["metrics_on_cpu_seconds"] = on_cpu;
      j["metrics_cpu_overhead_pct"] = cpu_overhead;
    }
    out << j.dump() << "\n";
  } else {
    out << "pipeline:       " << rate << " events/s end to end (" << opt.nodes << " node" << (opt.nodes == 1 ? "" : "s") << "), median of " << opt.rounds << " (" << *rate_min << "-" << *rate_max
        << "; " << opt.events << " events, " << elapsed
        << " s from node start until every offset was checkpointed in PostgreSQL; metrics scraped every " << opt.scrape_interval_s
        << " s)\n"
        << "ceiling:        " << ceiling << " events/s (bare librdkafka consumer, same topic, median of " << opt.rounds << ": "
        << *ceiling_min << "-" << *ceiling_max << ")\n"
        << "ratio:          " << 100.0 * rate / ceiling << " % of the ceiling\n"
        << "node CPU:       " << cpu_seconds << " s user+system (" << cpu_seconds / static_cast<double>(opt.events) * 1e6
        << " s per million events)\n"
        << "node peak RSS:  " << peak_rss / (kib * kib) << " MiB (" << idle_rss / (kib * kib)
        << " MiB with no keys; " << live_keys << " live keys, " << rss_per_key << " bytes each)\n";
    if (opt.metrics_pairs > 0)
      out << "metrics off:    " << off_rate << " events/s, " << off_cpu << " CPU s (median of " << opt.metrics_pairs << ")\n"
          << "metrics on:     " << on_rate << " events/s, " << on_cpu << " CPU s (scraped every " << opt.scrape_interval_s << " s)\n"
          << "overhead:       " << rate_overhead << " % of the rate, " << cpu_overhead << " % more CPU\n";
    if (idle.idle)
      out << "idle node:      " << idle.idle->cpu_pct_of_core << " % of one core over " << idle.idle->seconds << " s ("
          << idle.idle->wakeups_per_sec << " wake-ups/s; candle-bench idle breaks it down by thread)\n";
  }
  return 0;
}

} // namespace cs::bench
