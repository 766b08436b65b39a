#pragma once
// The live hub actor (docs/design.md §5, publisher): one per node, between the candle actors and
// the node's WebSocket sessions. A key's candle actor is watched (watch_atom) while at least one
// session subscribes to it, and pushes its changes here; the hub hands each change to the
// subscribed sessions through the session registry. A candle actor that goes away (retired
// after idling, crashed and restarted with its partition, or not spawned yet) is looked up again
// every tick and watched anew; its sessions are told (rewatched), so that they fill what they
// may have missed from the cache, as a resume does. Sessions on another node would watch the
// owning node's candle actor the same way (a routing change in the directory, not a new path).
// Interface: live_hub_hdl (messages/protocols.hpp).
#include <caf/stateful_actor.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <unordered_map>

#include "messages/protocols.hpp"

namespace cs::live {

// Where the hub delivers: a session, seen from the hub's thread. deliver() and rewatched() must
// not block (they post to the session's own executor).
class live_sink {
public:
  virtual ~live_sink() = default;
  // Shared: one update goes to every session subscribed to its key.
  virtual void deliver(std::shared_ptr<const live_update> u) = 0;
  // The key is watched from now on (found), or has no candle actor on this node now (not found:
  // it is looked up again every tick). Either way every change from here on reaches deliver()
  // or is in the cache, so a resuming session may read its history now.
  virtual void watching(const candle_key& key, bool found) = 0;
  // The key's candle actor was watched again after it went away (or appeared after a lookup
  // found none): changes in between may have been missed; fill them from the cache.
  virtual void rewatched(const candle_key& key) = 0;
};

// Session number -> sink, shared by the WebSocket server (which adds and removes sessions) and
// the hub (which delivers). Thread-safe.
class session_registry {
public:
  void add(std::uint64_t id, std::weak_ptr<live_sink> sink);
  void remove(std::uint64_t id);
  std::shared_ptr<live_sink> find(std::uint64_t id) const;
  std::size_t size() const;

private:
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, std::weak_ptr<live_sink>> sinks_;
};

struct live_hub_state {
  struct watched {
    std::set<std::uint64_t> sessions;
    std::vector<candle_actor_hdl> actors; // watched now; empty: looked up again at the next tick
    bool lost = false;                     // an actor went away: tell the sessions once re-watched
    bool looking = false;                  // a lookup is in flight
    std::vector<candle> live;              // the newest live candles heard: what a new session sees first
  };
  std::map<candle_key, watched> keys;
  std::unordered_map<std::uint64_t, std::set<candle_key>> by_session;
  std::map<caf::actor_addr, candle_key> by_actor;
  std::uint64_t updates = 0;
  static inline const char* name = "live_hub";
};

live_hub_hdl::behavior_type live_hub(live_hub_hdl::stateful_pointer<live_hub_state> self, directory_hdl directory,
                                     std::shared_ptr<session_registry> sessions, duration_ns lookup_interval);

} // namespace cs::live
