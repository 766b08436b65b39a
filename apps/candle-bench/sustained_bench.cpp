#include "sustained_bench.hpp"

#include "bench_node.hpp"
#include "bench_util.hpp"
#include "child_process.hpp"
#include "wrk_load.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "runtime/config/config.hpp"
#include "runtime/kafka/admin.hpp"

namespace cs::bench {
namespace {

constexpr std::size_t http_symbols = 50;   // the read API is asked about this many of the symbols
constexpr double child_grace_s = 60;       // beyond their own duration, for the feed and wrk to end
constexpr long mib = 1024 * 1024;

struct sample {
  double t = 0;          // seconds since the feed started
  long rss = 0;
  double lag = -1;       // records, summed over partitions
  double consumed = -1;  // events consumed so far
  double restarts = -1;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Waits for a child to end by itself within `timeout_s`; stops it otherwise. False if stopped.
bool await_child(pid_t& pid, double timeout_s) {
  const auto t0 = clock_type::now();
  while (pid > 0 && seconds_since(t0) < timeout_s) {
    if (exited(pid)) {
      pid = -1;
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  if (pid <= 0) return true;
  stop_child(pid);
  pid = -1;
  return false;
}

} // namespace

int run_sustained(const sustained_options& opt, const char* argv0, std::ostream& out) {
  std::ostream& log = std::cerr;
  const auto cfg = load_bench_config(opt.config_file);
  const std::string id = bench_id();
  const std::string topic = "bench-sustained-" + id;
  const std::string prefix = "SU" + id + ".";
  auto pg = connect_pg(cfg, log);
  if (!pg) return 1;
  runtime::kafka_admin admin(cfg.get(runtime::keys::kafka_brokers));
  if (!create_topic(admin, topic, opt.partitions, log)) return 1;
  pid_t node_pid = -1, feed_pid = -1, wrk_pid = -1;
  const std::string script = "/tmp/candle-bench-sustained-" + id + ".lua";
  scope_exit cleanup{[&] {
    stop_child(wrk_pid);
    stop_child(feed_pid);
    stop_child(node_pid);
    std::filesystem::remove(script);
    if (opt.keep) return;
    (void)admin.delete_topic(topic);
    delete_rows(*pg, topic, log, prefix);
  }};

  const int port = free_port();
  if (port <= 0) {
    log << "no free port\n";
    return 1;
  }
  const std::string port_text = std::to_string(port);
  const auto bin = std::filesystem::path(argv0).parent_path();
  const auto node_bin = (bin / "../candle-node/candle-node").lexically_normal().string();
  const auto feed_bin = (bin / "../candle-feed/candle-feed").lexically_normal().string();
  const std::string name = "bench-sustained-" + id;
  const std::string node_log = "/tmp/candle-bench-" + name + ".log", feed_log = "/tmp/candle-bench-" + name + "-feed.log",
                    wrk_log = "/tmp/candle-bench-" + name + "-wrk.log";
  // wrk is one client address: the per-address rate limit would answer most of its load with 429.
  node_pid = start_node(node_bin, topic, name, port_text, opt.config_file, node_log, true,
                        {"--kafka.topic.events.partitions=" + std::to_string(opt.partitions), "--http.rate-limit=100000000",
                         "--http.rate-burst=100000000"});
  log << "started candle-node " << name << " (pid " << node_pid << ", port " << port << ", log " << node_log << ")\n";
  if (!wait_running(node_pid, port_text, opt.partitions, 120, log)) {
    log << "see " << node_log << "\n";
    return 1;
  }

  // The feed: live event times at `rate`, a process of its own.
  std::vector<std::string> feed_args = {feed_bin, "simulate"};
  if (!opt.config_file.empty()) feed_args.insert(feed_args.end(), {"--config", opt.config_file});
  feed_args.insert(feed_args.end(), {"--kafka.topic.events=" + topic, "--symbols", std::to_string(opt.symbols), "--symbol-prefix",
                                     prefix, "--rate", std::to_string(opt.rate), "--duration", std::to_string(opt.seconds),
                                     "--seed", "11"});
  feed_pid = spawn(feed_args, feed_log);
  const auto t0 = clock_type::now();
  // The read API under load meanwhile: recent 1m candles of some of the symbols, at random.
  std::vector<std::string> paths;
  for (std::size_t s = 0; s < std::min(http_symbols, opt.symbols); ++s) {
    char sym[32];
    std::snprintf(sym, sizeof sym, "%03zu", s);
    paths.push_back("/api/v1/candles?symbol=" + prefix + sym + "&interval=1m&limit=300");
  }
  std::ofstream(script) << wrk_script(paths);
  wrk_pid = spawn({"wrk", "-t", std::to_string(opt.http_threads), "-c", std::to_string(opt.http_connections), "-d",
                   std::to_string(static_cast<long>(opt.seconds)) + "s", "--latency", "--timeout", "5s", "-s", script,
                   "http://127.0.0.1:" + port_text + "/"},
                  wrk_log);

  std::vector<sample> samples;
  auto take_sample = [&] {
    sample s;
    s.t = seconds_since(t0);
    s.rss = proc_status_bytes(node_pid, "VmRSS:");
    s.lag = metric_sum(port_text, "candlestream_kafka_consumer_lag");
    s.consumed = metric_sum(port_text, "candlestream_events_consumed_total");
    s.restarts = metric_sum(port_text, "candlestream_restarts_total");
    samples.push_back(s);
    log << "t=" << s.t << " s: RSS " << s.rss / mib << " MiB, lag " << s.lag << ", consumed " << s.consumed << ", restarts "
        << s.restarts << "\n";
  };
  auto next = t0;
  while (seconds_since(t0) < opt.seconds) {
    if (exited(node_pid)) {
      node_pid = -1;
      log << "candle-node exited under load; see " << node_log << "\n";
      return 1;
    }
    take_sample();
    next += std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(opt.sample_interval_s));
    std::this_thread::sleep_until(std::min(next, t0 + std::chrono::duration_cast<clock_type::duration>(
                                                        std::chrono::duration<double>(opt.seconds))));
  }
  const bool feed_done = await_child(feed_pid, child_grace_s);
  const bool wrk_done = await_child(wrk_pid, child_grace_s);
  take_sample(); // the end of the load
  // Drain: everything produced is consumed.
  const auto d0 = clock_type::now();
  double lag = samples.back().lag;
  while (lag != 0 && seconds_since(d0) < opt.drain_timeout_s) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    lag = metric_sum(port_text, "candlestream_kafka_consumer_lag");
  }
  const double drain_s = seconds_since(d0);
  take_sample();
  const auto http = parse_wrk_output(read_file(wrk_log));
  // wrk counts non-2xx answers without their status; the node counts each status per route.
  std::map<std::string, double> node_non_2xx;
  for (const auto& [status, n] : metric_sums_by(port_text, "candlestream_http_requests_total", "status"))
    if (!status.starts_with('2') && n > 0) node_non_2xx[status] = n;
  if (!feed_done) log << "the feed did not end in time; see " << feed_log << "\n";
  if (!wrk_done || !http) log << "wrk did not report; see " << wrk_log << "\n";

  // The first sample after a minute is the start (start-up and the first candles settled).
  const auto start = std::find_if(samples.begin(), samples.end(), [](const sample& s) { return s.t >= 60; });
  const sample& first = start != samples.end() ? *start : samples.front();
  const sample& load_end = samples[samples.size() - 2];
  double peak_lag = 0;
  long peak_rss = 0;
  for (const auto& s : samples) {
    peak_lag = std::max(peak_lag, s.lag);
    peak_rss = std::max(peak_rss, s.rss);
  }
  const double consumed_rate = load_end.t > 0 ? load_end.consumed / load_end.t : 0;
  nlohmann::json series = nlohmann::json::array();
  for (const auto& s : samples)
    series.push_back({{"t", rounded(s.t, 1)}, {"rss_bytes", s.rss}, {"lag", s.lag}, {"consumed", s.consumed}, {"restarts", s.restarts}});
  const bool drained = lag == 0;
  if (opt.json) {
    nlohmann::json j{{"rate", opt.rate},
                     {"seconds", opt.seconds},
                     {"symbols", opt.symbols},
                     {"partitions", opt.partitions},
                     {"consumed_events_per_sec", consumed_rate},
                     {"peak_lag", peak_lag},
                     {"lag_at_load_end", load_end.lag},
                     {"drained", drained},
                     {"drain_seconds", drain_s},
                     {"rss_start_bytes", first.rss},
                     {"rss_end_bytes", load_end.rss},
                     {"rss_peak_bytes", peak_rss},
                     {"restarts", samples.back().restarts},
                     {"samples", series}};
    if (http)
      j["http"] = {{"requests", http->requests}, {"req_per_sec", http->req_per_sec}, {"p50_ms", http->p50_ms},
                   {"p99_ms", http->p99_ms}, {"max_ms", http->max_ms}, {"socket_errors", http->socket_errors},
                   {"bad_status", http->bad_status}};
    j["http_node_non_2xx"] = node_non_2xx;
    out << j.dump() << "\n";
  } else {
    out << "sustained:  " << opt.seconds << " s at " << opt.rate << " events/s offered (" << consumed_rate << " consumed/s), "
        << opt.symbols << " symbols, " << opt.partitions << " partitions\n"
        << "lag:        peak " << peak_lag << ", " << load_end.lag << " at the end of the load, "
        << (drained ? "drained to 0 in " : "NOT drained after ") << drain_s << " s\n"
        << "RSS:        " << first.rss / mib << " MiB at t=" << first.t << " s, " << load_end.rss / mib << " MiB at the end, peak "
        << peak_rss / mib << " MiB\n"
        << "restarts:   " << samples.back().restarts << "\n";
    if (http)
      out << "HTTP:       " << http->req_per_sec << " req/s, p50 " << http->p50_ms << " ms, p99 " << http->p99_ms << " ms ("
          << http->socket_errors << " socket errors, " << http->bad_status << " non-2xx)\n";
    for (const auto& [status, n] : node_non_2xx) out << "            " << n << " answered " << status << " (the node's count)\n";
  }
  return drained && samples.back().restarts == 0 ? 0 : 1;
}

} // namespace cs::bench
