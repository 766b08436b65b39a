#pragma once
// The partition_reader actor (docs/design.md §5): one per assigned Kafka partition. Decodes and routes
// the poll thread's batches to candle actors (spawned on first use, supervised), tracks the
// watermark, and drives exactly-once checkpoints (docs/design.md §4): collect from candle actors ->
// publisher (Kafka acks) -> db_writer (one transaction, epoch-fenced) -> mirror Kafka offsets.
// A crashed candle actor restarts the partition from its last checkpoint plus replay.
//   (claim_atom) -> int64 next_offset     take the partition (epoch bump), restore, start timers;
//                                         kafka_offset_invalid when the claim failed or took longer
//                                         than claim_timeout: the reader keeps trying and seeks itself
//   (batch_atom, raw_batch)               records from the poll thread
//   (tick_atom)                           checkpoint / idle-advance timer
//   (seek_failed_atom, string)            the poll thread could not seek: restart
//   (revoke_atom, bool lost) -> bool      final checkpoint (unless lost), then stop; never re-claims
//   (collected_atom, ticket, checkpoint_part)  a candle actor's part of the checkpoint collecting now
//   (deadline_atom, seq)                  that collect's timeout
//   (watermark_atom) -> timestamp_ns      for a candle actor holding nothing live, before it answers a query
//   (crash_atom, candle_key)              fault injection (when enabled): crash one candle actor
//   (crash_atom)                          fault injection (when enabled): crash this reader (its
//                                         node escalates: the process supervisor restarts it)
//   (stats_atom) -> string                counters as JSON text
// Liveness: while Kafka assigns the partition here the reader never gives up. A failed claim, a
// failed checkpoint or a crashed candle actor restarts it from its last checkpoint with backoff;
// past the restart intensity it waits one restart window ("stalled") and tries again; when
// fenced (another owner claimed with a higher epoch) it re-claims after fenced_reclaim_delay, by
// which time Kafka has told this node if the partition really moved (then it is revoked and
// quits). Only a revoke ends it. /health/ready reports every phase but "running".
// Local to its node (the poll thread drives it), so it stays dynamically typed; its peers are
// typed handles (messages/protocols.hpp). The logic lives in reader_logic.hpp and its files.
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <array>
#include <map>
#include <unordered_map>
#include <memory>
#include <string>
#include <vector>

#include "actors/kafka_consumer/consumer_commands.hpp"
#include "actors/partition_reader/batch_router.hpp"
#include "actors/partition_reader/reader_probe.hpp"
#include "actors/partition_reader/restart_reason.hpp"
#include "actors/supervisor/restart_policy.hpp"
#include "messages/protocols.hpp"

namespace cs {

// Filled from the candle.* and pipeline.* keys (runtime/config/keys.hpp): no defaults here.
struct reader_config {
  std::string topic;
  std::int32_t partition = -1;
  reader_instance instance = 0; // set by the kafka_consumer actor: this reader's commands carry it
  std::string owner; // node name, recorded in partition_checkpoint
  std::vector<interval> intervals;
  watermark_config clock;
  event_decoder_limits limits;
  duration_ns checkpoint_interval = 0;
  // pipeline.catch-up-lag: after being this many records behind the log end, checkpoint as soon
  // as caught up rather than at the next tick (0: ticks only).
  std::int64_t catch_up_lag = 0;
  // Events applied but not yet checkpointed; above this the reader stops taking batches, so the
  // poll thread pauses the partition (bounded memory while PostgreSQL is down).
  std::uint64_t max_uncheckpointed_events = 0;
  std::uint64_t max_diverted_bytes = 0; // the same for invalid/late payloads held for the DLQ topics
  duration_ns retire_after = 0;         // candle.retire-after
  duration_ns request_timeout = 0; // collect, publish
  duration_ns commit_timeout = 0;  // db_writer retries inside this
  duration_ns claim_timeout = 0;   // pipeline.claim-timeout: a claim that takes longer goes on in the background
  duration_ns watermark_ask_timeout = 0; // pipeline.watermark-ask-timeout: for its candle actors' questions
  duration_ns fenced_reclaim_delay = 0; // kafka.session-timeout: Kafka tells a node it lost a partition within this
  restart_limits restarts;
  bool faults_enabled = false;
  bool fault_revoke_checkpoint = false; // node.fault-revoke-checkpoint: final checkpoints on revoke fail
};

struct reader_peers {
  db_writer_hdl db_writer;
  publisher_hdl publisher;
  directory_hdl directory;
  cache_hdl cache; // may be null: no read path (tools, benchmarks)
  caf::actor gap_verifier; // may be null: gaps are then never accepted, only re-read
  std::shared_ptr<consumer_commands> commands;
  inflight_counter inflight;
  std::shared_ptr<const reader_probe> probe; // may be null: nothing recorded
};

// The candle actors of one symbol (one per interval) and what the reader knows about each. Work
// per checkpoint and per bucket end follows the keys that changed or hold live candles, never all
// keys (docs/many-keys.md): only dirty actors are collected, only actors that may hold live
// candles hear advances, and a symbol whose actors hold nothing is retired after
// candle.retire-after without events (its state is in PostgreSQL).
struct symbol_actors {
  std::vector<candle_actor_hdl> actors;
  std::vector<std::uint8_t> live;  // may hold live candles: an advance can finalise something
  std::vector<std::uint8_t> dirty; // got events or a finalising advance since its last collect
  timestamp_ns last_event = 0;     // wall time of its last events
  bool in_touched = false;         // listed in reader_state::touched
  bool in_holding = false;         // listed in reader_state::holding
};

struct checkpoint_gather; // reader_logic.hpp

// Where a reader is in its life; only `running` takes records and checkpoints.
enum class reader_phase : std::uint8_t {
  claiming,   // asked PostgreSQL for the partition (first claim or after a restart)
  running,    // claimed and restored
  restarting, // a failure: re-claims after a backoff
  stalled,    // restart intensity exceeded: re-claims after one restart window
  fenced,     // another owner has a higher epoch: re-claims after fenced_reclaim_delay
  revoking,   // final checkpoint before it stops; never claims again
};
std::string_view to_string(reader_phase p);

struct reader_state {
  static inline const char* name = "partition_reader";
  std::unique_ptr<batch_router> router;
  routed_batch scratch;
  std::int64_t epoch = 0;
  std::uint64_t generation = 0;  // seek generation of the batches we accept
  std::uint64_t incarnation = 0; // bumped by every restart: late replies of older ones are ignored
  reader_phase phase = reader_phase::claiming;
  std::string phase_reason; // why it is not running (the last failure)
  bool checkpoint_in_flight = false;
  std::int64_t committed_offset = 0;
  watermark_state committed_clock;
  std::uint64_t uncheckpointed_events = 0;
  std::int64_t backlog = 0; // most records behind the log end seen since the last catch-up checkpoint
  std::vector<raw_batch> stash; // held back while over max_uncheckpointed_events
  std::vector<diverted_event> pending_invalid, pending_late;
  std::uint64_t pending_diverted_bytes = 0; // payload bytes in pending_invalid + pending_late
  std::int64_t gap_check_at = -1; // a gap from this offset is being checked with the broker
  std::unordered_map<std::string, symbol_actors> by_symbol; // node-based: the pointers below stay valid
  std::vector<symbol_actors*> touched; // symbols with a dirty actor: the next checkpoint collects them
  std::vector<symbol_actors*> holding; // symbols with an actor that may hold live candles
  std::shared_ptr<checkpoint_gather> gather; // the checkpoint collecting now, if any
  std::uint64_t gather_seq = 0;              // its number, in the tickets of its collects
  timestamp_ns next_retire_walk = 0;         // retirement walks all symbols, so not every tick
  restart_policy restarts;
  std::uint64_t checkpoints = 0, restarts_done = 0, candles_published = 0, fences = 0, stalls = 0, gap_checks = 0;
  std::uint64_t actors_retired = 0;
  std::uint64_t catch_up_checkpoints = 0; // started on catching up rather than by the tick
  std::uint64_t checkpoint_failures = 0; // collect timeouts, publish and commit failures
  std::array<std::uint64_t, restart_reason_count> restarts_by_reason{};
  // (symbol, interval index) -> failures of its candle actor, only for keys that failed.
  std::map<std::pair<std::string, std::size_t>, std::uint32_t> key_restarts;
  std::uint64_t collects_sent = 0, advances_sent = 0; // per-key messages, for the many-keys test
};

caf::behavior partition_reader_actor(caf::stateful_actor<reader_state>* self, reader_config cfg, reader_peers peers);

} // namespace cs
