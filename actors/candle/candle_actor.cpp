#include "actors/candle/candle_actor.hpp"

#include <caf/send.hpp>

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace cs {

candle_actor_hdl::behavior_type candle_actor(candle_actor_hdl::stateful_pointer<candle_actor_state> self,
                                             std::string symbol, interval iv, bool faults_enabled, candle_actor_peers peers) {
  self->state.keeper = candle_keeper(std::move(symbol), iv);
  self->state.restarts = peers.restarts;
  // Final candles go to the cache as soon as they exist (write-through); PostgreSQL gets them at
  // the next checkpoint.
  // Watching hubs get the finals and the live candles after every change; an unwatched actor
  // (almost all of them) pays one empty() check. An advance changes no live candle (it only
  // finalises some), so its update carries none: a repeat would restart every session's throttle
  // and hold back the next real change.
  auto share = [self, cache = peers.cache](final_span&& span, bool live_changed) {
    auto& st = self->state;
    if (!st.watchers.empty() && (live_changed || !span.candles.empty())) {
      live_update u{span.key, span.candles, live_changed ? st.keeper.live() : std::vector<candle>{}};
      u.key = {st.keeper.symbol(), st.keeper.iv()};
      for (const auto& w : st.watchers) self->send(w, update_atom::value, u);
    }
    if (cache && !span.candles.empty()) self->send(cache, final_atom::value, std::move(span));
  };
  const auto timeout = std::chrono::nanoseconds(peers.timeout);
  const auto reader = peers.reader;
  return {
    [=](apply_atom, const event_slice& slice) { share(self->state.keeper.apply(*slice.events, slice.watermark_after), true); },
    [=](advance_atom, timestamp_ns watermark) { share(self->state.keeper.advance(watermark), false); },
    // anon_send: a typed actor may not send() to the dynamically typed reader.
    [=](collect_atom, std::uint64_t ticket) { caf::anon_send(reader, collected_atom::value, ticket, self->state.keeper.collect()); },
    [=](committed_atom) { self->state.keeper.committed(); },
    [=](restore_atom, const std::vector<candle>& live) { self->state.keeper.restore(live); },
    [=](live_atom) { return self->state.keeper.live(); },
    [=](recent_atom) -> caf::result<recent_candles> {
      if (self->state.keeper.holds_live() || !reader) return self->state.keeper.recent();
      // Holding nothing live, it hears no advances. The reader's answer comes after every
      // batch it routed before answering (FIFO between the two), so advancing to it here is
      // what the skipped advances would have done.
      auto rp = self->make_response_promise<recent_candles>();
      self->request(reader, timeout, watermark_atom::value)
        .then([=](timestamp_ns watermark) mutable {
                share(self->state.keeper.advance(watermark), false);
                rp.deliver(self->state.keeper.recent());
              },
              [=](caf::error&) mutable { rp.deliver(self->state.keeper.recent()); }); // what it knows: behind, never ahead
      return rp;
    },
    [=](watch_atom, const live_hub_hdl& hub) {
      auto& w = self->state.watchers;
      if (std::find(w.begin(), w.end(), hub) == w.end()) w.push_back(hub);
      // The current state at once: the hub's sessions resume from the cache up to here.
      self->send(hub, update_atom::value, live_update{{self->state.keeper.symbol(), self->state.keeper.iv()}, {}, self->state.keeper.live()});
    },
    [=](unwatch_atom, const live_hub_hdl& hub) {
      auto& w = self->state.watchers;
      w.erase(std::remove(w.begin(), w.end(), hub), w.end());
    },
    [=](inspect_atom) {
      const auto& st = self->state;
      candle_actor_info info;
      info.live = st.keeper.live();
      info.events_applied = st.keeper.events_applied();
      info.late = st.keeper.late_count();
      info.pending_finals = st.keeper.pending_finals();
      // Only what the scheduler already moved into the queue: mailbox().size() would move more
      // into the queue this very handler is being run from.
      info.mailbox = self->mailbox().queue().total_task_size();
      info.watchers = st.watchers.size();
      info.restarts = st.restarts;
      info.frontier = st.keeper.frontier();
      return info;
    },
    [=](crash_atom) {
      // Exceptions end the actor with an error: its supervisor (the reader) restores it.
      if (faults_enabled) throw std::runtime_error("fault injection: candle actor crashed on purpose");
    },
  };
}

} // namespace cs
