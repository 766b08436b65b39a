#include "idle_bench.hpp"

#include "bench_node.hpp"
#include "bench_util.hpp"
#include "child_process.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "runtime/config/config.hpp"
#include "runtime/kafka/admin.hpp"
#include "runtime/postgres/client.hpp"
#include "runtime/postgres/connection_params.hpp"

namespace cs::bench {
namespace {

// What the kernel says one thread has done so far.
struct thread_sample {
  std::string name;
  double run_s = 0;            // on-CPU time (schedstat, nanosecond resolution)
  std::uint64_t switches = 0;  // voluntary + involuntary context switches: its wake-ups
};

std::string read_first_line(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  return line;
}

// Every thread of `pid` by thread id; threads that end between the two samples drop out (their
// time is lost, which only under-counts, and a node at rest starts no threads).
std::map<std::string, thread_sample> sample_threads(pid_t pid) {
  std::map<std::string, thread_sample> out;
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    thread_sample t;
    t.name = read_first_line(task.path() / "comm");
    std::istringstream sched(read_first_line(task.path() / "schedstat"));
    std::uint64_t run_ns = 0;
    sched >> run_ns;
    t.run_s = static_cast<double>(run_ns) / 1e9;
    std::ifstream status(task.path() / "status");
    for (std::string line; std::getline(status, line);) {
      const auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      const auto key = line.substr(0, colon);
      if (key == "voluntary_ctxt_switches" || key == "nonvoluntary_ctxt_switches") t.switches += std::stoull(line.substr(colon + 1));
    }
    out[task.path().filename().string()] = std::move(t);
  }
  return out;
}

} // namespace

idle_figures measure_idle(pid_t pid, const std::string& port, double seconds, double scrape_interval_s) {
  idle_figures fig;
  const auto before = sample_threads(pid);
  const auto t0 = clock_type::now();
  {
    scraper s(port, scrape_interval_s);
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    fig.scrapes = s.scrapes();
  }
  const auto after = sample_threads(pid);
  fig.seconds = seconds_since(t0);
  fig.rss_bytes = proc_status_bytes(pid, "VmRSS:");
  struct group {
    int threads = 0;
    double run_s = 0;
    std::uint64_t switches = 0;
  };
  std::map<std::string, group> by_name;
  std::uint64_t switches = 0;
  for (const auto& [tid, a] : after) {
    const auto b = before.find(tid);
    if (b == before.end()) continue;
    auto& g = by_name[a.name];
    ++g.threads;
    g.run_s += a.run_s - b->second.run_s;
    g.switches += a.switches - b->second.switches;
    fig.cpu_seconds += a.run_s - b->second.run_s;
    switches += a.switches - b->second.switches;
  }
  fig.cpu_pct_of_core = fig.cpu_seconds / fig.seconds * 100;
  fig.wakeups_per_sec = rounded(static_cast<double>(switches) / fig.seconds, 1);
  fig.threads = nlohmann::json::object();
  for (const auto& [n, g] : by_name)
    fig.threads[n] = {{"threads", g.threads}, {"cpu_ms", rounded(g.run_s * 1000, 1)},
                      {"wakeups_per_sec", rounded(static_cast<double>(g.switches) / fig.seconds, 1)}};
  return fig;
}

int run_idle(const idle_options& opt, const char* argv0, std::ostream& out) {
  std::ostream& log = std::cerr;
  const auto cfg = load_bench_config(opt.config_file);

  const std::string id = bench_id();
  const std::string topic = "bench-idle-" + id;
  auto pg = connect_pg(cfg, log);
  if (!pg) return 1;
  runtime::kafka_admin admin(cfg.get(runtime::keys::kafka_brokers));
  if (!create_topic(admin, topic, opt.partitions, log)) return 1;
  pid_t node_pid = -1;
  scope_exit cleanup{[&] {
    stop_child(node_pid);
    if (opt.keep) return;
    (void)admin.delete_topic(topic);
    delete_rows(*pg, topic, log);
  }};

  const int port = free_port();
  if (port <= 0) {
    log << "no free port\n";
    return 1;
  }
  const std::string port_text = std::to_string(port);
  const auto node_bin = (std::filesystem::path(argv0).parent_path() / "../candle-node/candle-node").lexically_normal().string();
  const std::string name = "bench-idle-" + id;
  const std::string node_log = "/tmp/candle-bench-" + name + ".log";
  node_pid = start_node(node_bin, topic, name, port_text, opt.config_file, node_log, true,
                        {"--kafka.topic.events.partitions=" + std::to_string(opt.partitions)});
  log << "started candle-node " << name << " (pid " << node_pid << ", port " << port << ", log " << node_log << ")\n";

  const auto t0 = clock_type::now();
  if (!wait_running(node_pid, port_text, opt.partitions, opt.timeout_s, log)) {
    log << "see " << node_log << "\n";
    return 1;
  }
  log << "every partition running after " << seconds_since(t0) << " s; settling " << opt.settle_s << " s\n";
  std::this_thread::sleep_for(std::chrono::duration<double>(opt.settle_s));

  const auto fig = measure_idle(node_pid, port_text, opt.seconds, opt.scrape_interval_s);
  if (exited(node_pid)) {
    node_pid = -1;
    log << "candle-node exited while measured; see " << node_log << "\n";
    return 1;
  }
  const double span = fig.seconds, run_s = fig.cpu_seconds, pct = fig.cpu_pct_of_core;
  const long rss = fig.rss_bytes;
  if (opt.json) {
    out << nlohmann::json{{"partitions", opt.partitions},
                          {"seconds", rounded(span, 2)},
                          {"scrape_interval_s", opt.scrape_interval_s},
                          {"scrapes", fig.scrapes},
                          {"cpu_seconds", rounded(run_s, 4)},
                          {"idle_cpu_percent", rounded(pct, 3)},
                          {"wakeups_per_sec", fig.wakeups_per_sec},
                          {"node_rss_bytes", rss},
                          {"threads", fig.threads}}
             .dump()
        << "\n";
  } else {
    out << "idle candle-node, " << opt.partitions << " partitions, " << span << " s"
        << (opt.scrape_interval_s > 0 ? ", /metrics scraped every " + std::to_string(opt.scrape_interval_s) + " s" : "") << ":\n"
        << "  CPU " << run_s << " s = " << pct << " % of one core; " << fig.wakeups_per_sec << " wake-ups/s; RSS "
        << rss / 1024 / 1024 << " MiB\n";
    for (const auto& [n, g] : fig.threads.items())
      out << "  " << n << " (" << g["threads"] << " threads): " << g["cpu_ms"] << " ms CPU, " << g["wakeups_per_sec"] << " wake-ups/s\n";
  }
  return 0;
}

} // namespace cs::bench
