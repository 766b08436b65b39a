#pragma once
// The db_writer actor (docs/design.md §4, §5): PostgreSQL side of exactly-once checkpoints. Claims
// partitions (epoch bump + state load) and commits checkpoints (one transaction each, fenced by
// epoch), retrying with exponential backoff while PostgreSQL is unreachable, up to a deadline.
// Detached: every call blocks on the database, so a node runs a pool of them (postgres.writers)
// and each partition uses one, fixed by its number: a call sleeping in its retry loop delays
// only the partitions that share its writer. Interface: db_writer_hdl (messages/protocols.hpp);
// a claim or commit that cannot be done fails with pipeline_errc::store_unavailable (PostgreSQL
// unreachable past the deadline) or store_rejected (a statement refused).
#include <caf/stateful_actor.hpp>

#include <cstddef>
#include <memory>
#include <string>

#include "messages/protocols.hpp"
#include "messages/time.hpp"
#include "runtime/metrics/registry.hpp"

namespace cs {

namespace runtime {
class candle_store;
}

struct db_writer_config {
  std::string connection_string;
  duration_ns retention = 0;      // postgres.retention
  std::size_t known_series = 0;   // postgres.known-series
  duration_ns retry_deadline = 0; // pipeline.commit-timeout: give up on one request after this
  duration_ns initial_backoff = 100 * ns_per_ms;
  duration_ns max_backoff = 5 * ns_per_s;
  duration_ns maintenance_interval = 10 * 60 * ns_per_s;
  bool maintenance = true; // pg_partman upkeep: one writer of a node's pool does it
  bool faults_enabled = false; // node.faults: crash_atom makes it fail as a bug would
  // Metrics, shared by a node's writers (null: not recorded): each checkpoint transaction's
  // duration, retries included, and the candle rows it wrote (finals and live).
  runtime::metrics::histogram* batch_seconds = nullptr;
  runtime::metrics::counter* batch_rows = nullptr;
};

struct db_writer_state {
  std::unique_ptr<runtime::candle_store> store;
  std::uint64_t commits = 0, claims = 0, fenced = 0, retries = 0;
  static inline const char* name = "db_writer";
  db_writer_state();
  ~db_writer_state();
};

db_writer_hdl::behavior_type db_writer_actor(db_writer_hdl::stateful_pointer<db_writer_state> self, db_writer_config cfg);

} // namespace cs
