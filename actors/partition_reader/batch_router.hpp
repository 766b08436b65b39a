#pragma once
// Pure logic of a partition_reader: decodes and validates one poll's records, tracks offsets and
// the watermark, decides lateness, and groups valid events by symbol so that each candle actor
// gets one message per batch. No CAF, no I/O.
#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/partition_reader/watermark.hpp"
#include "messages/event_decoder.hpp"
#include "messages/pipeline.hpp"

namespace cs {

struct router_counters {
  std::uint64_t valid = 0;
  std::uint64_t invalid = 0;
  std::uint64_t late = 0;       // late for at least one interval
  std::uint64_t fully_late = 0; // late for every interval: applied nowhere
  std::uint64_t duplicate = 0;  // offsets below next_offset (redelivery)
  std::uint64_t gaps = 0;         // gaps the broker confirmed, routed over (accept_gap)
  std::uint64_t gap_offsets = 0;  // offsets skipped by those gaps
  std::uint64_t gap_stops = 0;    // routing stopped because records seemed missing
  std::array<std::uint64_t, reject_reason_count> rejected{};
};

struct routed_batch {
  struct slice {
    std::string symbol;
    std::vector<routed_event> events;
  };
  std::vector<slice> slices;            // one per symbol that had events
  std::vector<diverted_event> invalid;  // for the dead-letter topic
  std::vector<diverted_event> late;     // for the late topic
  timestamp_ns watermark_after = no_watermark;
  std::vector<bool> boundary_crossed;   // per interval: the watermark passed a bucket end
  // Set when routing stopped at a gap not yet confirmed: records from here on were not routed;
  // the reader has the gap checked and re-reads from this offset (see batch_router::route).
  std::int64_t unconfirmed_gap_at = -1;
  std::int64_t gap_seen_at = -1; // the record that came instead of unconfirmed_gap_at
  void clear();
};

class batch_router {
public:
  batch_router(std::int32_t partition, std::vector<interval> intervals, watermark_config clock,
               event_decoder_limits limits);

  // Resumes from a checkpoint.
  void restore(std::int64_t next_offset, const watermark_state& clock);
  // Routes one batch; `now` is the node's clock (future-skew check, idle tracking).
  // A record past next_offset is a gap. Gaps are legitimate (retention, compaction, transaction
  // markers), but librdkafka 2.0.2's batch consumer can also skip records around rebalances,
  // pauses and seeks. So a gap is treated as a loss: routing stops before it, and only a gap the
  // broker confirmed (actors/kafka_consumer/gap_check.hpp) and the caller passed to accept_gap
  // is routed over, once.
  void route(const raw_batch& batch, timestamp_ns now, routed_batch& out);
  // The offsets [from, to) hold no record: the next route() may go from `from` straight to any
  // offset up to `to`.
  void accept_gap(std::int64_t from, std::int64_t to) {
    accepted_gap_from_ = from;
    accepted_gap_to_ = to;
  }
  // Advances the watermark of an idle partition; fills boundary_crossed. True when it moved.
  bool advance_idle(timestamp_ns now, std::vector<bool>& boundary_crossed);

  std::int64_t next_offset() const { return next_offset_; }
  const watermark_state& clock() const { return clock_.state(); }
  const router_counters& counters() const { return counters_; }
  const std::vector<interval>& intervals() const { return intervals_; }

private:
  void mark_boundaries(std::vector<bool>& crossed);

  std::int32_t partition_;
  std::vector<interval> intervals_;
  watermark_tracker clock_;
  event_decoder decoder_;
  std::int64_t next_offset_ = 0;
  std::int64_t accepted_gap_from_ = -1, accepted_gap_to_ = -1; // see accept_gap
  router_counters counters_;
  // Per interval, the bucket the watermark was in when candle actors were last told about it.
  std::vector<timestamp_ns> announced_bucket_;
  std::unordered_map<std::string, std::size_t> slice_index_; // symbol -> index in out.slices
  bid_ask_event scratch_;
};

} // namespace cs
