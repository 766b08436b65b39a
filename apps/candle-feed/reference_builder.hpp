#pragma once
// The offline reference: the candles a stream must produce, computed with the same core the
// nodes run (one partition_aggregator per partition, same intervals and lateness). Records go in
// per partition in offset order, as raw payloads; each is decoded and validated exactly as a
// partition reader does, and an invalid one only advances the offset (skip).
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string_view>
#include <vector>

#include "actors/partition_reader/partition_aggregator.hpp"
#include "messages/event_decoder.hpp"

namespace cs::feed {

// No wall clock to compare with: offline, the future-skew check is off (see reference command).
inline constexpr timestamp_ns no_clock = INT64_MAX;

struct reference_counts {
  std::uint64_t records = 0;
  std::uint64_t valid = 0;
  std::uint64_t invalid = 0;
  std::uint64_t late = 0;        // late for every interval: not applied
  std::uint64_t partly_late = 0; // late for some intervals, applied to the others
  std::uint64_t duplicates = 0;  // offsets at or below one already applied
  std::array<std::uint64_t, reject_reason_count> by_reason{};
  std::map<std::int32_t, std::uint64_t> per_partition; // records per partition
};

struct partitioned_candle {
  candle c;
  std::int32_t partition = 0;
};

class reference_builder {
public:
  reference_builder(aggregator_config cfg, event_decoder_limits limits);

  // One record at (partition, offset). `now` is the clock of the future-skew check (no_clock: off).
  void add(std::int32_t partition, std::int64_t offset, std::string_view payload, timestamp_ns now = no_clock);

  // Final candles and, unless finals_only, the live ones at the end of the input (closed=false),
  // sorted by symbol, interval, open time (then partition, should a symbol span partitions).
  std::vector<partitioned_candle> candles(bool finals_only) const;
  const reference_counts& counts() const { return counts_; }

private:
  partition_aggregator& aggregator(std::int32_t partition);

  aggregator_config cfg_;
  event_decoder decoder_;
  std::map<std::int32_t, std::unique_ptr<partition_aggregator>> partitions_;
  std::vector<partitioned_candle> finals_;
  std::vector<candle> scratch_;
  bid_ask_event event_;
  reference_counts counts_;
};

// symbol, interval, open_time, then partition.
void sort_candles(std::vector<partitioned_candle>& candles);

} // namespace cs::feed
