#include "actors/partition_reader/watermark.hpp"

namespace cs {

bool watermark_tracker::advance_idle(timestamp_ns now) {
  if (last_activity_ == no_watermark) {
    // Nothing seen since start: start the idle clock now.
    last_activity_ = now;
    return false;
  }
  if (state_.max_event_ts == no_watermark || now - last_activity_ < cfg_.idle_timeout) return false;
  const timestamp_ns w = state_.max_event_ts + (now - last_activity_) - cfg_.allowed_lateness;
  if (w <= state_.watermark) return false;
  state_.watermark = w;
  return true;
}

} // namespace cs
