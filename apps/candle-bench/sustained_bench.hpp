#pragma once
#include <cstddef>
#include <ostream>
#include <string>

namespace cs::bench {

struct sustained_options {
  bool json = false;
  double rate = 500'000;         // events/s produced (candle-feed simulate, live event times)
  double seconds = 600;          // how long the feed and the HTTP load run
  std::size_t symbols = 1000;
  int partitions = 16;           // of the benchmark topic
  int http_threads = 1;          // wrk -t
  int http_connections = 4;      // wrk -c
  double sample_interval_s = 10; // RSS, lag, restarts and events every this often
  double drain_timeout_s = 120;  // after the feed ends: until the lag is 0
  std::string config_file;       // passed to candle-node and candle-feed; "" = defaults
  bool keep = false;             // keep the topic and the bench's rows
};

// A candle-node under a live feed at `rate` events/s (candle-feed simulate, a process of its own)
// while wrk (another process) loads its read API, for `seconds`: sampled consumer lag, RSS,
// restarts and consumed events; at the end the lag must drain to 0. Reports start/end/peak RSS,
// peak lag, restarts and the HTTP figures.
int run_sustained(const sustained_options& opt, const char* argv0, std::ostream& out);

} // namespace cs::bench
