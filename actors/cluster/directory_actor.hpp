#pragma once
// The directory (DESIGN §5 cluster/directory): (symbol, interval) -> candle actor handle, filled
// by partition readers as they spawn candle actors. Gateways, the console and tests find candle
// actors through it, by typed message, never through pointers or globals; a later cluster
// issue replicates it across nodes.
//   (register_atom, int32 partition, candle_key, actor)
//   (unregister_atom, int32 partition)               drops every key of that partition
//   (lookup_atom, candle_key) -> vector<actor>       empty when unknown
//   (stats_atom) -> size_t                           number of keys
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <map>

#include "messages/candle.hpp"

namespace cs {

struct directory_state {
  struct entry {
    std::int32_t partition;
    caf::actor handle;
  };
  std::map<candle_key, entry> keys;
  static inline const char* name = "directory";
};

// `unused` exists because CAF 0.17 + UBSan abort on spawning a function without arguments.
caf::behavior directory_actor(caf::stateful_actor<directory_state>* self, int unused);

} // namespace cs
