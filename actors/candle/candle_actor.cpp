#include "actors/candle/candle_actor.hpp"

#include <stdexcept>

namespace cs {

candle_actor_hdl::behavior_type candle_actor(candle_actor_hdl::stateful_pointer<candle_actor_state> self,
                                             std::string symbol, interval iv, bool faults_enabled, cache_hdl cache) {
  self->state.keeper = candle_keeper(std::move(symbol), iv);
  // Final candles go to the cache as soon as they exist (write-through); PostgreSQL gets them at
  // the next checkpoint.
  auto share = [self, cache](final_span&& span) {
    if (cache && !span.candles.empty()) self->send(cache, final_atom::value, std::move(span));
  };
  return {
    [=](apply_atom, const event_slice& slice) { share(self->state.keeper.apply(*slice.events, slice.watermark_after)); },
    [=](advance_atom, timestamp_ns watermark) { share(self->state.keeper.advance(watermark)); },
    [=](collect_atom) { return self->state.keeper.collect(); },
    [=](committed_atom) { self->state.keeper.committed(); },
    [=](restore_atom, const std::vector<candle>& live) { self->state.keeper.restore(live); },
    [=](live_atom) { return self->state.keeper.live(); },
    [=](recent_atom) { return self->state.keeper.recent(); },
    [=](crash_atom) {
      // Exceptions end the actor with an error: its supervisor (the reader) restores it.
      if (faults_enabled) throw std::runtime_error("fault injection: candle actor crashed on purpose");
    },
  };
}

} // namespace cs
