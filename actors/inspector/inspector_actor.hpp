#pragma once
// The inspector: a node's answer to the debug console (apps/candle-console), reached through the
// node actor that the node publishes (docs/console.md). It turns each command into typed requests
// to the directory, the cache, the kafka_consumer actor and candle actors, each with a timeout, and
// answers with a console_reply; for the whole cluster it merges its own answer with every other
// member's (their inspectors asked for theirs alone). It never blocks: a slow or dead peer costs the
// console a timeout error, never the peer a stall, and reading state never changes it (except
// `checkpoint` and `crash`, which are what they ask for).
#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>

#include <functional>
#include <vector>

#include "actors/inspector/inspector_json.hpp"
#include "messages/protocols.hpp"

namespace cs {

struct inspector_peers {
  directory_hdl directory;
  cache_hdl cache;
  caf::actor consumer; // kafka_consumer actor: reader stats, checkpoints
  // The poll thread's view of its partitions; called on the inspector's thread, must be thread-safe.
  std::function<std::vector<console::partition_log>()> partition_logs;
  node_hdl node; // this node's node actor, for the other members (none: answer for this node alone)
};

struct inspector_settings {
  console::node_identity identity;
  duration_ns timeout = 0; // of each request to another actor
};

struct inspector_state {
  static inline const char* name = "inspector";
};

inspector_hdl::behavior_type inspector_actor(inspector_hdl::stateful_pointer<inspector_state> self, inspector_settings settings,
                                             inspector_peers peers);

} // namespace cs
