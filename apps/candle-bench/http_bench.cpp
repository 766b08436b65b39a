#include "actors/http_gateway/server_settings.hpp"
#include "child_process.hpp"
#include "http_bench.hpp"

#include "bench_node.hpp"
#include "bench_util.hpp"
#include "proc_cpu.hpp"
#include "wrk_load.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include "messages/event_json.hpp"
#include "runtime/config/config.hpp"
#include "runtime/kafka/admin.hpp"
#include "runtime/kafka/producer.hpp"
#include "runtime/postgres/client.hpp"
#include "runtime/postgres/connection_params.hpp"

namespace cs::bench {
namespace {

using json = nlohmann::json;

constexpr int candles_wanted = 300;      // candles in the benchmarked answer
constexpr int events_per_minute = 20;    // per symbol: one quote every 3 s of event time
constexpr int lead_minutes = 30;         // the benchmarked range starts this far into the data
constexpr int max_cold_starts = 240;     // distinct `from` minutes per symbol in the PostgreSQL phase
constexpr int topic_partitions = 4;
constexpr std::int64_t ms_per_minute = 60'000;
constexpr std::chrono::milliseconds poll_every{200};
constexpr double wrk_grace_s = 30;       // beyond wrk's own -d, before it is killed

// --- child processes -------------------------------------------------------------------------

// Runs a program to completion (killed after timeout_s) and returns what it printed (stdout and
// stderr together); nullopt if it could not run or was killed.
std::optional<std::string> run_capture(std::vector<std::string> args, double timeout_s) {
  int fds[2];
  if (::pipe(fds) != 0) return std::nullopt;
  const pid_t pid = fork();
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::dup2(fds[1], STDERR_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  ::close(fds[1]);
  std::string output;
  bool killed = false;
  const auto t0 = clock_type::now();
  for (;;) {
    const double left = timeout_s - seconds_since(t0);
    if (left <= 0) {
      ::kill(pid, SIGKILL);
      killed = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::min(left, 1.0) * 1000) + 1);
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    char buf[4096];
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    output.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (killed || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::cerr << "candle-bench http: " << args[0] << (killed ? " timed out" : " failed") << ":\n" << output << "\n";
    return std::nullopt;
  }
  return output;
}

// --- HTTP helpers ------------------------------------------------------------------------------

struct http_answer {
  int status = 0;
  std::string body;
};

std::optional<http_answer> http_get(int port, const std::string& path) {
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(2);
  c.set_read_timeout(10);
  auto r = c.Get(path.c_str());
  if (!r) return std::nullopt;
  return http_answer{r->status, r->body};
}

struct node_stats {
  bool ok = false;
  std::uint64_t l1_hits = 0, l1_misses = 0, l2_hits = 0, l2_misses = 0, pg_reads = 0, http_requests = 0, rate_limited = 0;
  std::uint64_t answer_hits = 0; // L1's encoded answers (cache.answer-max-bytes)
};

node_stats stats_of(int port) {
  node_stats s;
  auto a = http_get(port, "/debug/stats");
  if (!a || a->status != 200) return s;
  const auto j = json::parse(a->body, nullptr, false);
  if (j.is_discarded() || !j.contains("cache")) return s;
  const auto& c = j["cache"];
  s.l1_hits = c["l1"].value("hits", std::uint64_t{0});
  s.l1_misses = c["l1"].value("misses", std::uint64_t{0});
  s.l2_hits = c["l2"].value("hits", std::uint64_t{0});
  s.l2_misses = c["l2"].value("misses", std::uint64_t{0});
  s.pg_reads = c["postgres"].value("reads", std::uint64_t{0});
  if (c.contains("answers")) s.answer_hits = c["answers"].value("hits", std::uint64_t{0});
  if (j.contains("http")) {
    s.http_requests = j["http"].value("requests", std::uint64_t{0});
    s.rate_limited = j["http"].value("rate_limited", std::uint64_t{0});
  }
  s.ok = true;
  return s;
}

node_stats operator-(const node_stats& a, const node_stats& b) {
  node_stats d;
  d.ok = a.ok && b.ok;
  d.l1_hits = a.l1_hits - b.l1_hits;
  d.l1_misses = a.l1_misses - b.l1_misses;
  d.l2_hits = a.l2_hits - b.l2_hits;
  d.l2_misses = a.l2_misses - b.l2_misses;
  d.pg_reads = a.pg_reads - b.pg_reads;
  d.http_requests = a.http_requests - b.http_requests;
  d.rate_limited = a.rate_limited - b.rate_limited;
  d.answer_hits = a.answer_hits - b.answer_hits;
  return d;
}

node_stats& operator+=(node_stats& a, const node_stats& d) {
  a.ok = d.ok;
  a.l1_hits += d.l1_hits;
  a.l1_misses += d.l1_misses;
  a.l2_hits += d.l2_hits;
  a.l2_misses += d.l2_misses;
  a.pg_reads += d.pg_reads;
  a.http_requests += d.http_requests;
  a.rate_limited += d.rate_limited;
  a.answer_hits += d.answer_hits;
  return a;
}

// "" when the body is the expected 300 final 1m candles from from_ms on, else what is wrong.
std::string check_candles(const std::string& body, std::int64_t from_ms) {
  const auto j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.contains("candles") || !j["candles"].is_array()) return "not a candle list";
  const auto& c = j["candles"];
  if (c.size() != static_cast<std::size_t>(candles_wanted)) return std::to_string(c.size()) + " candles";
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (!c[i].value("closed", false)) return "candle " + std::to_string(i) + " is not closed";
    if (c[i].value("openTime", std::int64_t{0}) != from_ms + static_cast<std::int64_t>(i) * ms_per_minute)
      return "candle " + std::to_string(i) + " opens at " + std::to_string(c[i].value("openTime", std::int64_t{0}));
  }
  if (!j["next"].is_null()) return "answer is truncated (next is set)";
  return "";
}

std::string check_history(const std::string& body, std::int64_t from_s) {
  const auto j = json::parse(body, nullptr, false);
  if (j.is_discarded() || j.value("s", std::string()) != "ok" || !j["t"].is_array()) return "not an ok history answer";
  if (j["t"].size() != static_cast<std::size_t>(candles_wanted)) return std::to_string(j["t"].size()) + " bars";
  if (j["t"][0].get<std::int64_t>() != from_s) return "first bar at " + std::to_string(j["t"][0].get<std::int64_t>());
  return "";
}

// --- feeding -----------------------------------------------------------------------------------

// Quotes for `symbols` over `minutes` of event time ending about now: one per symbol every 3 s, so
// that every minute of every symbol has a candle. Produced as fast as the producer allows: event
// time is compressed, hours of it pass in seconds. Returns the number of events, 0 on failure.
std::size_t feed(const runtime::config& cfg, const std::string& topic, const std::vector<std::string>& symbols,
                 std::int64_t start_ms, int minutes, std::ostream& log) {
  std::uint64_t failed = 0;
  runtime::kafka_producer producer(
    {{"bootstrap.servers", cfg.get(runtime::keys::kafka_brokers)}, {"linger.ms", "20"}, {"batch.size", "1000000"},
     {"compression.type", "lz4"}, {"enable.idempotence", "true"}, {"acks", "all"}},
    [&](const runtime::kafka_delivery_report& r) { failed += !r.status.ok(); });
  std::mt19937_64 rng(11);
  std::vector<double> mid(symbols.size(), 100.0);
  bid_ask_event e;
  std::string payload;
  std::size_t n = 0;
  const auto t0 = clock_type::now();
  constexpr std::int64_t step_ms = ms_per_minute / events_per_minute;
  for (std::int64_t t = 0; t < static_cast<std::int64_t>(minutes) * ms_per_minute; t += step_ms) {
    for (std::size_t s = 0; s < symbols.size(); ++s) {
      mid[s] *= 1.0 + (static_cast<double>(rng() % 2001) - 1000.0) * 1e-6;
      e.symbol = symbols[s];
      e.bid = std::round((mid[s] - 0.01) * 100) / 100;
      e.ask = std::round((mid[s] + 0.01) * 100) / 100 + 0.01;
      e.ts = (start_ms + t + static_cast<std::int64_t>(s)) * ns_per_ms;
      payload.clear();
      append_event_json(payload, e, event_time_field::millis);
      if (auto st = producer.produce_waiting(topic, e.symbol, payload); !st.ok()) {
        log << "produce failed: " << st.reason << "\n";
        return 0;
      }
      if (++n % 1000 == 0) producer.poll();
    }
  }
  if (auto st = producer.flush(std::chrono::minutes(2)); !st.ok() || failed) {
    log << "flush failed: " << st.reason << " (" << failed << " failed deliveries)\n";
    return 0;
  }
  log << "fed " << n << " events (" << minutes << " minutes of event time, " << symbols.size() << " symbols) in "
      << seconds_since(t0) << " s\n";
  return n;
}

std::int64_t committed_total(runtime::pg_client& pg, const std::string& topic) {
  auto r = pg.transact([&](pqxx::work& w) {
    return w.exec_params1("select coalesce(sum(next_offset),0)::bigint from partition_checkpoint where topic = $1", topic)[0].as<std::int64_t>();
  });
  return r ? *r : -1;
}

// --- load --------------------------------------------------------------------------------------

struct wrk_runner {
  const http_options& opt;

  load_result run(int port, const std::string& path, const std::string& script_path, int seconds) const {
    load_result r;
    const std::string url = "http://127.0.0.1:" + std::to_string(port) + path;
    auto output = run_capture({"wrk", "-t", std::to_string(opt.wrk_threads), "-c", std::to_string(opt.connections), "-d",
                               std::to_string(seconds) + "s", "--latency", "--timeout", "5s", "-s", script_path, url},
                              seconds + wrk_grace_s);
    if (!output) return r;
    auto parsed = parse_wrk_output(*output);
    if (!parsed) {
      std::cerr << "candle-bench http: no figures from wrk:\n" << *output << "\n";
      return r;
    }
    return *parsed;
  }

  // A warm-up run (discarded), then the measured run.
  load_result measure(int port, const std::string& path, const std::string& script_path) const {
    if (opt.warmup_s > 0) (void)run(port, path, script_path, opt.warmup_s);
    return run(port, path, script_path, opt.duration_s);
  }
};

struct phase_figures {
  std::vector<load_result> runs;
  node_stats delta; // summed over the measured runs (node phases)
  double node_cpu_s = 0, wall_s = 0;

  double rps() const { return median(collect(&load_result::req_per_sec)); }
  double p50() const { return median(collect(&load_result::p50_ms)); }
  double p99() const { return median(collect(&load_result::p99_ms)); }
  std::uint64_t requests() const {
    std::uint64_t n = 0;
    for (const auto& r : runs) n += r.requests;
    return n;
  }
  std::uint64_t errors() const {
    std::uint64_t n = 0;
    for (const auto& r : runs) n += r.socket_errors + r.bad_status;
    return n;
  }
  std::vector<double> collect(double load_result::*m) const {
    std::vector<double> v;
    for (const auto& r : runs) v.push_back(r.*m);
    return v;
  }
};

// Measures a node phase: wrk runs plus what the node's counters and CPU did during the measured part.
std::string counters_of(const node_stats& d) {
  return "answers.hits +" + std::to_string(d.answer_hits) + ", l1.hits +" + std::to_string(d.l1_hits) + ", l1.misses +" + std::to_string(d.l1_misses) + ", l2.hits +" +
         std::to_string(d.l2_hits) + ", l2.misses +" + std::to_string(d.l2_misses) + ", postgres.reads +" +
         std::to_string(d.pg_reads) + ", http.requests +" + std::to_string(d.http_requests);
}

load_result measure_node(const wrk_runner& wrk, int port, pid_t pid, const std::string& path, const std::string& script,
                         phase_figures& fig) {
  if (wrk.opt.warmup_s > 0) (void)wrk.run(port, path, script, wrk.opt.warmup_s);
  const auto before = stats_of(port);
  const double cpu0 = process_cpu_seconds(pid);
  const auto t0 = clock_type::now();
  auto r = wrk.run(port, path, script, wrk.opt.duration_s);
  fig.wall_s += seconds_since(t0);
  fig.node_cpu_s += process_cpu_seconds(pid) - cpu0;
  const auto delta = stats_of(port) - before;
  fig.delta += delta;
  std::cerr << "  node counters during the run: " << counters_of(delta) << "\n";
  fig.runs.push_back(r);
  return r;
}

// The 1-minute load average: the machine is shared, and the figures mean little when it is busy.
double load_average() {
  std::ifstream f("/proc/loadavg");
  double l = 0;
  f >> l;
  return l;
}

std::string fmt(double v, int decimals) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(decimals) << v;
  return s.str();
}

std::string line_of(const load_result& r) {
  return fmt(r.req_per_sec, 0) + " req/s, p50 " + fmt(r.p50_ms, 3) + " ms, p99 " + fmt(r.p99_ms, 3) + " ms" +
         (r.socket_errors + r.bad_status ? " (" + std::to_string(r.socket_errors) + " socket errors, " +
                                             std::to_string(r.bad_status) + " non-2xx)"
                                         : "");
}

} // namespace

int run_http(const http_options& opt, const char* argv0, std::ostream& out) {
  std::ostream& log = std::cerr;
  if (opt.minutes < lead_minutes + candles_wanted + 10) {
    log << "--minutes must be at least " << lead_minutes + candles_wanted + 10 << "\n";
    return 1;
  }
  if (opt.connections < opt.wrk_threads) {
    log << "--connections must be at least --wrk-threads\n";
    return 1;
  }
  const auto cfg = load_bench_config(opt.config_file);
  const std::string id = bench_id();
  const std::string topic = "bench-http-" + id;
  const std::string candles_topic = topic + "-candles";
  const std::string symbol_prefix = "HB" + id + ".";
  std::vector<std::string> symbols;
  for (std::size_t s = 0; s < opt.symbols; ++s) symbols.push_back(symbol_prefix + std::to_string(s));

  auto pg = connect_pg(cfg, log);
  if (!pg) return 1;
  runtime::kafka_admin admin(cfg.get(runtime::keys::kafka_brokers));
  if (!create_topic(admin, topic, topic_partitions, log)) return 1;
  // The node's final candles go to a topic of the bench's own too, not to the shared one.
  const bool own_candles_topic = admin.create_topic(candles_topic, 1).empty();

  pid_t node_pid = -1;
  std::string node_log;
  scope_exit cleanup{[&] {
    stop_child(node_pid);
    node_pid = -1;
    if (opt.keep) return;
    (void)admin.delete_topic(topic);
    if (own_candles_topic) (void)admin.delete_topic(candles_topic);
    // The rows of the bench's symbols and its topic's checkpoints: nobody else reads them.
    auto remove = [&] {
      return pg->transact([&](pqxx::work& w) {
        w.exec_params("delete from candles where symbol like $1", symbol_prefix + "%");
        w.exec_params("delete from candle_series where symbol like $1", symbol_prefix + "%");
        w.exec_params("delete from partition_checkpoint where topic = $1", topic);
      });
    };
    if (!remove() && !(pg->reconnect() && remove()))
      std::cerr << "candle-bench http: could not delete the rows of " << symbol_prefix << "* from PostgreSQL\n";
  }};

  // Event time: `minutes` whole minutes ending at the last whole minute before now.
  const std::int64_t now_ms =
    std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const std::int64_t start_ms = (now_ms / ms_per_minute - opt.minutes) * ms_per_minute;
  const std::size_t events = feed(cfg, topic, symbols, start_ms, opt.minutes, log);
  if (events == 0) return 1;

  const auto node_bin = (std::filesystem::path(argv0).parent_path() / "../candle-node/candle-node").lexically_normal().string();
  const int port = free_port();
  if (port <= 0) {
    log << "no free port\n";
    return 1;
  }
  auto node_args = [&](const std::string& name, const std::vector<std::string>& extra) {
    std::vector<std::string> a = {node_bin,
                                  "--kafka.topic.events=" + topic,
                                  "--kafka.topic.events.partitions=" + std::to_string(topic_partitions),
                                  "--kafka.group=bench-http-" + id,
                                  "--node.name=" + name,
                                  "--node.http-port=" + std::to_string(port),
                                  "--cluster.port=0", // beside a node of deploy/up on the default port
                                  "--candle.intervals=1s,1m",
                                  "--candle.idle-timeout=1s",
                                  "--http.threads=" + std::to_string(opt.http_threads),
                                  "--http.rate-limit=100000000",
                                  "--http.rate-burst=100000000"};
    if (own_candles_topic) a.insert(a.end(), {"--kafka.topic.candles=" + candles_topic, "--kafka.topic.candles.partitions=1"});
    if (!opt.config_file.empty()) a.insert(a.begin() + 1, {"--config", opt.config_file});
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  auto start_node = [&](const std::string& name, const std::vector<std::string>& extra) -> bool {
    node_log = "/tmp/candle-bench-http-" + name + ".log";
    node_pid = spawn(node_args(name, extra), node_log);
    log << "started candle-node " << name << " (pid " << node_pid << ", port " << port << ", log " << node_log << ")\n";
    const auto t0 = clock_type::now();
    while (seconds_since(t0) < opt.timeout_s) {
      if (exited(node_pid)) {
        node_pid = -1;
        log << "candle-node exited early; see " << node_log << "\n";
        return false;
      }
      if (auto a = http_get(port, "/health/live"); a && a->status == 200) return true;
      std::this_thread::sleep_for(poll_every);
    }
    log << "candle-node did not answer /health/live; see " << node_log << "\n";
    return false;
  };
  // Polls `path` until it answers 200 with a body `check` accepts; returns the body.
  auto wait_for = [&](const std::string& path, const std::function<std::string(const std::string&)>& check) -> std::optional<std::string> {
    const auto t0 = clock_type::now();
    std::string why = "no answer";
    while (seconds_since(t0) < opt.timeout_s) {
      if (exited(node_pid)) {
        node_pid = -1;
        log << "candle-node exited; see " << node_log << "\n";
        return std::nullopt;
      }
      if (auto a = http_get(port, path)) {
        why = a->status == 200 ? check(a->body) : "HTTP " + std::to_string(a->status) + ": " + a->body.substr(0, 200);
        if (why.empty()) return a->body;
      }
      std::this_thread::sleep_for(poll_every);
    }
    log << "GET " << path << " never became right (" << why << "); see " << node_log << "\n";
    return std::nullopt;
  };

  // --- 1. the node, fed, until every offset is checkpointed --------------------------------------
  const std::string name = "bench-http-" + id;
  // --no-answer-cache: L1 answers from its blocks only (the encoded-answer part of L1 off).
  std::vector<std::string> node_flags;
  if (!opt.answer_cache) node_flags.push_back("--cache.answer-max-bytes=0");
  if (!start_node(name, node_flags)) return 1;
  {
    const auto t0 = clock_type::now();
    std::int64_t done = 0;
    while ((done = committed_total(*pg, topic)) < static_cast<std::int64_t>(events) && seconds_since(t0) < opt.timeout_s) {
      if (exited(node_pid)) {
        node_pid = -1;
        log << "candle-node exited early; see " << node_log << "\n";
        return 1;
      }
      std::this_thread::sleep_for(poll_every);
    }
    if (done < static_cast<std::int64_t>(events)) {
      log << "timed out: " << done << " of " << events << " offsets checkpointed; see " << node_log << "\n";
      return 1;
    }
    log << "node checkpointed all " << events << " offsets in " << seconds_since(t0) << " s\n";
  }

  // --- 2. the request: 300 final 1m candles ---------------------------------------------------
  const std::string& symbol = symbols.front();
  const std::int64_t from_ms = start_ms + lead_minutes * ms_per_minute;
  const std::int64_t to_ms = from_ms + candles_wanted * ms_per_minute;
  const std::string path = "/api/v1/candles?symbol=" + symbol + "&interval=1m&from=" + std::to_string(from_ms) +
                           "&to=" + std::to_string(to_ms) + "&limit=" + std::to_string(candles_wanted);
  // The same candles as UDF-style history: epoch seconds, both ends inclusive.
  const std::string history_path = "/api/v1/history?symbol=" + symbol + "&interval=1m&from=" + std::to_string(from_ms / 1000) +
                                    "&to=" + std::to_string((to_ms - ms_per_minute) / 1000);
  const auto body = wait_for(path, [&](const std::string& b) { return check_candles(b, from_ms); });
  if (!body) return 1;
  if (!wait_for(history_path, [&](const std::string& b) { return check_history(b, from_ms / 1000); })) return 1;
  log << "request: GET " << path << " -> " << body->size() << " bytes, 300 closed candles\n";

  // --- 3. the ceiling: a bare cpp-httplib server answering the same bytes -----------------------
  // Tuned and bound exactly as the node's server (gateway::tune_http_server: thread pool size,
  // timeouts, TCP_NODELAY, keep-alive; gateway::bind_http_server: listen backlog), so that the
  // difference is what the node does per request.
  httplib::Server ceiling;
  gateway::tune_http_server(ceiling, static_cast<std::size_t>(opt.http_threads));
  const std::string& answer = *body;
  ceiling.Get("/api/v1/candles", [&answer](const httplib::Request&, httplib::Response& res) { res.set_content(answer, "application/json"); });
  const int ceiling_port = gateway::bind_http_server(ceiling, "127.0.0.1", 0);
  if (ceiling_port <= 0) {
    log << "ceiling server cannot listen\n";
    return 1;
  }
  std::thread ceiling_thread([&] { ceiling.listen_after_bind(); });
  scope_exit stop_ceiling{[&] {
    ceiling.stop();
    ceiling_thread.join();
  }};
  if (auto a = http_get(ceiling_port, path); !a || a->body != answer) {
    log << "the ceiling server does not answer the same bytes\n";
    return 1;
  }

  // --- 4. load: rounds of (ceiling, node L1, node history), interleaved --------------------------
  const std::string script = "/tmp/candle-bench-http-" + id + ".lua";
  const std::string cold_script = "/tmp/candle-bench-http-" + id + "-cold.lua";
  scope_exit remove_scripts{[&] {
    std::error_code ec;
    std::filesystem::remove(script, ec);
    std::filesystem::remove(cold_script, ec);
  }};
  std::ofstream(script) << wrk_script({});
  wrk_runner wrk{opt};
  const double load_before = load_average();
  phase_figures ceil_fig, l1_fig, hist_fig, cold_fig;
  for (int round = 1; round <= opt.rounds; ++round) {
    auto c = wrk.measure(ceiling_port, path, script);
    ceil_fig.runs.push_back(c);
    log << "round " << round << " ceiling: " << line_of(c) << "\n";
    auto l = measure_node(wrk, port, node_pid, path, script, l1_fig);
    log << "round " << round << " node L1:  " << line_of(l) << "\n";
    auto h = measure_node(wrk, port, node_pid, history_path, script, hist_fig);
    log << "round " << round << " history:  " << line_of(h) << "\n";
    if (!c.ok || !l.ok || !h.ok) {
      log << "a wrk run failed\n";
      return 1;
    }
  }
  if (exited(node_pid)) {
    node_pid = -1;
    log << "candle-node died during the load; see " << node_log << "\n";
    return 1;
  }

  // --- 5. reads that reach PostgreSQL ------------------------------------------------------------
  // Method: the node is restarted on the same topic and group with L2 off
  // (--cache.l2-enabled=false) and L1 shrunk to a single block of 64 candles
  // (--cache.l1-max-entries=1, --cache.l1-ttl=1s). wrk draws each request at random from
  // symbols x max_cold_starts distinct ranges, each again exactly 300 final 1m candles (5 to 6
  // L1 blocks): at best the first block of an answer can still be in L1, the rest is read from
  // PostgreSQL by the cache loaders. The node's own counters (postgres.reads per request, l1.hits
  // per request) are reported next to the figures, so the claim is checked, not assumed. A node
  // restarted after its series went final has no live candle actor for them, and then the cache
  // skips L1 altogether and also reads the partition checkpoint (2 reads per request).
  const int cold_starts = std::min(max_cold_starts, opt.minutes - lead_minutes - candles_wanted - 5);
  std::vector<std::string> cold_paths;
  for (const auto& s : symbols)
    for (int k = 0; k < cold_starts; ++k) {
      const auto f = from_ms + k * ms_per_minute;
      cold_paths.push_back("/api/v1/candles?symbol=" + s + "&interval=1m&from=" + std::to_string(f) + "&to=" +
                           std::to_string(f + candles_wanted * ms_per_minute) + "&limit=" + std::to_string(candles_wanted));
    }
  std::ofstream(cold_script) << wrk_script(cold_paths);
  stop_child(node_pid);
  node_pid = -1;
  const double node_l1_cpu_share = l1_fig.wall_s > 0 ? l1_fig.node_cpu_s / l1_fig.wall_s : 0;
  if (!start_node(name + "-cold", {"--cache.l2-enabled=false", "--cache.l1-max-entries=1", "--cache.l1-ttl=1s",
                                   "--cache.answer-max-bytes=0"}))
    return 1;
  const auto cold_body = wait_for(path, [&](const std::string& b) { return check_candles(b, from_ms); });
  if (!cold_body) return 1;
  const bool cold_same_bytes = *cold_body == answer;
  auto p = measure_node(wrk, port, node_pid, path, cold_script, cold_fig);
  log << "node cold (PostgreSQL): " << line_of(p) << "\n";
  if (!p.ok) {
    log << "a wrk run failed\n";
    return 1;
  }
  // Extra, ceiling after the cold phase: shows whether the machine itself drifted.
  auto c_end = wrk.measure(ceiling_port, path, script);
  log << "ceiling again: " << line_of(c_end) << "\n";
  const double load_after = load_average();
  const auto cold_delta = cold_fig.delta;
  const double cold_cpu_share = cold_fig.wall_s > 0 ? cold_fig.node_cpu_s / cold_fig.wall_s : 0;
  stop_child(node_pid);
  node_pid = -1;

  // --- 6. figures -------------------------------------------------------------------------------
  std::vector<double> ratios;
  for (std::size_t i = 0; i < l1_fig.runs.size() && i < ceil_fig.runs.size(); ++i)
    if (ceil_fig.runs[i].req_per_sec > 0) ratios.push_back(l1_fig.runs[i].req_per_sec / ceil_fig.runs[i].req_per_sec);
  const double ratio = median(ratios);
  const auto& l1d = l1_fig.delta;
  const double l1_requests = static_cast<double>(std::max<std::uint64_t>(1, l1d.http_requests));
  const double cold_requests = static_cast<double>(std::max<std::uint64_t>(1, cold_delta.http_requests));
  // From L1: its blocks or its encoded answers, and nothing from L2 or PostgreSQL.
  const bool l1_only = l1d.ok && (l1d.l1_hits > 0 || l1d.answer_hits > 0) && l1d.pg_reads == 0 && l1d.l2_hits == 0 && l1d.l2_misses == 0;

  if (opt.json) {
    nlohmann::ordered_json j;
    j["l1_req_per_sec"] = rounded(l1_fig.rps(), 1);
    j["l1_p50_ms"] = rounded(l1_fig.p50(), 3);
    j["l1_p99_ms"] = rounded(l1_fig.p99(), 3);
    j["ceiling_req_per_sec"] = rounded(ceil_fig.rps(), 1);
    j["ceiling_p50_ms"] = rounded(ceil_fig.p50(), 3);
    j["ceiling_p99_ms"] = rounded(ceil_fig.p99(), 3);
    j["l1_ratio_to_ceiling"] = rounded(ratio, 4);
    j["postgres_req_per_sec"] = rounded(cold_fig.rps(), 1);
    j["postgres_p50_ms"] = rounded(cold_fig.p50(), 3);
    j["postgres_p99_ms"] = rounded(cold_fig.p99(), 3);
    j["history_req_per_sec"] = rounded(hist_fig.rps(), 1);
    j["history_p50_ms"] = rounded(hist_fig.p50(), 3);
    j["history_p99_ms"] = rounded(hist_fig.p99(), 3);
    j["response_bytes"] = answer.size();
    j["connections"] = opt.connections;
    // Checks and context (not targets).
    j["answer_cache"] = opt.answer_cache;
    j["l1_phase_answer_hits"] = l1d.answer_hits;
    j["l1_phase_l1_hits"] = l1d.l1_hits;
    j["l1_phase_postgres_reads"] = l1d.pg_reads;
    j["l1_phase_l2_reads"] = l1d.l2_hits + l1d.l2_misses;
    j["postgres_phase_reads_per_request"] = rounded(static_cast<double>(cold_delta.pg_reads) / cold_requests, 3);
    j["postgres_phase_l1_hits_per_request"] = rounded(static_cast<double>(cold_delta.l1_hits) / cold_requests, 3);
    j["errors"] = ceil_fig.errors() + l1_fig.errors() + hist_fig.errors() + cold_fig.errors();
    j["rounds"] = opt.rounds;
    j["duration_s"] = opt.duration_s;
    j["load_average_before"] = load_before;
    j["load_average_after"] = load_after;
    out << j.dump() << "\n";
  } else {
    out << "request:   GET " << path << "\n"
        << "           300 final 1m candles, " << answer.size() << " bytes; history: GET " << history_path << "\n"
        << "load:      wrk -t" << opt.wrk_threads << " -c" << opt.connections << ", " << opt.warmup_s << " s warm-up + "
        << opt.duration_s << " s per run; " << opt.rounds << " interleaved rounds (ceiling, node L1, history), medians; "
        << opt.http_threads << " server threads on both servers\n"
        << "ceiling:   " << fmt(ceil_fig.rps(), 0) << " req/s, p50 " << fmt(ceil_fig.p50(), 3) << " ms, p99 " << fmt(ceil_fig.p99(), 3)
        << " ms (bare cpp-httplib in this process, the same bytes)\n"
        << "node L1:   " << fmt(l1_fig.rps(), 0) << " req/s, p50 " << fmt(l1_fig.p50(), 3) << " ms, p99 " << fmt(l1_fig.p99(), 3)
        << " ms = " << fmt(100 * ratio, 1) << " % of the ceiling\n"
        << "           cache during the measured L1 runs: l1.hits +" << l1d.l1_hits << " ("
        << fmt(static_cast<double>(l1d.l1_hits) / l1_requests, 2) << " blocks/request), postgres.reads +" << l1d.pg_reads
        << ", l2 reads +" << l1d.l2_hits + l1d.l2_misses << (l1_only ? ": every answer came from L1" : ": NOT purely L1") << "\n"
        << "           node CPU " << fmt(node_l1_cpu_share, 2) << " cores during them (" << std::thread::hardware_concurrency()
        << " cores on this machine, shared with wrk)\n"
        << "history:   " << fmt(hist_fig.rps(), 0) << " req/s, p50 " << fmt(hist_fig.p50(), 3) << " ms, p99 " << fmt(hist_fig.p99(), 3)
        << " ms (/api/v1/history of the same 300 candles, L1: postgres.reads +" << hist_fig.delta.pg_reads << ")\n"
        << "postgres:  " << fmt(cold_fig.rps(), 0) << " req/s, p50 " << fmt(cold_fig.p50(), 3) << " ms, p99 " << fmt(cold_fig.p99(), 3)
        << " ms (node restarted with L2 off and a 1-block L1; random among " << cold_paths.size()
        << " distinct 300-candle ranges)\n"
        << "           postgres.reads " << fmt(static_cast<double>(cold_delta.pg_reads) / cold_requests, 2)
        << " per request, l1.hits " << fmt(static_cast<double>(cold_delta.l1_hits) / cold_requests, 2)
        << " per request; node CPU " << fmt(cold_cpu_share, 2) << " cores; same bytes as from L1: " << (cold_same_bytes ? "yes" : "NO")
        << "\n"
        << "ceiling after the cold phase: " << line_of(c_end) << "\n"
        << "machine:   " << std::thread::hardware_concurrency() << " cores, 1-minute load average " << fmt(load_before, 2)
        << " before the load and " << fmt(load_after, 2) << " after (wrk, both servers and anything else share them)\n";
    const auto errors = ceil_fig.errors() + l1_fig.errors() + hist_fig.errors() + cold_fig.errors();
    if (errors) out << "errors:    " << errors << " socket errors or non-2xx answers in the measured runs\n";
    if (l1d.rate_limited + cold_delta.rate_limited) out << "warning:   the node answered 429 during the load\n";
  }
  return 0;
}

} // namespace cs::bench
