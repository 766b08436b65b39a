#pragma once
// Checkpointable state of one Kafka partition (docs/design.md §4): everything needed so that
// "restore the snapshot taken before offset k, then apply events k.." gives exactly the candles
// of an uninterrupted run.
#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <limits>
#include <vector>

#include "messages/candle.hpp"
#include "messages/time.hpp"

namespace cs {

// Watermark value before any event was seen.
inline constexpr timestamp_ns no_watermark = std::numeric_limits<timestamp_ns>::min();

struct watermark_state {
  timestamp_ns max_event_ts = no_watermark; // largest event time applied
  timestamp_ns watermark = no_watermark;    // candles ending at or before it are final
  bool operator==(const watermark_state&) const = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, watermark_state& x) {
  return f(caf::meta::type_name("watermark_state"), x.max_event_ts, x.watermark);
}

struct partition_snapshot {
  std::int32_t partition = -1;
  std::int64_t next_offset = 0; // last applied offset + 1
  watermark_state clock;
  std::vector<candle> live; // candles not yet final, with closed == false
  bool operator==(const partition_snapshot&) const = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_snapshot& x) {
  return f(caf::meta::type_name("partition_snapshot"), x.partition, x.next_offset, x.clock, x.live);
}

} // namespace cs
