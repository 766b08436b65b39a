#include "actors/cluster/directory_actor.hpp"

namespace cs {

directory_hdl::behavior_type directory_actor(directory_hdl::stateful_pointer<directory_state> self, int) {
  return {
    [=](register_atom, std::uint64_t owner, const candle_key& key, const candle_actor_hdl& handle) {
      self->state.keys[key] = {owner, handle};
    },
    [=](unregister_atom, std::uint64_t owner) {
      std::erase_if(self->state.keys, [&](const auto& kv) { return kv.second.owner == owner; });
    },
    [=](unregister_atom, std::uint64_t owner, const candle_key& key) {
      if (auto it = self->state.keys.find(key); it != self->state.keys.end() && it->second.owner == owner) self->state.keys.erase(it);
    },
    [=](lookup_atom, const candle_key& key) {
      std::vector<candle_actor_hdl> out;
      if (auto it = self->state.keys.find(key); it != self->state.keys.end()) out.push_back(it->second.handle);
      return out;
    },
    [=](stats_atom) { return static_cast<std::uint64_t>(self->state.keys.size()); },
  };
}

} // namespace cs
