#pragma once
#include <cstddef>
#include <ostream>
#include <string>

namespace cs::bench {

struct http_options {
  bool json = false;
  int duration_s = 10;    // measured seconds per wrk run
  int warmup_s = 3;       // unmeasured wrk run before each measured one
  int connections = 32;   // wrk connections
  int wrk_threads = 2;    // wrk threads
  int rounds = 3;         // rounds of (ceiling, node L1, node history); medians are reported
  int http_threads = 8;   // server threads of the node and of the ceiling server alike
  std::size_t symbols = 4;
  int minutes = 720;      // minutes of event time fed per symbol (>= 400)
  std::string config_file; // passed to candle-node and used for brokers/PostgreSQL; "" = defaults
  double timeout_s = 300;  // give up waiting for the node (ingestion, readiness) after this
  bool keep = false;       // keep the topic and the bench's rows in PostgreSQL
  bool answer_cache = true; // false: the node's L1 answers from its blocks only
};

// Feeds a fresh topic to a candle-node, then load-tests its read API with wrk: a 300-candle
// /api/v1/candles answer from L1, the same answer from a bare cpp-httplib server in this process
// (the ceiling), /api/v1/history of the same candles, and reads that reach PostgreSQL on a node
// restarted with its caches disabled or shrunk.
int run_http(const http_options& opt, const char* argv0, std::ostream& out);

} // namespace cs::bench
