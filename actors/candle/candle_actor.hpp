#pragma once
// The candle actor: one per (symbol, interval), owns that key's live candles (DESIGN §5).
// A thin shell around candle_keeper. Protocol:
//   (apply_atom, event_slice)          events of one reader batch, then finalize
//   (advance_atom, timestamp_ns)       the partition watermark moved
//   (collect_atom) -> checkpoint_part  checkpoint: finals and changed live candles since last time
//   (restore_atom, vector<candle>)     live candles from the partition's checkpoint
//   (live_atom) -> vector<candle>      "live candle?" for queries and the console
//   (crash_atom)                       fault injection, only when enabled at spawn
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/candle/candle_keeper.hpp"

namespace cs {

struct candle_actor_state {
  candle_actor_state() : keeper("", interval{}) {}
  candle_keeper keeper;
  static inline const char* name = "candle";
};

caf::behavior candle_actor(caf::stateful_actor<candle_actor_state>* self, std::string symbol, interval iv,
                           bool faults_enabled);

} // namespace cs
