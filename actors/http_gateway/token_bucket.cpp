#include "actors/http_gateway/token_bucket.hpp"

#include <algorithm>
#include <cmath>

namespace cs::api {
namespace {
// burst >= 1 is also false for NaN. Caps keep tat = now + tolerance + interval far inside int64 for any realistic clock.
constexpr double max_interval = 1e15;  // ns: one request per 10^6 s
constexpr double max_tolerance = 1e18; // ns: about 31 years of burst
} // namespace

rate_limiter::rate_limiter(double per_second, double burst, std::size_t max_clients)
  : enabled_(per_second > 0),
    interval_(enabled_ ? static_cast<duration_ns>(std::clamp(std::round(1e9 / per_second), 1.0, max_interval)) : 0),
    tolerance_(static_cast<duration_ns>(std::min(((burst >= 1 ? burst : 1.0) - 1) * static_cast<double>(interval_), max_tolerance))),
    max_clients_(max_clients > 0 ? max_clients : 1) {}

bool rate_limiter::allow(std::string_view client, timestamp_ns now) {
  if (!enabled_) return true;
  auto it = index_.find(client);
  if (it == index_.end()) {
    if (index_.size() >= max_clients_) {
      index_.erase(lru_.back().client);
      lru_.pop_back();
    }
    lru_.push_front({std::string(client), now});
    it = index_.emplace(lru_.front().client, lru_.begin()).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second); // list iterators (and the key's storage) stay valid
  }
  bucket& b = *it->second;
  const timestamp_ns tat = std::max(b.tat, now);
  if (tat - now > tolerance_) return false;
  b.tat = tat + interval_;
  return true;
}

duration_ns rate_limiter::retry_after(std::string_view client, timestamp_ns now) const {
  const auto it = index_.find(client);
  if (it == index_.end()) return 0;
  const duration_ns wait = std::max(it->second->tat, now) - now - tolerance_;
  return wait > 0 ? wait : 0;
}

} // namespace cs::api
