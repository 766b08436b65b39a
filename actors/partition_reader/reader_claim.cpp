#include "actors/partition_reader/reader_logic.hpp"

#include <caf/all.hpp>

#include "actors/candle/candle_actor.hpp"
#include "runtime/log/log.hpp"

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
  st.by_interval.assign(cfg_.intervals.size(), {});
  std::map<std::string, std::vector<candle>> live_by_symbol;
  for (const auto& c : claim.state.live) live_by_symbol[c.symbol].push_back(c);
  for (auto& [symbol, live] : live_by_symbol)
    for (const auto& a : actors_for(symbol)) self_->send(a, restore_atom::value, live);
  st.phase = reader_phase::running;
  st.phase_reason.clear();
  runtime::log_info(reader_component, where() + ": claimed with epoch " + std::to_string(claim.epoch) + " by reader " + std::to_string(cfg_.instance) + ", resuming at offset " +
                                 std::to_string(claim.state.next_offset) + " with " +
                                 std::to_string(claim.state.live.size()) + " live candles");
}

const std::vector<candle_actor_hdl>& reader_logic::actors_for(const std::string& symbol) {
  auto& st = self_->state;
  auto it = st.by_symbol.find(symbol);
  if (it != st.by_symbol.end()) return it->second;
  std::vector<candle_actor_hdl> actors;
  actors.reserve(cfg_.intervals.size());
  for (std::size_t i = 0; i < cfg_.intervals.size(); ++i) {
    auto a = self_->spawn<caf::monitored>(candle_actor, symbol, cfg_.intervals[i], cfg_.faults_enabled, peers_.cache);
    self_->send(peers_.directory, register_atom::value, cfg_.instance, candle_key{symbol, cfg_.intervals[i]}, a);
    st.by_interval[i].push_back(a);
    actors.push_back(std::move(a));
  }
  return st.by_symbol.emplace(symbol, std::move(actors)).first->second;
}

} // namespace cs
