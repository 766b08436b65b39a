#pragma once
// The db_writer actor (DESIGN §4, §5): PostgreSQL side of exactly-once checkpoints. Claims
// partitions (epoch bump + state load) and commits checkpoints (one transaction each, fenced by
// epoch), retrying with exponential backoff while PostgreSQL is unreachable, up to a deadline.
// Detached: every call blocks on the database.
//   (claim_atom, string topic, int32 partition, string owner) -> partition_claim
//   (commit_atom, checkpoint_request) -> bool         true: committed; false: fenced
//   (tick_atom)                                        storage maintenance (pg_partman)
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <memory>
#include <string>

#include "messages/time.hpp"

namespace cs {

namespace runtime {
class candle_store;
}

struct db_writer_config {
  std::string connection_string;
  duration_ns retention = 0;      // postgres.retention
  duration_ns retry_deadline = 0; // pipeline.commit-timeout: give up on one request after this
  duration_ns initial_backoff = 100 * ns_per_ms;
  duration_ns max_backoff = 5 * ns_per_s;
  duration_ns maintenance_interval = 10 * 60 * ns_per_s;
};

struct db_writer_state {
  std::unique_ptr<runtime::candle_store> store;
  std::uint64_t commits = 0, claims = 0, fenced = 0, retries = 0;
  static inline const char* name = "db_writer";
  db_writer_state();
  ~db_writer_state();
};

caf::behavior db_writer_actor(caf::stateful_actor<db_writer_state>* self, db_writer_config cfg);

} // namespace cs
