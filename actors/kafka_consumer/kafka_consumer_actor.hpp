#pragma once
// The kafka_consumer actor (docs/design.md §5): the node's side of the consumer group. The poll thread
// (poll_loop) asks it, blocking, to take or give back partitions; it spawns one
// partition_reader per assigned partition, has it claim the partition in PostgreSQL, and tells
// the poll thread where each starts reading.
//   (assign_atom, vector<int32>) -> vector<partition_start>   one per partition, within
//                                          claim_timeout (unclaimed ones start held)
//   (revoke_atom, vector<int32>, bool lost) -> bool           within claim_timeout; a final
//                                          checkpoint that takes longer goes on in the background
//   (stats_atom) -> string                 readers' counters as a JSON array
//   (checkpoint_atom, int32 p) -> int64    checkpoint partition p now; its committed offset
//   (crash_atom, int32 p) -> bool          fault injection: crash partition p's reader (false: none here)
// A reader only stops when revoked; one that dies otherwise is a bug this actor cannot repair
// (the poll thread would feed a dead actor), so it fails and the node stops (root_supervisor).
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
  std::map<std::int32_t, owned> readers; // the current reader of each partition assigned here
  reader_instance last_instance = 0;
  static inline const char* name = "kafka_consumer";
};

// `writers`: the node's db_writer pool; partition p uses writers[p % size] (peers.db_writer is
// ignored).
caf::behavior kafka_consumer_actor(caf::stateful_actor<kafka_consumer_state>* self, reader_config reader_template,
                                   reader_peers peers, std::vector<db_writer_hdl> writers);

} // namespace cs

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<cs::partition_start>)
