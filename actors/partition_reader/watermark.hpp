#pragma once
// Event-time watermark of one Kafka partition (docs/design.md §3): max event time seen minus
// allowed_lateness. When the partition has been idle for idle_timeout of wall time, the watermark
// moves on as if event time had kept pace with the wall clock since the last event.
// (Not a jump to the wall clock itself: extrapolating from the last event time keeps historical
// replays, whose event times are far behind the wall clock, from being declared late wholesale
// after one pause. docs/design.md §7 records the choice.)
#include "messages/partition_snapshot.hpp"
#include "messages/time.hpp"

namespace cs {

struct watermark_config {
  duration_ns allowed_lateness = 2 * ns_per_s;
  duration_ns idle_timeout = 10 * ns_per_s;
};

class watermark_tracker {
public:
  explicit watermark_tracker(watermark_config cfg, watermark_state state = {}) : cfg_(cfg), state_(state) {}

  timestamp_ns watermark() const { return state_.watermark; }
  const watermark_state& state() const { return state_; }

  // Accounts for an applied event; returns the (possibly advanced) watermark.
  timestamp_ns observe(timestamp_ns event_ts) {
    if (event_ts > state_.max_event_ts) {
      state_.max_event_ts = event_ts;
      const timestamp_ns w = event_ts - cfg_.allowed_lateness;
      if (w > state_.watermark) state_.watermark = w;
    }
    return state_.watermark;
  }

  // Continues from a checkpointed state; the idle clock starts again.
  void restore(const watermark_state& state) {
    state_ = state;
    last_activity_ = no_watermark;
  }

  // Records that events arrived at wall time `now` (called once per batch, not per event).
  void mark_activity(timestamp_ns now) { last_activity_ = now; }

  // Advances the watermark of an idle partition; returns true when it moved.
  bool advance_idle(timestamp_ns now);

private:
  watermark_config cfg_;
  watermark_state state_;
  timestamp_ns last_activity_ = no_watermark;
};

} // namespace cs
