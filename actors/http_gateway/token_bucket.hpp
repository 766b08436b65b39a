#pragma once
// Per-client token buckets for HTTP 429: each client may make `burst` requests at once and then
// `per_second` requests per second. A bucket is kept as its theoretical arrival time (GCRA, the
// same limiter in integer nanoseconds), so decisions and Retry-After values are exact.
// Memory is bounded: beyond max_clients the least recently seen client is forgotten (it comes
// back with a full bucket, which errs toward serving).
// Time is passed in, so tests are deterministic; a clock going backwards refills nothing.
// Thread-safety: none; a rate_limiter is a plain value owned by one thread (or actor).
// Failure semantics: nothing fails; only std::bad_alloc can escape. Settings are clamped:
// per_second <= 0 or NaN disables limiting (every request passes, no client is remembered);
// burst below 1 counts as 1; max_clients 0 counts as 1; rates below one request per 10^6 s
// count as that rate.
#include <cstddef>
#include <functional>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

#include "messages/time.hpp"

namespace cs::api {

class rate_limiter {
public:
  rate_limiter(double per_second, double burst, std::size_t max_clients);
  // Not copyable: the index holds views of the list's strings. Moves keep the nodes.
  rate_limiter(const rate_limiter&) = delete;
  rate_limiter& operator=(const rate_limiter&) = delete;
  rate_limiter(rate_limiter&&) = default;
  rate_limiter& operator=(rate_limiter&&) = default;

  // Takes one token of `client` (e.g. the remote address); false means answer 429.
  bool allow(std::string_view client, timestamp_ns now);
  // How long until `client` has a token again (0 if it has one now), for Retry-After.
  duration_ns retry_after(std::string_view client, timestamp_ns now) const;
  // Clients currently remembered (at most max_clients).
  std::size_t size() const { return index_.size(); }

private:
  struct bucket {
    std::string client;
    timestamp_ns tat = 0; // when the bucket is full again; one token is `interval_` of it
  };
  struct hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using lru_list = std::list<bucket>; // most recently seen first

  bool enabled_;
  duration_ns interval_;  // time per token
  duration_ns tolerance_; // (burst - 1) tokens' worth of time: how far tat may run ahead of now
  std::size_t max_clients_;
  lru_list lru_;
  std::unordered_map<std::string_view, lru_list::iterator, hash, std::equal_to<>> index_; // keys view lru_ nodes
};

} // namespace cs::api
