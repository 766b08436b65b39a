#pragma once
// The candle actor: one per (symbol, interval), owns that key's live candles (docs/design.md §5).
// A thin shell around candle_keeper; its interface is candle_actor_hdl (messages/protocols.hpp).
#include <caf/stateful_actor.hpp>

#include "actors/candle/candle_keeper.hpp"
#include "messages/protocols.hpp"

namespace cs {

struct candle_actor_state {
  candle_actor_state() : keeper("", interval{}) {}
  candle_keeper keeper;
  static inline const char* name = "candle";
};

candle_actor_hdl::behavior_type candle_actor(candle_actor_hdl::stateful_pointer<candle_actor_state> self,
                                             std::string symbol, interval iv, bool faults_enabled, cache_hdl cache);

} // namespace cs
