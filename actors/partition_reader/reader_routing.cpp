#include "actors/partition_reader/reader_logic.hpp"

#include <caf/all.hpp>

#include "runtime/log/log.hpp"

namespace cs {

void reader_logic::on_batch(raw_batch& batch) {
  auto& st = self_->state;
  peers_.inflight->fetch_sub(1, std::memory_order_relaxed);
  if (st.phase != reader_phase::running || batch.generation != st.generation) return; // stale
  if (st.uncheckpointed_events >= cfg_.max_uncheckpointed_events || !st.stash.empty()) {
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
  st.router->route(batch, reader_wall_now(), out);
  st.uncheckpointed_events += batch.size();
  for (auto& d : out.invalid) st.pending_invalid.push_back(std::move(d));
  for (auto& d : out.late) st.pending_late.push_back(std::move(d));
  for (auto& s : out.slices) {
    event_slice slice{std::make_shared<const std::vector<routed_event>>(std::move(s.events)), out.watermark_after};
    for (const auto& a : actors_for(s.symbol)) self_->send(a, apply_atom::value, slice);
  }
  announce(out.boundary_crossed, out.watermark_after);
  if (out.unconfirmed_gap_at >= 0) reread_from(out.unconfirmed_gap_at);
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
  for (std::size_t i = 0; i < crossed.size(); ++i)
    if (crossed[i])
      for (const auto& a : st.by_interval[i]) self_->send(a, advance_atom::value, watermark);
}

void reader_logic::drain_stash() {
  auto& st = self_->state;
  while (!st.stash.empty() && st.uncheckpointed_events < cfg_.max_uncheckpointed_events) {
    raw_batch b = std::move(st.stash.front());
    st.stash.erase(st.stash.begin());
    peers_.inflight->fetch_sub(1, std::memory_order_relaxed);
    if (b.generation == st.generation) process(b);
  }
}

} // namespace cs
