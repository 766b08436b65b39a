#pragma once
#include <sys/types.h>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <ostream>
#include <string>

namespace cs::bench {

struct idle_options {
  bool json = false;
  int partitions = 16;          // of the benchmark topic, all assigned to the node
  double seconds = 30;          // measured span
  double settle_s = 5;          // after every partition runs, before measuring (start-up work ends)
  double scrape_interval_s = 0; // GET /metrics this often meanwhile, as Prometheus would (0: never)
  std::string config_file;      // passed to candle-node and used for brokers/PostgreSQL; "" = defaults
  double timeout_s = 120;       // bound of the wait for the node's partitions
  bool keep = false;            // keep the topic and the bench's rows
};

// What a candle-node did over a span of doing nothing.
struct idle_figures {
  double seconds = 0;
  double cpu_seconds = 0;       // on-CPU time of all its threads (schedstat)
  double cpu_pct_of_core = 0;   // cpu_seconds / seconds x 100
  double wakeups_per_sec = 0;   // context switches of all its threads
  long rss_bytes = 0;           // at the end
  std::size_t scrapes = 0;
  nlohmann::json threads;       // {name: {threads, cpu_ms, wakeups_per_sec}}
};

// Measures the node `pid` (HTTP on `port`) for `seconds`, scraping /metrics every
// `scrape_interval_s` (0: never) meanwhile.
idle_figures measure_idle(pid_t pid, const std::string& port, double seconds, double scrape_interval_s);

// Starts a candle-node on a fresh topic that nobody produces to, waits until it runs every
// partition, then measures over `seconds` what it costs doing nothing: CPU time (the kernel's
// per-thread run time, /proc/<pid>/task/*/schedstat) as a share of one core, and wake-ups
// (context switches) per second by thread name, so that whatever still ticks can be found.
int run_idle(const idle_options& opt, const char* argv0, std::ostream& out);

} // namespace cs::bench
