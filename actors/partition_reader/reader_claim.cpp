#include "actors/partition_reader/reader_logic.hpp"

#include <caf/all.hpp>

#include "actors/candle/candle_actor.hpp"
#include "runtime/log/log.hpp"

#include <algorithm>

namespace cs {

void reader_logic::claim(std::function<void(std::int64_t)> done, std::function<void(const caf::error&)> failed) {
  auto& st = self_->state;
  const auto inc = st.incarnation;
  self_->request(peers_.db_writer, ns(cfg_.claim_timeout), claim_atom::value, cfg_.topic, cfg_.partition, cfg_.owner)
    .then(
      [=, this](partition_claim& claim) {
        if (self_->state.incarnation != inc) return;
        restore(claim);
        done(claim.state.next_offset);
      },
      [=, this](caf::error& e) {
        if (self_->state.incarnation == inc) failed(e);
      });
}

void reader_logic::restore(const partition_claim& claim) {
  auto& st = self_->state;
  st.epoch = claim.epoch;
  st.router = std::make_unique<batch_router>(cfg_.partition, cfg_.intervals, cfg_.clock, cfg_.limits);
  st.router->restore(claim.state.next_offset, claim.state.clock);
  st.committed_offset = claim.state.next_offset;
  st.committed_clock = claim.state.clock;
  st.uncheckpointed_events = 0;
  std::map<std::string, std::vector<candle>> live_by_symbol;
  for (const auto& c : claim.state.live) live_by_symbol[c.symbol].push_back(c);
  const auto now = wall_clock_now();
  for (auto& [symbol, live] : live_by_symbol) {
    auto& sa = actors_for(symbol);
    for (std::size_t i = 0; i < sa.actors.size(); ++i) {
      self_->send(sa.actors[i], restore_atom::value, live);
      mark_live(sa, i); // the first collect after a finalising advance says which really are
    }
    sa.last_event = now;
  }
  st.phase = reader_phase::running;
  st.phase_reason.clear();
  runtime::log_info(reader_component, where() + ": claimed with epoch " + std::to_string(claim.epoch) + " by reader " + std::to_string(cfg_.instance) + ", resuming at offset " +
                                 std::to_string(claim.state.next_offset) + " with " +
                                 std::to_string(claim.state.live.size()) + " live candles");
}

symbol_actors& reader_logic::actors_for(const std::string& symbol) {
  auto& st = self_->state;
  auto it = st.by_symbol.find(symbol);
  if (it != st.by_symbol.end()) return it->second;
  symbol_actors sa;
  const auto n = cfg_.intervals.size();
  sa.actors.reserve(n);
  sa.live.assign(n, 0);
  sa.dirty.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    candle_actor_peers cp{caf::actor_cast<caf::actor>(self_), peers_.cache, cfg_.watermark_ask_timeout};
    if (auto it = st.key_restarts.find({symbol, i}); it != st.key_restarts.end()) cp.restarts = it->second;
    auto a = self_->spawn<caf::monitored>(candle_actor, symbol, cfg_.intervals[i], cfg_.faults_enabled, cp);
    self_->send(peers_.directory, register_atom::value, cfg_.instance, candle_key{symbol, cfg_.intervals[i]}, a);
    sa.actors.push_back(std::move(a));
  }
  return st.by_symbol.emplace(symbol, std::move(sa)).first->second;
}

// Symbols with nothing live, nothing uncollected and no events for candle.retire-after lose
// their candle actors: everything they finalised is in PostgreSQL (no checkpoint is in flight),
// queries read it from there, and the next event spawns fresh actors. The walk covers every
// symbol, so it runs every retire-after/8 rather than every tick.
void reader_logic::retire_idle() {
  auto& st = self_->state;
  if (st.checkpoint_in_flight || cfg_.retire_after <= 0) return;
  const auto now = wall_clock_now();
  if (now < st.next_retire_walk) return;
  st.next_retire_walk = now + std::max<duration_ns>(cfg_.retire_after / 8, cfg_.checkpoint_interval);
  // Symbols listed in `holding` or `touched` are never erased (the lists point at them); drop
  // from `holding` first what holds nothing any more.
  std::erase_if(st.holding, [](symbol_actors* sa) {
    const bool any = std::any_of(sa->live.begin(), sa->live.end(), [](auto v) { return v != 0; });
    if (!any) sa->in_holding = false;
    return !any;
  });
  for (auto it = st.by_symbol.begin(); it != st.by_symbol.end();) {
    auto& sa = it->second;
    if (sa.in_holding || sa.in_touched || now - sa.last_event < cfg_.retire_after) {
      ++it;
      continue;
    }
    for (std::size_t i = 0; i < sa.actors.size(); ++i) {
      self_->demonitor(sa.actors[i].address()); // an orderly exit, not a failure to restart from
      self_->send_exit(sa.actors[i], caf::exit_reason::user_shutdown);
      self_->send(peers_.directory, unregister_atom::value, cfg_.instance, candle_key{it->first, cfg_.intervals[i]});
    }
    st.actors_retired += sa.actors.size();
    it = st.by_symbol.erase(it);
  }
}

} // namespace cs
