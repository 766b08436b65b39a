#include "actors/partition_reader/reader_logic.hpp"

#include <caf/all.hpp>

#include "runtime/log/log.hpp"

namespace cs {

void reader_logic::stop_children() {
  auto& st = self_->state;
  for (const auto& [sym, actors] : st.by_symbol)
    for (const auto& a : actors) self_->send_exit(a, caf::exit_reason::user_shutdown);
  st.by_symbol.clear();
  st.by_interval.assign(cfg_.intervals.size(), {});
  self_->send(peers_.directory, unregister_atom::value, cfg_.partition);
}

bool reader_logic::is_child(const caf::actor_addr& who) const {
  for (const auto& [sym, actors] : self_->state.by_symbol)
    for (const auto& a : actors)
      if (a.address() == who) return true;
  return false;
}

// Restores the whole partition from its last checkpoint and replays from there: the only
// state a crashed candle actor can come back to without losing or doubling an event.
void reader_logic::restart(const std::string& why) {
  auto& st = self_->state;
  const auto decision = st.restarts.on_failure(reader_wall_now());
  runtime::log_warn(reader_component, where() + ": " + why + (decision.escalate ? "; restart intensity exceeded, escalating" : "; restarting from the last checkpoint"));
  ++st.incarnation;
  st.restarting = true;
  st.ready = false;
  st.checkpoint_in_flight = false;
  stop_children();
  for (std::size_t i = 0; i < st.stash.size(); ++i) peers_.inflight->fetch_sub(1, std::memory_order_relaxed);
  st.stash.clear();
  st.pending_invalid.clear();
  st.pending_late.clear();
  if (decision.escalate) {
    peers_.commands->push({consumer_command::kind::stop_partition, cfg_.partition, 0, 0});
    self_->quit(caf::sec::runtime_error);
    return;
  }
  ++st.restarts_done;
  const auto inc = st.incarnation;
  self_->delayed_send(self_, ns(decision.delay), retry_atom::value, inc);
}

void reader_logic::resume_after_restart(std::uint64_t inc) {
  if (self_->state.incarnation != inc) return;
  claim(
    [=, this](std::int64_t next_offset) {
      auto& st = self_->state;
      ++st.generation;
      peers_.commands->push({consumer_command::kind::seek, cfg_.partition, next_offset, st.generation});
    },
    [=, this](const caf::error& e) { restart("re-claim failed: " + caf::to_string(e)); });
}

} // namespace cs
