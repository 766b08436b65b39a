#include "actors/cluster/directory_actor.hpp"

#include <algorithm>
#include <limits>

#include "messages/symbol.hpp"

namespace cs {

directory_hdl::behavior_type directory_actor(directory_hdl::stateful_pointer<directory_state> self, int) {
  return {
    [=](register_atom, std::uint64_t owner, const candle_key& key, const candle_actor_hdl& handle) {
      self->state.keys[key] = {owner, handle};
      if (auto w = self->state.waiting.find(key); w != self->state.waiting.end()) {
        for (const auto& hub : w->second) self->send(hub, register_atom::value, key);
        self->state.waiting.erase(w);
      }
    },
    [=](watch_atom, const candle_key& key, const live_hub_hdl& hub) {
      // Only registrations from now on: one that crossed the hub's lookup, or a dead actor not
      // unregistered yet, is the hub's next tick's to find (telling it now could loop on a corpse).
      auto& hubs = self->state.waiting[key];
      if (std::find(hubs.begin(), hubs.end(), hub) == hubs.end()) hubs.push_back(hub);
    },
    [=](unwatch_atom, const candle_key& key, const live_hub_hdl& hub) {
      auto w = self->state.waiting.find(key);
      if (w == self->state.waiting.end()) return;
      std::erase(w->second, hub);
      if (w->second.empty()) self->state.waiting.erase(w);
    },
    [=](unregister_atom, std::uint64_t owner) {
      std::erase_if(self->state.keys, [&](const auto& kv) { return kv.second.owner == owner; });
    },
    [=](unregister_atom, std::uint64_t owner, const candle_key& key) {
      if (auto it = self->state.keys.find(key); it != self->state.keys.end() && it->second.owner == owner) self->state.keys.erase(it);
    },
    [=](lookup_atom, const candle_key& key) -> caf::result<std::vector<candle_actor_hdl>> {
      if (auto it = self->state.keys.find(key); it != self->state.keys.end()) return std::vector<candle_actor_hdl>{it->second.handle};
      if (!self->state.cluster) return std::vector<candle_actor_hdl>{};
      // Another node's key: its owner answers through the node actors (each ask with a timeout).
      return self->delegate(self->state.cluster, lookup_atom::value, key);
    },
    [=](find_local_atom, const candle_key& key) {
      std::vector<candle_actor_hdl> out;
      if (auto it = self->state.keys.find(key); it != self->state.keys.end()) out.push_back(it->second.handle);
      return out;
    },
    [=](where_atom a, const candle_key& key) -> caf::result<key_owner> {
      if (!self->state.cluster) return key_owner{};
      return self->delegate(self->state.cluster, a, key);
    },
    [=](cluster_atom, const node_hdl& node) { self->state.cluster = node; },
    [=](list_atom, const std::string& glob, const std::vector<interval>& intervals, std::uint64_t limit) {
      // A walk over every key: for the console, not for a hot path. The literal prefix of the
      // glob narrows it to a range of the ordered map.
      const auto prefix = glob.substr(0, glob.find_first_of("*?"));
      std::vector<candle_key> out;
      std::uint64_t total = 0;
      const interval lowest{static_cast<interval_kind>(0), std::numeric_limits<duration_ns>::min()};
      for (auto it = self->state.keys.lower_bound(candle_key{prefix, lowest}); it != self->state.keys.end(); ++it) {
        const auto& key = it->first;
        if (key.symbol.compare(0, prefix.size(), prefix) != 0) break;
        if (!intervals.empty() && std::find(intervals.begin(), intervals.end(), key.iv) == intervals.end()) continue;
        if (!symbol_glob_match(glob, key.symbol)) continue;
        if (++total <= limit) out.push_back(key);
      }
      return caf::make_result(std::move(out), total);
    },
    [=](stats_atom) { return static_cast<std::uint64_t>(self->state.keys.size()); },
  };
}

} // namespace cs
