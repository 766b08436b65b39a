#pragma once
// When each message is due, as an offset of wall time from the start of sending. Pure
// arithmetic: the commands sleep until the offset, so a slow moment is caught up afterwards
// instead of stretching the whole run.
#include <algorithm>
#include <cstdint>

#include "messages/time.hpp"

namespace cs::feed {

// Fixed rate: message i is due at i / rate seconds. A rate of 0 means "now", always.
class rate_schedule {
public:
  explicit rate_schedule(double per_second) : rate_(per_second) {}
  duration_ns due(std::uint64_t index) const {
    if (rate_ <= 0) return 0;
    return static_cast<duration_ns>(static_cast<long double>(index) * ns_per_s / rate_);
  }

private:
  double rate_;
};

// Replay at `speed` x real time: an event is due when its event-time distance from the first
// event, divided by speed, has passed. Events that go back in time are due at once (never
// before one already sent: the wall clock only moves forward).
class replay_schedule {
public:
  explicit replay_schedule(double speed) : speed_(speed) {}
  duration_ns due(timestamp_ns event_ts) {
    if (!started_) {
      started_ = true;
      first_ts_ = event_ts;
    }
    const auto offset = static_cast<duration_ns>(static_cast<long double>(event_ts - first_ts_) / speed_);
    latest_ = std::max(latest_, offset);
    return latest_;
  }

private:
  double speed_;
  bool started_ = false;
  timestamp_ns first_ts_ = 0;
  duration_ns latest_ = 0;
};

} // namespace cs::feed
