#include "pipeline_bench.hpp"

#include <librdkafka/rdkafka.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
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

using clock_type = std::chrono::steady_clock;
constexpr std::size_t distinct_payloads = 8192;
constexpr std::chrono::milliseconds poll_wait{100};
constexpr std::chrono::milliseconds progress_poll{100};
constexpr std::size_t consume_batch = 4096;
constexpr double ceiling_timeout_s = 600;
constexpr long kib = 1024;

double seconds_since(clock_type::time_point t0) { return std::chrono::duration<double>(clock_type::now() - t0).count(); }

std::string bench_id() { return std::to_string(::getpid()).append("-").append(std::to_string(std::time(nullptr))); }

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

// The ceiling: a bare librdkafka consumer reading every partition from the beginning.
double bare_consumer_rate(const runtime::config& cfg, const std::string& topic, int partitions, std::size_t n) {
  runtime::kafka_consumer consumer({{"bootstrap.servers", cfg.get(runtime::keys::kafka_brokers)}, {"group.id", std::string("bench-ceiling-") + bench_id()},
                                    {"enable.partition.eof", "false"}, {"fetch.wait.max.ms", "50"},
                                    {"queued.max.messages.kbytes", "262144"}, {"max.partition.fetch.bytes", "4194304"}});
  std::vector<runtime::kafka_topic_partition> parts;
  for (int p = 0; p < partitions; ++p) parts.push_back({topic, p, runtime::kafka_offset_beginning});
  if (!consumer.assign(parts)) return 0;
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
  return bytes > 0 ? static_cast<double>(seen) / s : 0;
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
  std::ifstream stat(std::string("/proc/") + std::to_string(pid) + "/stat");
  std::string content((std::istreambuf_iterator<char>(stat)), {});
  // Fields after the command name (which may contain spaces) start after the last ')'.
  std::istringstream rest(content.substr(content.rfind(')') + 2));
  std::string field;
  std::vector<std::string> f;
  while (rest >> field) f.push_back(field);
  constexpr std::size_t utime_index = 11, stime_index = 12; // fields 14 and 15 of proc(5)
  if (f.size() > stime_index)
    u.cpu_seconds = static_cast<double>(std::stoll(f[utime_index]) + std::stoll(f[stime_index])) / static_cast<double>(sysconf(_SC_CLK_TCK));
  std::ifstream status(std::string("/proc/") + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) u.peak_rss_bytes = std::stol(line.substr(6)) * kib;
  return u;
}

} // namespace

int run_pipeline(const pipeline_options& opt, const char* argv0, std::ostream& out) {
  std::vector<std::string> rest;
  std::vector<const char*> args = {"candle-bench"};
  if (!opt.config_file.empty()) args.insert(args.end(), {"--config", opt.config_file.c_str()});
  const auto cfg = runtime::config::load(static_cast<int>(args.size()), args.data(), rest);
  std::ostream& log = std::cerr;
  const std::string id = bench_id();
  const std::string topic = std::string("bench-events-") + id;
  runtime::kafka_admin admin(cfg.get(runtime::keys::kafka_brokers));
  if (auto why = admin.create_topic(topic, opt.partitions); !why.empty()) {
    log << "cannot create " << topic << ": " << why << "\n";
    return 1;
  }
  auto cleanup = [&] { if (!opt.keep_topic) (void)admin.delete_topic(topic); };
  if (!preload(cfg, topic, opt.events, opt.symbols, opt.market_rate, log)) return cleanup(), 1;

  const double ceiling = bare_consumer_rate(cfg, topic, opt.partitions, opt.events);
  log << "bare consumer: " << ceiling << " events/s\n";

  auto pp = runtime::pg_params_from_config(cfg);
  auto pg = runtime::pg_client::connect(runtime::pg_connection_string(pp));
  if (!pg) {
    log << "PostgreSQL: " << pg.error().reason << "\n";
    return cleanup(), 1;
  }

  const auto node = (std::filesystem::path(argv0).parent_path() / "../candle-node/candle-node").lexically_normal().string();
  const std::string port = std::to_string(cfg.get(runtime::keys::node_http_port) + 100);
  std::vector<std::string> node_args = {node, "--kafka.topic.events=" + topic, "--kafka.group=bench-" + id,
                                        "--node.name=bench-" + id, "--node.http-port=" + port, "--candle.idle-timeout=1h"};
  if (!opt.config_file.empty()) node_args.insert(node_args.begin() + 1, {"--config", opt.config_file});
  const std::string node_log = std::string("/tmp/candle-bench-node-") + id + ".log";
  const auto t0 = clock_type::now();
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argvv;
    for (auto& a : node_args) argvv.push_back(a.data());
    argvv.push_back(nullptr);
    if (auto* f = std::freopen(node_log.c_str(), "w", stderr)) (void)f;
    execv(argvv[0], argvv.data());
    _exit(127);
  }
  std::int64_t done = 0;
  proc_usage usage;
  while (seconds_since(t0) < opt.timeout_s) {
    done = committed_total(*pg, topic);
    usage = usage_of(pid);
    if (done >= static_cast<std::int64_t>(opt.events)) break;
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      log << "candle-node exited early; see " << node_log << "\n";
      return cleanup(), 1;
    }
    std::this_thread::sleep_for(progress_poll);
  }
  const double elapsed = seconds_since(t0);
  ::kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  cleanup();
  if (done < static_cast<std::int64_t>(opt.events)) {
    log << "timed out: " << done << " of " << opt.events << " offsets checkpointed; see " << node_log << "\n";
    return 1;
  }
  const double rate = static_cast<double>(opt.events) / elapsed;
  if (opt.json) {
    out << R"({"events":)" << opt.events << R"(,"events_per_sec":)" << rate << R"(,"ceiling_events_per_sec":)" << ceiling
        << R"(,"cpu_seconds":)" << usage.cpu_seconds << R"(,"peak_rss_bytes":)" << usage.peak_rss_bytes << "}\n";
  } else {
    out << "pipeline:       " << rate << " events/s end to end (" << opt.events << " events, " << elapsed
        << " s from node start until every offset was checkpointed in PostgreSQL)\n"
        << "ceiling:        " << ceiling << " events/s (bare librdkafka consumer, same topic)\n"
        << "ratio:          " << 100.0 * rate / ceiling << " % of the ceiling\n"
        << "node CPU:       " << usage.cpu_seconds << " s user+system\n"
        << "node peak RSS:  " << usage.peak_rss_bytes / (kib * kib) << " MiB\n";
  }
  return 0;
}

} // namespace cs::bench
