#include "actors/partition_reader/reader_logic.hpp"

#include <caf/all.hpp>

#include <utility>

#include "messages/pipeline_errc.hpp"
#include "runtime/log/log.hpp"

namespace cs {

void reader_logic::on_tick() {
  auto& st = self_->state;
  if (st.phase == reader_phase::running) {
    std::vector<bool> crossed;
    if (st.router->advance_idle(wall_clock_now(), crossed)) announce(crossed, st.router->clock().watermark);
    retire_idle();
    checkpoint({});
  }
  self_->delayed_send(self_, ns(cfg_.checkpoint_interval), tick_atom::value);
}

bool reader_logic::has_changes() const {
  const auto& st = self_->state;
  return st.router->next_offset() != st.committed_offset || !(st.router->clock() == st.committed_clock) ||
         !st.pending_invalid.empty() || !st.pending_late.empty();
}

// Starts a checkpoint; `done` (if any) runs when it committed.
void reader_logic::checkpoint(std::function<void()> done) {
  auto& st = self_->state;
  if (st.checkpoint_in_flight) {
    // Runs again once the one in flight commits, covering what arrived meanwhile.
    if (done) after_commit_ = std::move(done);
    return;
  }
  // The final checkpoint of a revoke runs in phase revoking.
  if (st.phase != reader_phase::running && st.phase != reader_phase::revoking) return;
  if (!has_changes()) {
    if (done) done();
    return;
  }
  st.checkpoint_in_flight = true;
  auto g = std::make_shared<checkpoint_gather>();
  g->seq = ++st.gather_seq;
  g->done = std::move(done);
  g->commit.topic = cfg_.topic;
  g->commit.epoch = st.epoch;
  g->commit.state.partition = cfg_.partition;
  g->commit.state.next_offset = st.router->next_offset();
  g->commit.state.clock = st.router->clock();
  g->publish.invalid.swap(st.pending_invalid);
  g->publish.late.swap(st.pending_late);
  st.pending_diverted_bytes = 0;
  g->covered_events = st.uncheckpointed_events;
  g->started = std::chrono::steady_clock::now();
  // Only actors that got events or a finalising advance since their last collect can have
  // anything to hand over.
  for (auto* sa : st.touched) {
    sa->in_touched = false;
    for (std::size_t i = 0; i < sa->actors.size(); ++i)
      if (std::exchange(sa->dirty[i], 0)) g->picks.push_back({sa, static_cast<std::uint32_t>(i), sa->actors[i]});
  }
  st.touched.clear();
  g->remaining = g->picks.size();
  if (g->picks.empty()) return publish(g, st.incarnation);
  st.gather = g;
  // Replies come after every batch sent before: FIFO between two actors. One timeout for all.
  for (std::size_t k = 0; k < g->picks.size(); ++k)
    self_->send(g->picks[k].actor, collect_atom::value, (g->seq << 32) | k);
  st.collects_sent += g->picks.size();
  self_->delayed_send(self_, ns(cfg_.request_timeout), deadline_atom::value, g->seq);
}

void reader_logic::on_collected(std::uint64_t ticket, checkpoint_part& part) {
  auto& st = self_->state;
  auto g = st.gather;
  const auto k = ticket & 0xffffffffu;
  if (!g || g->seq != ticket >> 32 || k >= g->picks.size()) return; // of a checkpoint that is over
  auto& p = g->picks[k];
  // Events since the collect keep it live (dirty again); otherwise the actor said.
  if (!p.symbol->dirty[p.iv]) {
    if (part.live_left) mark_live(*p.symbol, p.iv);
    else p.symbol->live[p.iv] = 0;
  }
  if (!part.finals.empty()) g->with_finals.push_back(p.actor);
  g->finals.append(part.finals); // shares the actor's buffer
  for (auto& c : part.live) g->commit.state.live.push_back(std::move(c));
  if (--g->remaining > 0) return;
  st.gather.reset();
  publish(g, st.incarnation);
}

void reader_logic::on_collect_deadline(std::uint64_t seq) {
  auto& st = self_->state;
  if (!st.gather || st.gather->seq != seq) return;
  const auto missing = st.gather->remaining;
  st.gather.reset();
  ++st.checkpoint_failures;
  restart(restart_reason::collect_timeout, "checkpoint collect timed out: " + std::to_string(missing) + " candle actor(s) did not answer");
}

void reader_logic::publish(std::shared_ptr<checkpoint_gather> g, std::uint64_t inc) {
  g->publish.finals = std::move(g->finals);
  g->commit.finals = g->publish.finals; // the same buffer goes to PostgreSQL
  self_->request(peers_.publisher, ns(cfg_.request_timeout), publish_atom::value, g->publish)
    .then(
      [=, this](std::uint64_t) {
        if (self_->state.incarnation != inc) return;
        commit(g, inc);
      },
      [=, this](caf::error& e) {
        if (self_->state.incarnation != inc) return;
        ++self_->state.checkpoint_failures;
        restart(restart_reason::publish_failed, "publish failed: " + caf::to_string(e));
      });
}

void reader_logic::commit(std::shared_ptr<checkpoint_gather> g, std::uint64_t inc) {
  const auto next_offset = g->commit.state.next_offset;
  const auto clock = g->commit.state.clock;
  // Moved: the live candles are not needed here again (a retry is a new checkpoint).
  self_->request(peers_.db_writer, ns(cfg_.commit_timeout), commit_atom::value, std::move(g->commit))
    .then(
      [=, this](checkpoint_result outcome) {
        auto& st = self_->state;
        if (st.incarnation != inc) return;
        st.checkpoint_in_flight = false;
        if (outcome == checkpoint_result::fenced) return fenced();
        st.committed_offset = next_offset;
        st.committed_clock = clock;
        st.uncheckpointed_events -= g->covered_events;
        st.candles_published += g->publish.finals.size();
        ++st.checkpoints;
        record_commit(*g);
        push(consumer_command::kind::commit, st.committed_offset);
        // Before any later collect (same sender, FIFO): queries read these finals from PostgreSQL now.
        for (const auto& a : g->with_finals) self_->send(a, committed_atom::value);
        drain_stash();
        if (g->done) g->done();
        if (after_commit_ || std::exchange(checkpoint_again_, false)) checkpoint(std::exchange(after_commit_, {}));
      },
      [=, this](caf::error& e) {
        if (self_->state.incarnation != inc) return;
        ++self_->state.checkpoint_failures;
        restart(restart_reason::commit_failed, "checkpoint commit failed: " + caf::to_string(e));
      });
}

void reader_logic::record_commit(const checkpoint_gather& g) const {
  const auto* probe = peers_.probe.get();
  if (probe == nullptr) return;
  if (probe->checkpoint_seconds != nullptr)
    probe->checkpoint_seconds->observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - g.started).count());
  if (probe->finalised.size() != cfg_.intervals.size()) return;
  // Counted per checkpoint rather than per final: a handful of intervals, compared, not hashed.
  std::vector<std::uint64_t> per_interval(cfg_.intervals.size(), 0);
  for (const auto& c : g.publish.finals)
    for (std::size_t i = 0; i < cfg_.intervals.size(); ++i)
      if (cfg_.intervals[i] == c.iv) {
        ++per_interval[i];
        break;
      }
  for (std::size_t i = 0; i < per_interval.size(); ++i)
    if (per_interval[i] != 0 && probe->finalised[i] != nullptr) probe->finalised[i]->inc(per_interval[i]);
}

} // namespace cs
