#include "reference_builder.hpp"

#include <algorithm>
#include <tuple>

namespace cs::feed {

reference_builder::reference_builder(aggregator_config cfg, event_decoder_limits limits)
  : cfg_(std::move(cfg)), decoder_(limits) {}

partition_aggregator& reference_builder::aggregator(std::int32_t partition) {
  auto& slot = partitions_[partition];
  if (!slot) slot = std::make_unique<partition_aggregator>(cfg_, partition);
  return *slot;
}

void reference_builder::add(std::int32_t partition, std::int64_t offset, std::string_view payload, timestamp_ns now) {
  ++counts_.records;
  ++counts_.per_partition[partition];
  auto& agg = aggregator(partition);
  const auto status = decoder_.decode(payload, now, event_);
  if (!status.ok()) {
    ++counts_.invalid;
    ++counts_.by_reason[static_cast<std::size_t>(status.reason)];
    agg.skip(offset);
    return;
  }
  ++counts_.valid;
  event_.partition = partition;
  event_.offset = offset;
  scratch_.clear();
  switch (agg.apply(event_, scratch_)) {
    case event_outcome::applied: break;
    case event_outcome::partly_late: ++counts_.partly_late; break;
    case event_outcome::late: ++counts_.late; break;
    case event_outcome::duplicate: ++counts_.duplicates; break;
  }
  for (auto& c : scratch_) finals_.push_back({std::move(c), partition});
}

std::vector<partitioned_candle> reference_builder::candles(bool finals_only) const {
  std::vector<partitioned_candle> out = finals_;
  if (!finals_only) {
    std::vector<candle> live;
    for (const auto& [partition, agg] : partitions_) {
      live.clear();
      agg->append_live(live);
      for (auto& c : live) out.push_back({std::move(c), partition});
    }
  }
  sort_candles(out);
  return out;
}

void sort_candles(std::vector<partitioned_candle>& candles) {
  std::sort(candles.begin(), candles.end(), [](const partitioned_candle& a, const partitioned_candle& b) {
    return std::tie(a.c.symbol, a.c.iv, a.c.open_time, a.partition) <
           std::tie(b.c.symbol, b.c.iv, b.c.open_time, b.partition);
  });
}

} // namespace cs::feed
