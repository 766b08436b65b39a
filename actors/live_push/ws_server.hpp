#pragma once
// The WebSocket server of /ws (docs/api.md, "Live updates"), on Boost.Beast: it takes over
// connections the node's HTTP listener recognised as upgrades (http_listener), runs each
// session on its own strand of a small io_context, parses client frames (ws_protocol.hpp), keeps
// what each session owes its client (session_state.hpp), subscribes through the node's live hub,
// and reads resumes (`since`) from the cache and PostgreSQL on a separate pool, never on the
// session's strand or an actor thread.
// Slow or hostile clients: a session whose queue passes ws.max-queue-bytes is closed with 1008
// (policy) and counted; frames larger than ws.max-frame-bytes close it with 1009 (Beast); a
// malformed frame gets an error frame; sessions per client address and in all are bounded (a
// handshake past either bound is answered 429/503). Ping/pong and the idle timeout are Beast's
// (keep-alive pings at half the idle timeout).
// Thread-safety: adopt() and stats() from any thread; start/stop from one thread.
// Failure semantics: a failing session ends alone; nothing a client sends can throw out of here.
#include <caf/actor_system.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "actors/live_push/live_hub.hpp"
#include "actors/live_push/session_state.hpp"
#include "actors/live_push/ws_protocol.hpp"

namespace cs::live {

// The values of config keys carry no defaults here: their one declaration is
// runtime/config/keys.hpp, and the node (apps/candle-node/main.cpp) sets each from its key.
struct ws_settings {
  session_limits session;
  ws_limits protocol;
  std::size_t max_sessions = 0;             // set by the node from ws.max-sessions
  std::size_t max_sessions_per_address = 0; // set by the node from ws.max-sessions-per-address
  duration_ns idle_timeout = 0;             // set by the node from ws.idle-timeout
  duration_ns handshake_timeout = 10 * ns_per_s; // not a config key
  std::size_t threads = 0;                  // set by the node from ws.threads
  std::size_t max_resume_candles = 0;       // set by the node from ws.max-resume-candles: per key and resume
};

// One page of the final candles of `key` after `since`: ascending, at most `limit` (the reader
// may return fewer), from the cache and PostgreSQL (blocking; called on the resume pool). `more`:
// there may be finals after the last one returned. `error` set: they could not be read.
// A resume reads page after page, each only once the session's queue has room for it, so that a
// client resuming from long ago holds one page in memory, not the whole gap.
struct history_result {
  std::vector<candle> finals;
  bool more = false;
  std::string error;
};
using history_reader = std::function<history_result(const candle_key& key, timestamp_ns since, std::size_t limit)>;

struct ws_counters {
  std::uint64_t sessions = 0;        // open now
  std::uint64_t sessions_total = 0;  // accepted since start
  std::uint64_t refused = 0;         // handshakes refused (limits)
  std::uint64_t messages_sent = 0;   // frames written
  std::uint64_t slow_drops = 0;      // sessions closed for not keeping up
  std::uint64_t bad_frames = 0;      // client frames answered with an error frame
  std::uint64_t resumes = 0;         // history reads for `since` or after a re-watch
};

class ws_server {
public:
  ws_server(ws_settings settings, history_reader history);
  ~ws_server();
  ws_server(const ws_server&) = delete;
  ws_server& operator=(const ws_server&) = delete;

  // The registry the hub delivers through (give it to live_hub before start()).
  std::shared_ptr<session_registry> registry() const;
  void start(live_hub_hdl hub);
  // Closes every session and joins the threads.
  void stop();
  // Takes over an accepted socket whose first request is an upgrade to /ws (nothing read yet).
  void adopt(int fd);
  ws_counters stats() const;

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

} // namespace cs::live
