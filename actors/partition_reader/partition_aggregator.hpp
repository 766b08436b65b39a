#pragma once
// Pure, single-threaded aggregation of one Kafka partition: offsets, watermark and the live
// candles of every (symbol, interval) in it. Deterministic: the same events in the same offset
// order give the same candles, whether the run was uninterrupted or restored from a snapshot.
// Used directly by the reference tool and the tests (candle-bench core times what the node runs:
// batch_router + candle_keeper); the actor pipeline splits the
// same pieces (watermark_tracker here, candle_book in actors/candle) across actors.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "actors/candle/candle_book.hpp"
#include "actors/partition_reader/watermark.hpp"
#include "messages/bid_ask_event.hpp"
#include "messages/partition_snapshot.hpp"

namespace cs {

struct aggregator_config {
  std::vector<interval> intervals;
  watermark_config clock;
};

enum class event_outcome : std::uint8_t {
  applied,     // applied to every interval
  partly_late, // applied to the intervals whose bucket is still open, late for the others
  late,        // every bucket already final: not applied
  duplicate,   // offset already applied (replay after restore): ignored
};

class partition_aggregator {
public:
  partition_aggregator(aggregator_config cfg, std::int32_t partition);
  // Rebuilds the state a snapshot describes.
  partition_aggregator(aggregator_config cfg, const partition_snapshot& snap);

  // Applies a valid event at e.offset; final candles are appended to `finals`.
  event_outcome apply(const bid_ask_event& e, std::vector<candle>& finals);
  // Accounts for an offset that held no valid event (it went to the DLQ).
  void skip(std::int64_t offset);
  // Wall-clock bookkeeping for idle partitions (see watermark_tracker).
  void mark_activity(timestamp_ns now) { clock_.mark_activity(now); }
  bool advance_idle(timestamp_ns now, std::vector<candle>& finals);

  partition_snapshot snapshot() const;
  void append_live(std::vector<candle>& out) const;

  std::int32_t partition() const { return partition_; }
  std::int64_t next_offset() const { return next_offset_; }
  const watermark_state& clock() const { return clock_.state(); }
  std::size_t symbol_count() const { return symbols_.size(); }
  std::size_t live_count() const;
  const std::vector<interval>& intervals() const { return cfg_.intervals; }

private:
  struct symbol_entry {
    std::string symbol;
    std::vector<candle_book> books; // one per configured interval, same order
  };
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  symbol_entry& entry_for(const std::string& symbol);
  void finalize_due(std::vector<candle>& finals);

  aggregator_config cfg_;
  std::int32_t partition_;
  std::int64_t next_offset_ = 0;
  watermark_tracker clock_;
  std::unordered_map<std::string, std::uint32_t, string_hash, std::equal_to<>> index_;
  std::vector<symbol_entry> symbols_;
  timestamp_ns next_close_ = candle_book::no_deadline; // earliest end among live buckets
};

} // namespace cs
