#pragma once
// Restart intensity of a supervisor (Erlang-style): at most `max_restarts` restarts within
// `window`, each after an exponential backoff; one more failure inside the window escalates.
// Pure logic: the caller passes the clock.
#include <cstddef>
#include <deque>

#include "messages/time.hpp"

namespace cs {

struct restart_limits {
  // pipeline.restart-max, pipeline.restart-window, pipeline.restart-backoff
  std::size_t max_restarts = 0;
  duration_ns window = 0;
  duration_ns initial_backoff = 0;
  duration_ns max_backoff = 5 * ns_per_s;
};

struct restart_decision {
  bool escalate = false;
  duration_ns delay = 0; // wait this long before restarting
};

class restart_policy {
public:
  explicit restart_policy(restart_limits limits = {}) : limits_(limits) {}

  restart_decision on_failure(timestamp_ns now) {
    while (!recent_.empty() && now - recent_.front() > limits_.window) recent_.pop_front();
    if (recent_.size() >= limits_.max_restarts) return {true, 0};
    duration_ns delay = limits_.initial_backoff;
    for (std::size_t i = 0; i < recent_.size() && delay < limits_.max_backoff; ++i) delay *= 2;
    recent_.push_back(now);
    return {false, delay < limits_.max_backoff ? delay : limits_.max_backoff};
  }
  std::size_t recent_restarts() const { return recent_.size(); }

private:
  restart_limits limits_;
  std::deque<timestamp_ns> recent_;
};

} // namespace cs
