#include "actors/partition_reader/reader_logic.hpp"

#include <nlohmann/json.hpp>

namespace cs {

std::string reader_logic::stats_json() const {
  const auto& st = self_->state;
  nlohmann::json j{{"partition", cfg_.partition}, {"epoch", st.epoch}, {"instance", cfg_.instance},
                   {"state", std::string(to_string(st.phase))}, {"reason", st.phase_reason}};
  if (st.router) {
    const auto& c = st.router->counters();
    j["next_offset"] = st.router->next_offset();
    j["committed_offset"] = st.committed_offset;
    j["watermark"] = st.router->clock().watermark;
    j["valid"] = c.valid;
    j["invalid"] = c.invalid;
    j["late"] = c.late;
    j["fully_late"] = c.fully_late;
    j["duplicate"] = c.duplicate;
    j["gaps"] = c.gaps;
    j["gap_offsets"] = c.gap_offsets;
    j["gap_stops"] = c.gap_stops;
    j["gap_checks"] = st.gap_checks;
    nlohmann::json by_reason = nlohmann::json::object();
    for (std::size_t r = 1; r < c.rejected.size(); ++r) // 0 is "none"
      if (c.rejected[r]) by_reason[std::string(to_string(static_cast<reject_reason>(r)))] = c.rejected[r];
    j["invalid_by_reason"] = std::move(by_reason);
  }
  j["candle_actors"] = st.by_symbol.size() * cfg_.intervals.size();
  j["candle_actors_retired"] = st.actors_retired;
  j["symbols_holding_live"] = st.holding.size();
  j["collects_sent"] = st.collects_sent;
  j["advances_sent"] = st.advances_sent;
  j["checkpoints"] = st.checkpoints;
  j["catch_up_checkpoints"] = st.catch_up_checkpoints;
  j["restarts"] = st.restarts_done;
  nlohmann::json restarts_by_reason = nlohmann::json::object();
  for (std::size_t r = 0; r < st.restarts_by_reason.size(); ++r)
    if (st.restarts_by_reason[r]) restarts_by_reason[std::string(to_string(static_cast<restart_reason>(r)))] = st.restarts_by_reason[r];
  j["restarts_by_reason"] = std::move(restarts_by_reason);
  j["checkpoint_failures"] = st.checkpoint_failures;
  // Messages waiting, this one excluded: a reader falling behind its partition shows here first.
  // Read-only count of the messages the scheduler has already moved into the actor's queue.
  // mailbox().size() must not be called from a handler: it fetches from the inbox into the very
  // queue the running round is consuming, which corrupts it (caught by UBSan in CAF 0.17.6).
  j["mailbox"] = self_->mailbox().queue().total_task_size();
  j["fences"] = st.fences;
  j["stalls"] = st.stalls;
  j["candles_published"] = st.candles_published;
  j["stash"] = st.stash.size();
  j["diverted_bytes"] = st.pending_diverted_bytes;
  return j.dump();
}

} // namespace cs
