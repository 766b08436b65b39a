#pragma once
// The partition reader's behaviour, one concern per file:
//   reader_claim.cpp        claim the partition (epoch bump), restore, spawn and retire candle actors
//   reader_routing.cpp      decode and route batches, watermark announcements, back-pressure
//   reader_checkpoint.cpp   collect -> publish (Kafka acks) -> commit (fenced) -> mirror offsets
//   reader_supervision.cpp  restart from the last checkpoint, fenced / stalled re-claims, revoke
//   reader_stats.cpp        counters as JSON
// The actor shell (partition_reader_actor.cpp) only maps messages onto these calls.
// Not thread-safe: every call runs inside the reader actor.
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <memory>
#include <string>

#include "actors/partition_reader/partition_reader_actor.hpp"

namespace cs {

using reader_self = caf::stateful_actor<reader_state>*;

// Everything one checkpoint carries, gathered from the candle actors. Each collect carries a
// ticket (seq << 32 | index into `picks`): replies of an older checkpoint or incarnation miss.
struct checkpoint_gather {
  struct pick {
    symbol_actors* symbol; // stays valid: nothing is retired while a checkpoint is in flight
    std::uint32_t iv;
    candle_actor_hdl actor;
  };
  std::uint64_t seq = 0;
  std::vector<pick> picks;
  std::size_t remaining = 0;
  std::function<void()> done;
  shared_candles finals; // the actors' parts as collected; shared by `publish` and `commit` once complete
  publish_request publish;
  checkpoint_request commit;
  std::uint64_t covered_events = 0;
  std::chrono::steady_clock::time_point started; // for the checkpoint duration metric
  std::vector<candle_actor_hdl> with_finals; // told when the checkpoint committed
};

class reader_logic {
public:
  reader_logic(reader_self self, const reader_config& cfg, const reader_peers& peers)
    : self_(self), cfg_(cfg), peers_(peers) {}

  // "topic[partition]", for logs.
  std::string where() const { return cfg_.topic + "[" + std::to_string(cfg_.partition) + "]"; }

  // --- reader_claim.cpp
  void claim(std::function<void(std::int64_t)> done, std::function<void(const caf::error&)> failed);
  void restore(const partition_claim& claim);
  symbol_actors& actors_for(const std::string& symbol);
  void retire_idle();
  // Actor `iv` of `sa` got events or may finalise something: collect it at the next checkpoint.
  void mark_dirty(symbol_actors& sa, std::size_t iv);
  // Actor `iv` of `sa` may hold live candles: it hears advances.
  void mark_live(symbol_actors& sa, std::size_t iv);

  // --- reader_routing.cpp
  void on_batch(raw_batch& batch);
  void process(const raw_batch& batch);
  void reread_from(std::int64_t offset);
  void check_gap(std::int64_t from, std::int64_t seen);
  void announce(const std::vector<bool>& crossed, timestamp_ns watermark);
  void drain_stash();
  // A batch that ends a backlog of at least catch_up_lag records: checkpoint now, not at the tick.
  void catch_up_check(const raw_batch& batch);
  bool over_limits() const;

  // --- reader_checkpoint.cpp
  void on_tick();
  bool has_changes() const;
  // Starts a checkpoint; `done` (if any) runs when it committed.
  void checkpoint(std::function<void()> done);
  void on_collected(std::uint64_t ticket, checkpoint_part& part);
  void on_collect_deadline(std::uint64_t seq);
  void publish(std::shared_ptr<checkpoint_gather> g, std::uint64_t inc);
  void commit(std::shared_ptr<checkpoint_gather> g, std::uint64_t inc);
  // Metrics of a committed checkpoint (peers_.probe): its duration, its finals per interval.
  void record_commit(const checkpoint_gather& g) const;
  void fenced();

  // --- reader_supervision.cpp
  void stop_children();
  // The (symbol, interval index) of one of its candle actors, or nothing.
  std::optional<std::pair<std::string, std::size_t>> child_key(const caf::actor_addr& who) const;
  void restart(restart_reason reason, const std::string& why);
  void resume_after_restart(std::uint64_t inc);
  // Orderly (`lost` false: final checkpoint first) or not; `done` runs once the reader is done
  // with the partition, whatever happened to that checkpoint. The reader never claims again.
  void revoke(bool lost, std::function<void()> done);
  void push(consumer_command::kind what, std::int64_t offset = 0);

  // --- reader_stats.cpp
  std::string stats_json() const;

private:
  // Drops everything since the last checkpoint and holds the partition; returns the new incarnation.
  std::uint64_t stand_down(reader_phase phase, const std::string& why);
  void finish_revoke();

  std::function<void()> after_commit_; // a caller waiting for a checkpoint that was in flight
  bool checkpoint_again_ = false;       // a catch-up checkpoint asked for while one was in flight
  std::function<void()> revoke_done_;  // set once revoked
  reader_self self_;
  const reader_config& cfg_;
  const reader_peers& peers_;
};

// Shared by the reader's files.
inline constexpr std::string_view reader_component = "partition_reader";
inline std::chrono::nanoseconds ns(duration_ns d) { return std::chrono::nanoseconds(d); }

} // namespace cs
