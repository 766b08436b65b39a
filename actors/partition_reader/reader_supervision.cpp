#include "actors/partition_reader/reader_logic.hpp"

#include <caf/all.hpp>

#include "runtime/log/log.hpp"

namespace cs {

std::string_view to_string(reader_phase p) {
  switch (p) {
    case reader_phase::claiming: return "claiming";
    case reader_phase::running: return "running";
    case reader_phase::restarting: return "restarting";
    case reader_phase::stalled: return "stalled";
    case reader_phase::fenced: return "fenced";
    case reader_phase::revoking: return "revoking";
  }
  return "unknown";
}

void reader_logic::push(consumer_command::kind what, std::int64_t offset) {
  peers_.commands->push({what, cfg_.partition, cfg_.instance, offset, self_->state.generation});
}

void reader_logic::stop_children() {
  auto& st = self_->state;
  for (const auto& [sym, sa] : st.by_symbol)
    for (const auto& a : sa.actors) self_->send_exit(a, caf::exit_reason::user_shutdown);
  st.by_symbol.clear();
  st.touched.clear();
  st.holding.clear();
  st.gather.reset(); // its replies miss from now on
  self_->send(peers_.directory, unregister_atom::value, cfg_.instance);
}

std::optional<std::pair<std::string, std::size_t>> reader_logic::child_key(const caf::actor_addr& who) const {
  for (const auto& [sym, sa] : self_->state.by_symbol)
    for (std::size_t i = 0; i < sa.actors.size(); ++i)
      if (sa.actors[i].address() == who) return std::make_pair(sym, i);
  return std::nullopt;
}

std::uint64_t reader_logic::stand_down(reader_phase phase, const std::string& why) {
  auto& st = self_->state;
  const bool was_running = st.phase == reader_phase::running;
  ++st.incarnation;
  st.phase = phase;
  st.phase_reason = why;
  st.checkpoint_in_flight = false;
  after_commit_ = {};
  checkpoint_again_ = false;
  st.backlog = 0;
  stop_children();
  for (std::size_t i = 0; i < st.stash.size(); ++i) peers_.inflight->fetch_sub(1, std::memory_order_relaxed);
  st.stash.clear();
  st.pending_invalid.clear();
  st.pending_late.clear();
  st.pending_diverted_bytes = 0;
  st.gap_check_at = -1;
  // Records would be dropped until the re-claim's seek: stop fetching them.
  if (was_running) push(consumer_command::kind::hold);
  return st.incarnation;
}

// Restores the whole partition from its last checkpoint and replays from there: the only
// state a crashed candle actor can come back to without losing or doubling an event.
void reader_logic::restart(restart_reason reason, const std::string& why) {
  auto& st = self_->state;
  if (st.phase == reader_phase::revoking) {
    // The partition is leaving this node: its next owner resumes from the last checkpoint that
    // did commit. Claiming it again here would fence that owner.
    runtime::log_warn(reader_component, where() + ": " + why + "; reader " + std::to_string(cfg_.instance) +
                                          " was revoked, so it does not claim the partition again");
    return finish_revoke();
  }
  const auto decision = st.restarts.on_failure(wall_clock_now());
  duration_ns delay = decision.delay;
  if (decision.escalate) {
    // Past the intensity the cause is persistent (a dependency down, a poison state); keep the
    // partition and try again after one window rather than stop the node: every other node
    // would hit the same cause, and this node's other partitions are still making progress.
    runtime::log_error(reader_component, where() + ": " + why + "; restart intensity exceeded, stalled for " +
                                           std::to_string(cfg_.restarts.window / ns_per_ms) + " ms");
    ++st.stalls;
    delay = cfg_.restarts.window;
  } else {
    runtime::log_warn(reader_component, where() + ": " + why + "; restarting from the last checkpoint");
  }
  const auto inc = stand_down(decision.escalate ? reader_phase::stalled : reader_phase::restarting, why);
  ++st.restarts_done;
  ++st.restarts_by_reason[static_cast<std::size_t>(reason)];
  if (peers_.probe && peers_.probe->restarts[static_cast<std::size_t>(reason)] != nullptr)
    peers_.probe->restarts[static_cast<std::size_t>(reason)]->inc();
  self_->delayed_send(self_, ns(delay), retry_atom::value, inc);
}

void reader_logic::fenced() {
  auto& st = self_->state;
  const auto why = "fenced (another owner has epoch > " + std::to_string(st.epoch) + ")";
  if (st.phase == reader_phase::revoking) {
    runtime::log_warn(reader_component, where() + ": " + why + "; revoked, stopping");
    return finish_revoke();
  }
  // Kafka decides who owns a partition; the fencer is either its new owner (then Kafka revokes
  // the partition here within a session timeout, and this reader quits before re-claiming) or a
  // stale node (then re-claiming fences it in turn).
  runtime::log_warn(reader_component, where() + ": " + why + "; re-claiming in " +
                                        std::to_string(cfg_.fenced_reclaim_delay / ns_per_ms) + " ms unless revoked");
  ++st.fences;
  const auto inc = stand_down(reader_phase::fenced, why);
  self_->delayed_send(self_, ns(cfg_.fenced_reclaim_delay), retry_atom::value, inc);
}

void reader_logic::resume_after_restart(std::uint64_t inc) {
  auto& st = self_->state;
  if (st.incarnation != inc || st.phase == reader_phase::revoking) return;
  st.phase = reader_phase::claiming;
  claim(
    [=, this](std::int64_t next_offset) {
      ++self_->state.generation;
      push(consumer_command::kind::seek, next_offset);
    },
    [=, this](const caf::error& e) { restart(restart_reason::reclaim_failed, "re-claim failed: " + caf::to_string(e)); });
}

void reader_logic::revoke(bool lost, std::function<void()> done) {
  auto& st = self_->state;
  const bool running = st.phase == reader_phase::running;
  st.phase = reader_phase::revoking;
  st.phase_reason = lost ? "lost" : "revoked";
  revoke_done_ = std::move(done);
  if (lost || !running) return finish_revoke();
  if (cfg_.faults_enabled && cfg_.fault_revoke_checkpoint) return restart(restart_reason::injected_fault, "final checkpoint failed (injected fault)");
  checkpoint([this] { finish_revoke(); });
}

void reader_logic::finish_revoke() {
  ++self_->state.incarnation; // late replies of the checkpoint in flight are ignored
  after_commit_ = {};
  checkpoint_again_ = false;
  stop_children();
  if (auto done = std::exchange(revoke_done_, {})) done();
  self_->quit(caf::exit_reason::user_shutdown);
}

} // namespace cs
