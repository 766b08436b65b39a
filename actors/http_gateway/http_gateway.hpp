#pragma once
// The HTTP gateway (docs/api.md): cpp-httplib worker threads turn read requests into typed
// requests to the directory, the candle actors and the cache (series_reader), each with a
// timeout, and answer JSON. Routes: /api/v1/candles, /api/v1/candles/live, /api/v1/history (the
// replaced service's API), /api/v1/symbols, /udf/* (TradingView UDF), /openapi.yaml.
// Every parameter is validated (400 naming the valid values), an unknown symbol is 404, a client
// over its token bucket 429, a dependency that fails or times out 503, any other failure 500:
// always {"error":{"code","message"}}. Thread-safety: install() once before the server listens;
// the handlers run concurrently on the server's threads (the rate limiter has its own lock).
#include <caf/actor_system.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "actors/http_gateway/query_params.hpp"
#include "actors/http_gateway/series_reader.hpp"
#include "actors/http_gateway/token_bucket.hpp"

namespace httplib {
class Server;
}

namespace cs::runtime::metrics {
class registry;
}

namespace cs::gateway {

// The values of config keys carry no defaults here: their one declaration is
// runtime/config/keys.hpp, and the node (apps/candle-node/main.cpp) sets each from its key.
struct gateway_settings {
  std::vector<interval> stored; // the intervals the nodes aggregate (candle.intervals)
  api::limit_policy limits;     // http.default-limit, http.max-limit
  std::chrono::nanoseconds timeout{0}; // set by the node from http.request-timeout
  double rate_per_second = 0;          // set by the node from http.rate-limit
  double rate_burst = 0;               // set by the node from http.rate-burst
  std::size_t max_body = 0;            // set by the node from http.max-body
  std::size_t answer_cache_bytes = 0;  // answer_cache.hpp; 0: off; set by the node from cache.answer-max-bytes
  runtime::metrics::registry* metrics = nullptr; // requests by route and status, latency histogram
  duration_ns answer_cache_ttl = 0;    // set by the node from cache.l1-ttl
};

// Counters of the gateway, for /debug/stats.
struct gateway_counters {
  std::uint64_t requests = 0, bad_requests = 0, not_found = 0, rate_limited = 0, unavailable = 0, failed = 0;
  std::uint64_t answer_hits = 0, answer_misses = 0, answer_bytes = 0, answer_entries = 0;
};

class http_gateway {
public:
  http_gateway(caf::actor_system& sys, directory_hdl directory, cache_hdl cache, gateway_settings settings);
  ~http_gateway();
  http_gateway(const http_gateway&) = delete;
  http_gateway& operator=(const http_gateway&) = delete;

  // Registers the routes, the rate limit, the JSON error and exception handlers and the limits of
  // the server (threads, body size, timeouts are the caller's to set before listen()).
  void install(httplib::Server& server);
  gateway_counters counters() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// The OpenAPI description the node serves at /openapi.yaml (docs/openapi.yaml, embedded at build
// time).
extern const char* const openapi_yaml;
// The chart page served at / (http_gateway/web/index.html) and the lightweight-charts bundle it
// loads from /static/lightweight-charts.js, both embedded at build time.
extern const char* const chart_html;
extern const char* const chart_library;

} // namespace cs::gateway
