#pragma once
#include <cstddef>
#include <ostream>
#include <string>

namespace cs::bench {

struct ws_options {
  bool json = false;
  std::size_t sessions = 1000;  // WebSocket sessions during the latency run, one (symbol, 1s) key each, round-robin
  std::size_t symbols = 100;
  std::size_t events = 3000;    // measured events
  // Events per second, round-robin over the symbols. 0: symbols / max(2 x ws.live-interval,
  // 500 ms), so a key gets an event at most every two live intervals and the per-key throttle
  // never holds a measured update back.
  double rate = 0;
  int partitions = 4;           // of the benchmark topic
  // After the latency run, sessions are opened up to this many in all (steps of probe_step) with
  // updates flowing: how many the node holds, RSS per session. 0: no probe.
  std::size_t max_sessions_probe = 10000;
  std::size_t probe_step = 1000;
  double probe_hold_s = 5;      // at the probe's end: seconds every session must get updates in
  double settle_s = 2;          // after every subscription is acked (the hub looks up candle actors every second)
  int client_threads = 1;       // threads of the bench's WebSocket clients
  // Handshakes in flight at once. The node's accept queue is SOMAXCONN deep (it raises
  // cpp-httplib's 5); listen_overflows in the output counts SYNs the kernel dropped anyway.
  std::size_t connect_parallel = 4;
  std::string config_file;      // passed to candle-node and used for brokers/PostgreSQL; "" = defaults
  double timeout_s = 120;       // bound of every wait (node start, warm-up, opening a step of sessions)
  bool keep = false;            // keep the topics and the bench's rows
  // "": none. Else every frame the first session of each symbol receives goes there, one line
  // each: arrival (epoch ns) and the frame; events are stamped with their produce time (lastTs).
  std::string trace_file;
};

// Starts a candle-node on a fresh topic, subscribes `sessions` WebSocket clients to (symbol, 1s)
// keys, produces events stamped with the wall clock right before produce and measures how long
// each takes to reach every subscribed client as a live candle (its lastTs); then opens more
// sessions with updates flowing to see how many the node holds and the RSS per session.
int run_ws(const ws_options& opt, const char* argv0, std::ostream& out);

} // namespace cs::bench
