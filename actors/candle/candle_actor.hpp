#pragma once
// The candle actor: one per (symbol, interval), owns that key's live candles (docs/design.md §5).
// A thin shell around candle_keeper; its interface is candle_actor_hdl (messages/protocols.hpp).
// Its reader tells it when the watermark passes a bucket end only while it holds live candles
// (docs/many-keys.md); an actor holding none asks the reader for the watermark before it answers
// a query, so its frontier is as current as if it had heard every advance.
#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>

#include <vector>

#include "actors/candle/candle_keeper.hpp"
#include "messages/protocols.hpp"

namespace cs {

struct candle_actor_state {
  candle_actor_state() : keeper("", interval{}) {}
  candle_keeper keeper;
  // Live hubs of WebSocket sessions watching this key (usually none; one per watching node).
  std::vector<live_hub_hdl> watchers;
  std::uint32_t restarts = 0; // earlier actors of this key that failed (from its reader)
  static inline const char* name = "candle";
};

struct candle_actor_peers {
  caf::actor reader;      // its partition reader: collect replies and watermark questions go there
  cache_hdl cache;        // may be null: final candles are then not written through
  duration_ns timeout = 0; // for asking the reader
  std::uint32_t restarts = 0; // earlier actors of this key its reader restarted after a failure
};

candle_actor_hdl::behavior_type candle_actor(candle_actor_hdl::stateful_pointer<candle_actor_state> self,
                                             std::string symbol, interval iv, bool faults_enabled, candle_actor_peers peers);

} // namespace cs
