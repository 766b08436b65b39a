#include "actors/live_push/live_hub.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <chrono>

#include "runtime/log/log.hpp"

namespace cs::live {

void session_registry::add(std::uint64_t id, std::weak_ptr<live_sink> sink) {
  std::lock_guard lock(mutex_);
  sinks_[id] = std::move(sink);
}

void session_registry::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  sinks_.erase(id);
}

std::shared_ptr<live_sink> session_registry::find(std::uint64_t id) const {
  std::lock_guard lock(mutex_);
  auto it = sinks_.find(id);
  return it == sinks_.end() ? nullptr : it->second.lock();
}

std::size_t session_registry::size() const {
  std::lock_guard lock(mutex_);
  return sinks_.size();
}

namespace {

using hub_self = live_hub_hdl::stateful_pointer<live_hub_state>;

// Asks the directory for the key's candle actor(s) and watches them. Without one (no event yet,
// or its actor retired) the key waits for the next tick.
void look_up(hub_self self, const directory_hdl& directory, const std::shared_ptr<session_registry>& sessions,
             const candle_key& key, duration_ns timeout) {
  auto& w = self->state.keys[key];
  if (w.looking || !w.actors.empty()) return;
  w.looking = true;
  self->request(directory, std::chrono::nanoseconds(timeout), lookup_atom::value, key)
    .then(
      [=](std::vector<candle_actor_hdl>& found) {
        auto it = self->state.keys.find(key);
        if (it == self->state.keys.end()) return; // nobody subscribes any more
        auto& entry = it->second;
        entry.looking = false;
        if (!entry.actors.empty()) return;
        if (found.empty()) {
          // Its actor may appear (and finalise candles) before it is watched: the directory
          // says when it registers (the tick looks again in any case).
          entry.lost = true;
          self->send(directory, watch_atom::value, key, live_hub_hdl{self});
          for (auto id : entry.sessions)
            if (auto sink = sessions->find(id)) sink->watching(key, false);
          return;
        }
        for (const auto& a : found) {
          self->monitor(a);
          self->state.by_actor[a.address()] = key;
          self->send(a, watch_atom::value, live_hub_hdl{self});
        }
        entry.actors = std::move(found);
        const bool lost = std::exchange(entry.lost, false);
        for (auto id : entry.sessions)
          if (auto sink = sessions->find(id)) {
            if (lost) sink->rewatched(key);
            else sink->watching(key, true);
          }
      },
      [=](caf::error&) {
        if (auto it = self->state.keys.find(key); it != self->state.keys.end()) it->second.looking = false;
      });
}

// Keeps the newest live candles of a key: replaced by a change, trimmed by finals of their buckets.
void remember_live(std::vector<candle>& live, const live_update& u) {
  if (!u.live.empty()) live = u.live;
  if (u.finals.empty()) return;
  const auto last_final = u.finals.back().open_time;
  std::erase_if(live, [&](const candle& c) { return c.open_time <= last_final; });
}

} // namespace

live_hub_hdl::behavior_type live_hub(live_hub_hdl::stateful_pointer<live_hub_state> self, directory_hdl directory,
                                     std::shared_ptr<session_registry> sessions, duration_ns lookup_interval) {
  self->set_down_handler([=](caf::down_msg& dm) {
    auto& st = self->state;
    auto it = st.by_actor.find(dm.source);
    if (it == st.by_actor.end()) return;
    const auto key = it->second;
    st.by_actor.erase(it);
    if (auto k = st.keys.find(key); k != st.keys.end()) {
      auto& actors = k->second.actors;
      actors.erase(std::remove_if(actors.begin(), actors.end(), [&](const candle_actor_hdl& a) { return a.address() == dm.source; }),
                   actors.end());
      if (actors.empty()) {
        k->second.lost = true;
        self->send(directory, watch_atom::value, key, live_hub_hdl{self}); // its successor, when it registers
      }
    }
  });
  // An error message that is no reply (a watched actor on another node that could not take a
  // message, a peer going away) concerns one key at most: the tick looks again. CAF's default
  // would end the hub, and with it the node.
  self->set_error_handler([](caf::error& e) { runtime::log_warn("live_hub", "ignored an error message: " + caf::to_string(e)); });
  self->delayed_send(self, std::chrono::nanoseconds(lookup_interval), tick_atom::value);
  auto unsubscribe = [=](std::uint64_t session, const candle_key& key) {
    auto& st = self->state;
    auto k = st.keys.find(key);
    if (k == st.keys.end()) return;
    k->second.sessions.erase(session);
    if (!k->second.sessions.empty()) return;
    for (const auto& a : k->second.actors) {
      self->demonitor(a.address());
      st.by_actor.erase(a.address());
      self->send(a, unwatch_atom::value, live_hub_hdl{self});
    }
    if (k->second.actors.empty()) self->send(directory, unwatch_atom::value, key, live_hub_hdl{self});
    st.keys.erase(k);
  };
  return {
    [=](update_atom, const live_update& u) {
      auto& st = self->state;
      auto k = st.keys.find(u.key);
      if (k == st.keys.end()) return;
      ++st.updates;
      remember_live(k->second.live, u);
      auto shared = std::make_shared<const live_update>(u);
      for (auto id : k->second.sessions)
        if (auto sink = sessions->find(id)) sink->deliver(shared);
    },
    [=](subscribe_atom, std::uint64_t session, const candle_key& key) {
      auto& st = self->state;
      auto& entry = st.keys[key];
      entry.sessions.insert(session);
      st.by_session[session].insert(key);
      if (entry.actors.empty()) return look_up(self, directory, sessions, key, lookup_interval);
      auto sink = sessions->find(session);
      if (!sink) return;
      sink->watching(key, true); // watched for a while already
      // The forming candle at once, not at its next change (which may be a while for a quiet key).
      if (!entry.live.empty()) sink->deliver(std::make_shared<const live_update>(live_update{key, {}, entry.live}));
    },
    [=](unwatch_atom, std::uint64_t session, const candle_key& key) {
      unsubscribe(session, key);
      if (auto s = self->state.by_session.find(session); s != self->state.by_session.end()) {
        s->second.erase(key);
        if (s->second.empty()) self->state.by_session.erase(s);
      }
    },
    [=](drop_atom, std::uint64_t session) {
      auto s = self->state.by_session.find(session);
      if (s == self->state.by_session.end()) return;
      for (const auto& key : s->second) unsubscribe(session, key);
      self->state.by_session.erase(s);
    },
    [=](register_atom, const candle_key& key) {
      auto k = self->state.keys.find(key);
      if (k != self->state.keys.end() && k->second.actors.empty()) look_up(self, directory, sessions, key, lookup_interval);
    },
    [=](tick_atom) {
      for (auto& [key, w] : self->state.keys)
        if (w.actors.empty()) look_up(self, directory, sessions, key, lookup_interval);
      self->delayed_send(self, std::chrono::nanoseconds(lookup_interval), tick_atom::value);
    },
    [=](stats_atom) -> caf::result<std::uint64_t, std::uint64_t> {
      return {static_cast<std::uint64_t>(self->state.by_session.size()), static_cast<std::uint64_t>(self->state.keys.size())};
    },
  };
}

} // namespace cs::live
