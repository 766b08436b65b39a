#include "node_path.hpp"

namespace cs::bench {

node_path::node_path(std::vector<interval> intervals, watermark_config clock)
  : intervals_(intervals), router_(0, std::move(intervals), clock, event_decoder_limits{}),
    by_interval_(intervals_.size()) {}

std::vector<candle_keeper>& node_path::keepers_for(const std::string& symbol) {
  auto it = by_symbol_.find(symbol);
  if (it != by_symbol_.end()) return it->second;
  auto& keepers = by_symbol_[symbol];
  keepers.reserve(intervals_.size()); // by_interval_ points into it: it must never reallocate
  for (std::size_t i = 0; i < intervals_.size(); ++i) {
    keepers.emplace_back(symbol, intervals_[i]);
    by_interval_[i].push_back(&keepers.back());
  }
  return keepers;
}

void node_path::process(const raw_batch& batch, timestamp_ns now) {
  router_.route(batch, now, routed_);
  // The reader sends one event_slice per symbol to each of its candle actors. The final spans
  // they return would go to the cache actor, which is not part of this path: dropped here.
  for (const auto& slice : routed_.slices)
    for (auto& k : keepers_for(slice.symbol)) (void)k.apply(slice.events, routed_.watermark_after);
  for (std::size_t i = 0; i < routed_.boundary_crossed.size(); ++i)
    if (routed_.boundary_crossed[i])
      for (auto* k : by_interval_[i]) (void)k->advance(routed_.watermark_after);
}

std::size_t node_path::checkpoint() {
  std::size_t finals = 0;
  for (auto& [symbol, keepers] : by_symbol_)
    for (auto& k : keepers) finals += k.collect().finals.size();
  for (auto& [symbol, keepers] : by_symbol_)
    for (auto& k : keepers) k.committed();
  return finals;
}

std::size_t node_path::live_count() const {
  std::size_t n = 0;
  for (const auto& [symbol, keepers] : by_symbol_)
    for (const auto& k : keepers) n += k.live().size();
  return n;
}

} // namespace cs::bench
