#include "actors/candle/candle_actor.hpp"

#include <stdexcept>

namespace cs {

candle_actor_hdl::behavior_type candle_actor(candle_actor_hdl::stateful_pointer<candle_actor_state> self,
                                             std::string symbol, interval iv, bool faults_enabled) {
  self->state.keeper = candle_keeper(std::move(symbol), iv);
  return {
    [=](apply_atom, const event_slice& slice) { self->state.keeper.apply(*slice.events, slice.watermark_after); },
    [=](advance_atom, timestamp_ns watermark) { self->state.keeper.advance(watermark); },
    [=](collect_atom) { return self->state.keeper.collect(); },
    [=](restore_atom, const std::vector<candle>& live) { self->state.keeper.restore(live); },
    [=](live_atom) { return self->state.keeper.live(); },
    [=](crash_atom) {
      // Exceptions end the actor with an error: its supervisor (the reader) restores it.
      if (faults_enabled) throw std::runtime_error("fault injection: candle actor crashed on purpose");
    },
  };
}

} // namespace cs
