#include "actors/partition_reader/reader_logic.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <utility>

#include "actors/kafka_consumer/gap_verifier.hpp"
#include "runtime/log/log.hpp"

namespace cs {

void reader_logic::on_batch(raw_batch& batch) {
  auto& st = self_->state;
  peers_.inflight->fetch_sub(1, std::memory_order_relaxed);
  if (st.phase != reader_phase::running || batch.generation != st.generation) return; // stale
  if (over_limits() || !st.stash.empty()) {
    // Hold it: the in-flight count stays up, so the poll thread pauses the partition.
    peers_.inflight->fetch_add(1, std::memory_order_relaxed);
    st.stash.push_back(std::move(batch));
    return;
  }
  process(batch);
}

void reader_logic::process(const raw_batch& batch) {
  auto& st = self_->state;
  auto& out = st.scratch;
  st.router->route(batch, wall_clock_now(), out);
  st.uncheckpointed_events += batch.size();
  for (auto& d : out.invalid) {
    st.pending_diverted_bytes += d.payload.size();
    st.pending_invalid.push_back(std::move(d));
  }
  for (auto& d : out.late) {
    st.pending_diverted_bytes += d.payload.size();
    st.pending_late.push_back(std::move(d));
  }
  const auto now = wall_clock_now();
  for (auto& s : out.slices) {
    event_slice slice{std::make_shared<const std::vector<routed_event>>(std::move(s.events)), out.watermark_after};
    auto& sa = actors_for(s.symbol);
    for (std::size_t i = 0; i < sa.actors.size(); ++i) {
      self_->send(sa.actors[i], apply_atom::value, slice);
      mark_live(sa, i);
      mark_dirty(sa, i);
    }
    sa.last_event = now;
  }
  announce(out.boundary_crossed, out.watermark_after);
  if (out.unconfirmed_gap_at >= 0) check_gap(out.unconfirmed_gap_at, out.gap_seen_at);
  catch_up_check(batch);
}

// Without it a replay or burst that ends just after a tick waits a whole checkpoint interval to
// become durable, and a crash meanwhile replays all of it. Only backlogs of catch_up_lag records
// count: a live feed that is never more than a few batches behind keeps its interval checkpoints.
// Caught up means routed to the log end; a partition ending in transaction markers (offsets that
// carry no record) never looks caught up, and its backlog waits for the tick as before.
void reader_logic::catch_up_check(const raw_batch& batch) {
  auto& st = self_->state;
  // Batches drained from the stash after a revoke's final commit are not the running reader's.
  if (cfg_.catch_up_lag <= 0 || batch.log_end < 0 || batch.size() == 0 || st.phase != reader_phase::running) return;
  st.backlog = std::max(st.backlog, batch.log_end - batch.offsets.front());
  if (st.backlog < cfg_.catch_up_lag || st.router->next_offset() < batch.log_end) return;
  st.backlog = 0;
  ++st.catch_up_checkpoints;
  if (st.checkpoint_in_flight) checkpoint_again_ = true; // covers what arrived meanwhile
  else checkpoint({});
}

// Records seem missing from `from` on: the broker says whether they exist (gap_check.hpp). Either
// way the reader re-reads from `from` (what came after the gap was dropped meanwhile); a
// confirmed gap is routed over on that pass.
void reader_logic::check_gap(std::int64_t from, std::int64_t seen) {
  auto& st = self_->state;
  if (!peers_.gap_verifier) return reread_from(from);
  if (st.gap_check_at == from) return; // asked already; later batches stop at the same place
  st.gap_check_at = from;
  ++st.gap_checks;
  const auto inc = st.incarnation;
  self_->request(peers_.gap_verifier, std::chrono::seconds(30), gap_atom::value, cfg_.partition, from, seen)
    .then(
      [=, this](gap_judgement& j) {
        auto& s = self_->state;
        if (s.incarnation != inc) return;
        s.gap_check_at = -1;
        if (j.confirmed) {
          runtime::log_warn(reader_component, where() + ": gap of " + std::to_string(seen - from) + " offset(s) [" + std::to_string(from) +
                                                ", " + std::to_string(seen) + ") accepted: " + j.why);
          s.router->accept_gap(from, seen);
        } else {
          runtime::log_info(reader_component, where() + ": offsets from " + std::to_string(from) + " are not a gap (" + j.why + ")");
        }
        reread_from(from);
      },
      [=, this](caf::error& e) {
        if (self_->state.incarnation != inc) return;
        self_->state.gap_check_at = -1;
        runtime::log_warn(reader_component, where() + ": checking a gap from " + std::to_string(from) + " failed: " + caf::to_string(e));
        reread_from(from);
      });
}

// Records seem missing: seek back and drop everything already in flight (older generation).
void reader_logic::reread_from(std::int64_t offset) {
  auto& st = self_->state;
  runtime::log_warn(reader_component, where() + ": records from offset " + std::to_string(offset) +
                                 " did not arrive in order; re-reading from there");
  ++st.generation;
  push(consumer_command::kind::seek, offset);
}

void reader_logic::announce(const std::vector<bool>& crossed, timestamp_ns watermark) {
  auto& st = self_->state;
  // Only actors that may hold live candles can finalise something; the others catch up when
  // they next get events or are asked for their candles (candle_actor.hpp). The walk drops
  // symbols that hold nothing any more, so it stays as long as the live keys.
  std::size_t kept = 0;
  for (auto* sa : st.holding) {
    bool any = false;
    for (std::size_t i = 0; i < crossed.size(); ++i) {
      if (!sa->live[i]) continue;
      any = true;
      if (!crossed[i]) continue;
      self_->send(sa->actors[i], advance_atom::value, watermark);
      ++st.advances_sent;
      mark_dirty(*sa, i);
    }
    if (any) st.holding[kept++] = sa;
    else sa->in_holding = false;
  }
  st.holding.resize(kept);
}

void reader_logic::mark_dirty(symbol_actors& sa, std::size_t iv) {
  sa.dirty[iv] = 1;
  if (!std::exchange(sa.in_touched, true)) self_->state.touched.push_back(&sa);
}

void reader_logic::mark_live(symbol_actors& sa, std::size_t iv) {
  sa.live[iv] = 1;
  if (!std::exchange(sa.in_holding, true)) self_->state.holding.push_back(&sa);
}

// Applied but not yet checkpointed: events, and payloads waiting for the DLQ topics (up to
// candle.max-payload-bytes each, so a count alone would not bound memory).
bool reader_logic::over_limits() const {
  const auto& st = self_->state;
  return st.uncheckpointed_events >= cfg_.max_uncheckpointed_events || st.pending_diverted_bytes >= cfg_.max_diverted_bytes;
}

void reader_logic::drain_stash() {
  auto& st = self_->state;
  while (!st.stash.empty() && !over_limits()) {
    raw_batch b = std::move(st.stash.front());
    st.stash.erase(st.stash.begin());
    peers_.inflight->fetch_sub(1, std::memory_order_relaxed);
    if (b.generation == st.generation) process(b);
  }
}

} // namespace cs
