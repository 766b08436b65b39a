#pragma once
// Messages of the aggregation pipeline: poll thread -> partition_reader -> candle actors ->
// checkpoint (publisher, db_writer). Local-only types carry shared buffers and are marked as such.
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "messages/candle.hpp"
#include "messages/partition_snapshot.hpp"
#include "messages/shared_candles.hpp"

namespace cs {

// One valid event as a candle actor needs it. `watermark` is the partition's watermark before
// the event, so each candle actor decides lateness exactly as the single-threaded core does.
struct routed_event {
  double price = 0;
  std::int64_t bid_units = 0;
  std::int64_t ask_units = 0;
  event_pos pos;
  timestamp_ns watermark = no_watermark;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, routed_event& x) {
  return f(caf::meta::type_name("routed_event"), x.price, x.bid_units, x.ask_units, x.pos, x.watermark);
}

// The events of one symbol in one reader batch, shared by the candle actors of all intervals.
struct event_slice {
  std::shared_ptr<const std::vector<routed_event>> events;
  timestamp_ns watermark_after = no_watermark; // finalize up to this once applied
};

// Records of one partition from one poll, payloads packed into one buffer.
struct raw_batch {
  std::int32_t partition = -1;
  std::uint64_t generation = 0; // seek generation: batches of older generations are stale
  std::string bytes;
  std::vector<std::uint32_t> ends;   // payload i is bytes[ends[i-1], ends[i])
  std::vector<std::int64_t> offsets; // offset of payload i
  // The partition's log end (high watermark) as librdkafka last heard it from the broker when the
  // batch was cut; -1: not known. A batch ending there leaves the partition caught up.
  std::int64_t log_end = -1;
  std::size_t size() const { return offsets.size(); }
};

// What one candle actor changed since the last checkpoint.
struct checkpoint_part {
  shared_candles finals;    // also kept by the actor for queries until the commit
  std::vector<candle> live; // live candles, only when changed
  bool live_left = false;   // the actor still holds live candles (a later advance may finalise them)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, checkpoint_part& x) {
  return f(caf::meta::type_name("checkpoint_part"), x.finals, x.live, x.live_left);
}

// Bucket boundary of unknown position: "no frontier known yet".
inline constexpr timestamp_ns no_frontier = INT64_MIN;

// What a candle actor knows that PostgreSQL may not have yet, for queries (docs/design.md §5).
// Every bucket of the series that starts before `frontier` is final; every final candle that
// starts before `committed_frontier` is committed in PostgreSQL, so PostgreSQL (and the caches,
// which hold only final candles) answer completely up to there, and `candles` (final ones not yet
// committed, then the live ones) complete the picture. no_frontier: the actor has seen no
// watermark yet; ask the partition's checkpoint instead.
struct recent_candles {
  timestamp_ns committed_frontier = no_frontier;
  timestamp_ns frontier = no_frontier;
  std::vector<candle> candles; // ascending by open_time; final ones have closed = true
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, recent_candles& x) {
  return f(caf::meta::type_name("recent_candles"), x.committed_frontier, x.frontier, x.candles);
}

// Final candles of one series, just finalised, with the span they describe completely: every
// bucket in [from, to) is final and `candles` are all the candles in it (the rest are empty).
// The candle actor sends these to the cache at once (write-through).
struct final_span {
  candle_key key;
  timestamp_ns from = 0;
  timestamp_ns to = 0;
  std::vector<candle> candles; // ascending
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, final_span& x) {
  return f(caf::meta::type_name("final_span"), x.key, x.from, x.to, x.candles);
}

// What a watched candle actor pushes to its live hubs (actors/live_push/) after a change: the
// candles it finalised (ascending) and its live candles as they are now (ascending).
struct live_update {
  candle_key key;
  std::vector<candle> finals;
  std::vector<candle> live;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, live_update& x) {
  return f(caf::meta::type_name("live_update"), x.key, x.finals, x.live);
}

// A record for the dead-letter or late topic: the original payload and why.
struct diverted_event {
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  std::string key;
  std::string payload;
  std::string reason;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, diverted_event& x) {
  return f(caf::meta::type_name("diverted_event"), x.partition, x.offset, x.key, x.payload, x.reason);
}

// Everything a checkpoint must get acknowledged by Kafka before it commits to PostgreSQL.
struct publish_request {
  shared_candles finals;                // -> candles-completed
  std::vector<diverted_event> invalid;  // -> market-events-dlq
  std::vector<diverted_event> late;     // -> market-events-late
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, publish_request& x) {
  return f(caf::meta::type_name("publish_request"), x.finals, x.invalid, x.late);
}

// One checkpoint transaction (docs/design.md §4).
struct checkpoint_request {
  std::string topic;
  std::int64_t epoch = 0;
  partition_snapshot state; // partition, next_offset, clock; `live` = changed live candles
  shared_candles finals;    // the publish request's buffer
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, checkpoint_request& x) {
  return f(caf::meta::type_name("checkpoint_request"), x.topic, x.epoch, x.state, x.finals);
}

enum class checkpoint_result : std::uint8_t { committed = 0, fenced = 1 };

// A partition taken by this node: its epoch and the state to resume from.
struct partition_claim {
  std::int64_t epoch = 0;
  partition_snapshot state;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_claim& x) {
  return f(caf::meta::type_name("partition_claim"), x.epoch, x.state);
}

} // namespace cs

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cs::event_slice)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cs::raw_batch)
