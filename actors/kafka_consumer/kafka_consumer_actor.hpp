#pragma once
// The kafka_consumer actor (docs/design.md §5): the node's side of the consumer group. The poll thread
// (poll_loop) asks it, blocking, to take or give back partitions; it spawns one
// partition_reader per assigned partition, has it claim the partition in PostgreSQL, and tells
// the poll thread where each starts reading.
//   (assign_atom, vector<int32>) -> vector<partition_start>
//   (revoke_atom, vector<int32>, bool lost) -> bool
//   (stats_atom) -> string                 readers' counters as a JSON array
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <map>

#include "actors/kafka_consumer/poll_loop.hpp"
#include "actors/partition_reader/partition_reader_actor.hpp"

namespace cs {

struct kafka_consumer_state {
  struct owned {
    caf::actor reader;
    inflight_counter inflight;
  };
  std::map<std::int32_t, owned> readers;
  static inline const char* name = "kafka_consumer";
};

caf::behavior kafka_consumer_actor(caf::stateful_actor<kafka_consumer_state>* self, reader_config reader_template,
                                   reader_peers peers);

} // namespace cs

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<cs::partition_start>)
