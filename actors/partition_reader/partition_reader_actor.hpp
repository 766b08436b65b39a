#pragma once
// The partition_reader actor (docs/design.md §5): one per assigned Kafka partition. Decodes and routes
// the poll thread's batches to candle actors (spawned on first use, supervised), tracks the
// watermark, and drives exactly-once checkpoints (docs/design.md §4): collect from candle actors ->
// publisher (Kafka acks) -> db_writer (one transaction, epoch-fenced) -> mirror Kafka offsets.
// A crashed candle actor restarts the partition from its last checkpoint plus replay.
//   (claim_atom) -> int64 next_offset     take the partition (epoch bump), restore, start timers
//   (batch_atom, raw_batch)               records from the poll thread
//   (tick_atom)                           checkpoint / idle-advance timer
//   (revoke_atom, bool lost) -> bool      final checkpoint (unless lost), then stop
//   (crash_atom, candle_key)              fault injection (when enabled): crash one candle actor
//   (stats_atom) -> string                counters as JSON text
// Local to its node (the poll thread drives it), so it stays dynamically typed; its peers are
// typed handles (messages/protocols.hpp). The logic lives in reader_logic.hpp and its files.
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "actors/kafka_consumer/consumer_commands.hpp"
#include "actors/partition_reader/batch_router.hpp"
#include "actors/supervisor/restart_policy.hpp"
#include "messages/protocols.hpp"

namespace cs {

// Filled from the candle.* and pipeline.* keys (runtime/config/keys.hpp): no defaults here.
struct reader_config {
  std::string topic;
  std::int32_t partition = -1;
  std::string owner; // node name, recorded in partition_checkpoint
  std::vector<interval> intervals;
  watermark_config clock;
  event_decoder_limits limits;
  duration_ns checkpoint_interval = 0;
  // Events applied but not yet checkpointed; above this the reader stops taking batches, so the
  // poll thread pauses the partition (bounded memory while PostgreSQL is down).
  std::uint64_t max_uncheckpointed_events = 0;
  duration_ns request_timeout = 0; // collect, publish
  duration_ns commit_timeout = 0;  // db_writer retries inside this
  restart_limits restarts;
  bool faults_enabled = false;
};

struct reader_peers {
  db_writer_hdl db_writer;
  publisher_hdl publisher;
  directory_hdl directory;
  cache_hdl cache; // may be null: no read path (tools, benchmarks)
  std::shared_ptr<consumer_commands> commands;
  inflight_counter inflight;
};

struct reader_state {
  static inline const char* name = "partition_reader";
  std::unique_ptr<batch_router> router;
  routed_batch scratch;
  std::int64_t epoch = 0;
  std::uint64_t generation = 0;  // seek generation of the batches we accept
  std::uint64_t incarnation = 0; // bumped by every restart: late replies of older ones are ignored
  bool ready = false;            // claimed and restored
  bool restarting = false;
  bool checkpoint_in_flight = false;
  std::int64_t committed_offset = 0;
  watermark_state committed_clock;
  std::uint64_t uncheckpointed_events = 0;
  std::vector<raw_batch> stash; // held back while over max_uncheckpointed_events
  std::vector<diverted_event> pending_invalid, pending_late;
  std::map<std::string, std::vector<candle_actor_hdl>> by_symbol; // candle actors, one per interval
  std::vector<std::vector<candle_actor_hdl>> by_interval;
  restart_policy restarts;
  std::uint64_t checkpoints = 0, restarts_done = 0, candles_published = 0;
};

caf::behavior partition_reader_actor(caf::stateful_actor<reader_state>* self, reader_config cfg, reader_peers peers);

} // namespace cs
