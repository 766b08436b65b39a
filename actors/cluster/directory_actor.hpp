#pragma once
// The directory (docs/design.md §5, cluster/directory): (symbol, interval) -> candle actor handle,
// filled by partition readers as they spawn candle actors. Gateways, the console and tests find
// candle actors through it, by typed message (directory_hdl in messages/protocols.hpp), never
// through pointers or globals. A key another node holds is found through this node's node actor,
// which asks the other members (node_actor.hpp).
#include <caf/stateful_actor.hpp>

#include <map>
#include <vector>

#include "messages/protocols.hpp"

namespace cs {

struct directory_state {
  struct entry {
    // The reader instance that spawned the actor (actors/kafka_consumer/consumer_commands.hpp):
    // a revoked reader that shuts down late drops its own keys, never those of a newer reader
    // of the same partition.
    std::uint64_t owner;
    candle_actor_hdl handle;
  };
  std::map<candle_key, entry> keys;
  std::map<candle_key, std::vector<live_hub_hdl>> waiting; // hubs to tell when the key registers
  node_hdl cluster; // this node's node actor: asked for keys held elsewhere (none: a node alone)
  static inline const char* name = "directory";
};

// `unused` exists because CAF 0.17 + UBSan abort on spawning a function without arguments.
directory_hdl::behavior_type directory_actor(directory_hdl::stateful_pointer<directory_state> self, int unused);

} // namespace cs
