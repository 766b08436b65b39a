#include "actors/http_gateway/http_gateway.hpp"

#include <caf/all.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cmath>
#include <set>

#include "actors/cluster/key_owner.hpp"
#include "actors/http_gateway/answer_cache.hpp"
#include "actors/http_gateway/api_json.hpp"
#include "actors/http_gateway/rollup.hpp"
#include "messages/candle_json.hpp"
#include "runtime/log/log.hpp"
#include "runtime/metrics/registry.hpp"

namespace cs::gateway {
namespace {

constexpr std::string_view component = "http_gateway";
constexpr const char* json_type = "application/json";
// Source candles one rolled-up answer may read (e.g. 1w from 1m is 10,080 per bar).
constexpr std::int64_t max_source_candles = 200'000;
// Resolutions offered to TradingView, where the stored intervals can serve them.
const std::vector<std::string_view> udf_candidates = {"1s", "5s", "15s", "30s", "1m", "3m", "5m", "15m", "30m",
                                                      "1h", "2h", "4h", "6h", "12h", "1d", "1w", "1M"};

api::query_map params_of(const httplib::Request& req) { return {req.params.begin(), req.params.end()}; }

// Source buckets per wanted bucket (a month counts as 31 days): bounds the source read.
std::int64_t fan_in(interval wanted, interval source) {
  return std::max<std::int64_t>(1, wanted.nominal_length() / std::max<duration_ns>(1, source.nominal_length()));
}

std::string ms_text(timestamp_ns t) { return std::to_string(floor_div(t, ns_per_ms)); }

// 10^decimals that the prices of the newest candle need (at most 10^8), for UDF pricescale.
std::int64_t price_scale(const std::vector<candle>& recent) {
  std::int64_t scale = 100;
  for (const auto& c : recent)
    for (double p : {c.bar.open, c.bar.high, c.bar.low, c.bar.close}) {
      std::int64_t s = 1;
      int d = 0;
      while (d < 8 && std::fabs(p * static_cast<double>(s) - std::round(p * static_cast<double>(s))) > 1e-6) {
        s *= 10;
        ++d;
      }
      scale = std::max(scale, s);
    }
  return scale;
}

struct http_error {
  int status = 500;
  std::string code;
  std::string message;
};

} // namespace

// Each request makes its own scoped_actor. In CAF 0.17 a request's timeout is delivered as a
// message even when the reply came in time, and a blocking actor only ever dequeues the reply it
// waits for: one long-lived scoped_actor per HTTP thread collected a stale timeout per request and
// got slower with every one (measured with candle-bench http: a third of the rate within 30 s).
struct http_gateway::impl {
  caf::actor_system& sys;
  series_reader reader;
  cache_hdl cache;
  gateway_settings settings;
  std::mutex limiter_mutex;
  api::rate_limiter limiter;
  answer_cache answers;
  std::atomic<std::uint64_t> requests{0}, bad_requests{0}, not_found{0}, rate_limited{0}, unavailable{0}, failed{0};

  impl(caf::actor_system& s, directory_hdl directory, cache_hdl c, gateway_settings st)
    : sys(s), reader(directory, c, st.timeout), cache(std::move(c)), settings(std::move(st)),
      limiter(settings.rate_per_second, settings.rate_burst, 100'000),
      answers(settings.answer_cache_bytes, settings.answer_cache_ttl) {}

  // An answer that can never change, already encoded: served as it is.
  bool answered_before(const httplib::Request& req, httplib::Response& res) {
    auto hit = answers.get(req.target, wall_clock_now());
    if (!hit) return false;
    res.set_content(*hit, json_type);
    return true;
  }

  void answer(const httplib::Request& req, httplib::Response& res, std::string body, bool immutable) {
    if (immutable) answers.put(req.target, body, wall_clock_now());
    res.set_content(std::move(body), json_type);
  }

  void send_error(httplib::Response& res, int status, std::string_view code, std::string_view message) {
    res.status = status;
    if (status == 400) ++bad_requests;
    else if (status == 404) ++not_found;
    else if (status == 429) ++rate_limited;
    else if (status == 503) ++unavailable;
    else if (status >= 500) ++failed;
    res.set_content(api::encode_error(code, message), json_type);
  }
  void send_error(httplib::Response& res, const api::api_error& e) { send_error(res, 400, e.code, e.message); }
  void send_error(httplib::Response& res, const http_error& e) { send_error(res, e.status, e.code, e.message); }

  // Candles of `wanted` for [from, to): read from its stored source interval, rolled up if need be.
  struct bars_result {
    encoded_candles candles;
    bool truncated = false;
    bool known = false;
    bool immutable = false;
    std::optional<http_error> error;
  };

  bars_result read_bars(caf::scoped_actor& self, const std::string& symbol, interval wanted, interval source,
                        timestamp_ns from, timestamp_ns to, std::int64_t limit, bool newest) {
    bars_result out;
    series_query q{{symbol, source}, from, to, limit, newest};
    const bool rolled = !(source == wanted);
    if (rolled) {
      const auto r = api::source_range(wanted, from, to);
      q.from = r.from;
      q.to = r.to;
      q.limit = std::min(max_source_candles, limit * fan_in(wanted, source) + 1);
    }
    auto a = reader.read(self, q);
    if (a.status != 200) {
      out.error = http_error{a.status, a.error_code, a.error};
      return out;
    }
    out.known = a.known;
    out.immutable = a.immutable;
    if (!rolled) {
      out.candles = std::move(a.candles);
      out.truncated = a.truncated;
      return out;
    }
    auto bars = api::roll_up(a.candles.items(), wanted, a.frontier);
    // A source read cut by its limit may have cut a wanted bucket in half: drop that bar.
    if (a.truncated && !bars.empty()) {
      if (newest) bars.erase(bars.begin());
      else bars.pop_back();
    }
    out.truncated = a.truncated || static_cast<std::int64_t>(bars.size()) > limit;
    if (static_cast<std::int64_t>(bars.size()) > limit) {
      if (newest) bars.erase(bars.begin(), bars.end() - limit);
      else bars.resize(static_cast<std::size_t>(limit));
    }
    out.candles.reserve(bars.size());
    for (const auto& c : bars) out.candles.push_back(c);
    return out;
  }

  // The stored interval to read for `wanted`, or a 400.
  api::api_result<interval> source_of(interval wanted) { return api::plan_source(wanted, settings.stored); }

  std::vector<interval> servable() {
    std::vector<interval> candidates;
    for (auto text : udf_candidates)
      if (auto iv = parse_interval(text); iv.ok) candidates.push_back(iv.value);
    for (const auto& s : settings.stored) candidates.push_back(s);
    return api::servable_intervals(candidates, settings.stored);
  }

  // --- GET /api/v1/candles ----------------------------------------------------------------
  void candles(const httplib::Request& req, httplib::Response& res) {
    if (answered_before(req, res)) return;
    auto q = api::parse_candles_query(params_of(req), settings.limits);
    if (!q.ok) return send_error(res, q.error);
    auto source = source_of(q.value.iv);
    if (!source.ok) return send_error(res, source.error);
    const auto& v = q.value;
    const bool newest = !v.from.has_value();
    const auto from = v.from.value_or(api::api_time_min);
    const auto to = v.to.value_or(api::api_time_max);
    if (from >= to) return send_error(res, 400, api::code_bad_parameter, "from must be before to");
    caf::scoped_actor self{sys};
    auto bars = read_bars(self, v.symbol, v.iv, source.value, from, to, v.limit, newest);
    if (bars.error) return send_error(res, *bars.error);
    if (!bars.known) return send_error(res, 404, "unknown_symbol", "no candles of " + v.symbol + " at " + v.iv.to_string());
    std::optional<std::string> next;
    if (bars.truncated && !bars.candles.empty()) {
      // Oldest-first pages continue after the last bar; newest-first pages (no from) go back in time.
      std::string url = "/api/v1/candles?symbol=" + httplib::detail::encode_query_param(v.symbol) + "&interval=" + v.iv.to_string();
      if (newest) url += "&to=" + ms_text(bars.candles.front().open_time);
      else url += "&from=" + ms_text(bars.candles.back().close_time) + (v.to ? "&to=" + ms_text(*v.to) : "");
      url += "&limit=" + std::to_string(v.limit);
      if (v.fill == api::fill_mode::null) url += "&fill=null";
      if (v.fill == api::fill_mode::prev) url += "&fill=prev";
      next = std::move(url);
    }
    if (v.fill == api::fill_mode::none) // real candles only: splice their bytes
      return answer(req, res, api::encode_candle_list(v.symbol, v.iv, bars.candles, next), bars.immutable);
    auto filled = api::apply_fill(bars.candles.items(), v.iv, from, to, v.fill,
                                  static_cast<std::size_t>(settings.limits.max_limit) * 4);
    if (!filled.ok) return send_error(res, filled.error);
    answer(req, res, api::encode_candle_list(v.symbol, v.iv, filled.value, next), bars.immutable);
  }

  // --- GET /api/v1/history and /udf/history (same answer shape) -----------------------------
  void history(const httplib::Request& req, httplib::Response& res, bool udf) {
    if (answered_before(req, res)) return;
    auto q = udf ? api::parse_udf_history_query(params_of(req), settings.limits)
                 : api::parse_history_query(params_of(req), settings.limits);
    if (!q.ok) return send_error(res, q.error);
    const auto& v = q.value;
    auto source = source_of(v.iv);
    if (!source.ok) return send_error(res, source.error);
    // from and to are inclusive bar times in seconds; countback (the newest N up to `to`) wins.
    const auto to = v.to + 1;
    const bool newest = v.countback.has_value();
    const auto limit = v.countback.value_or(settings.limits.max_limit);
    const auto from = newest ? api::api_time_min : v.from;
    if (from >= to) return send_error(res, 400, api::code_bad_parameter, "from must not be after to");
    caf::scoped_actor self{sys};
    auto bars = read_bars(self, v.symbol, v.iv, source.value, from, to, limit, newest);
    if (bars.error) return send_error(res, *bars.error);
    if (!bars.known) return send_error(res, 404, "unknown_symbol", "no candles of " + v.symbol + " at " + v.iv.to_string());
    std::optional<timestamp_ns> next_time;
    if (bars.candles.empty()) {
      // no_data: say where older data is, so that a chart scrolls there instead of giving up.
      auto older = read_bars(self, v.symbol, v.iv, source.value, api::api_time_min, from, 1, true);
      if (older.error) return send_error(res, *older.error);
      if (!older.candles.empty()) next_time = older.candles.back().open_time;
    }
    auto filled = api::apply_fill(bars.candles.items(), v.iv, from, to, v.fill,
                                  static_cast<std::size_t>(settings.limits.max_limit) * 4);
    if (!filled.ok) return send_error(res, filled.error);
    answer(req, res, api::encode_history(filled.value, next_time), bars.immutable);
  }

  // --- GET /api/v1/candles/live --------------------------------------------------------------
  // A required parameter given once, or the 400 already sent.
  std::optional<std::string_view> required(const api::query_map& q, std::string_view name, httplib::Response& res) {
    auto v = api::single_param(q, name);
    if (!v.ok) return send_error(res, v.error), std::nullopt;
    if (!v.value) return send_error(res, 400, api::code_missing_parameter, std::string("missing parameter '").append(name).append("'")), std::nullopt;
    return v.value;
  }

  // An optional parameter given at most once ("" when absent), or the 400 already sent.
  std::optional<std::string_view> optional(const api::query_map& q, std::string_view name, httplib::Response& res) {
    auto v = api::single_param(q, name);
    if (!v.ok) return send_error(res, v.error), std::nullopt;
    return v.value.value_or(std::string_view());
  }

  void live(const httplib::Request& req, httplib::Response& res) {
    const auto q = params_of(req);
    const auto symbol_text = required(q, "symbol", res);
    if (!symbol_text) return;
    const auto interval_text = required(q, "interval", res);
    if (!interval_text) return;
    auto symbol = api::parse_symbol(*symbol_text);
    if (!symbol.ok) return send_error(res, symbol.error);
    auto iv = api::parse_interval_param(*interval_text);
    if (!iv.ok) return send_error(res, iv.error);
    caf::scoped_actor self{sys};
    const candle_key key{symbol.value, iv.value};
    auto owners = reader.owner(self, key);
    if (owners.empty()) {
      // No node answered for it: an unknown key (404), unless the node that reads its partition
      // cannot answer now (503, naming it).
      const auto owner = reader.where(self, key);
      const auto what = "no live candle actor for " + symbol.value + " at " + iv.value.to_string();
      switch (owner.state) {
        case owner_state::not_answering:
        case owner_state::down:
        case owner_state::moving: return send_error(res, 503, "owner_unavailable", what + ": " + describe_owner(owner));
        case owner_state::serving: return send_error(res, 404, "unknown_symbol", what + " (" + describe_owner(owner) + ")");
        case owner_state::unknown: break;
      }
      return send_error(res, 404, "unknown_symbol", what + " on this node");
    }
    std::string body = "[";
    bool ok = false;
    caf::error failed;
    self->request(owners.front(), settings.timeout, live_atom::value)
      .receive(
        [&](std::vector<candle>& live) {
          ok = true;
          for (std::size_t i = 0; i < live.size(); ++i) {
            if (i) body += ",";
            append_candle_json(body, live[i]);
          }
        },
        [&](caf::error& e) { failed = e; });
    if (!ok) return send_error(res, 503, "actor_unavailable", caf::to_string(failed));
    res.set_content(body + "]", json_type);
  }

  // --- GET /api/v1/symbols, /udf/search --------------------------------------------------------
  std::optional<std::vector<series_info>> series(caf::scoped_actor& self, const std::string& prefix, std::int64_t limit,
                                                 httplib::Response& res) {
    std::optional<std::vector<series_info>> out;
    caf::error failed;
    self->request(cache, settings.timeout, series_atom::value, prefix, limit)
      .receive([&](std::vector<series_info>& v) { out = std::move(v); }, [&](caf::error& e) { failed = e; });
    if (!out) send_error(res, 503, "store_unavailable", "listing symbols failed: " + caf::to_string(failed));
    return out;
  }

  void symbols(const httplib::Request& req, httplib::Response& res) {
    const auto q = params_of(req);
    const auto prefix_text = optional(q, "prefix", res);
    if (!prefix_text) return;
    auto prefix = api::parse_symbol_prefix(*prefix_text);
    if (!prefix.ok) return send_error(res, prefix.error);
    auto limit_text = api::single_param(q, "limit");
    if (!limit_text.ok) return send_error(res, limit_text.error);
    auto limit = api::parse_limit(limit_text.value, settings.limits.max_limit, settings.limits.max_limit * 20);
    if (!limit.ok) return send_error(res, limit.error);
    caf::scoped_actor self{sys};
    auto s = series(self, prefix.value, limit.value, res);
    if (s) res.set_content(api::encode_symbol_list(*s), json_type);
  }

  void udf_search(const httplib::Request& req, httplib::Response& res) {
    const auto q = params_of(req);
    auto limit_text = api::single_param(q, "limit");
    if (!limit_text.ok) return send_error(res, limit_text.error);
    auto limit = api::parse_limit(limit_text.value, 30, 1000);
    if (!limit.ok) return send_error(res, limit.error);
    const auto query = optional(q, "query", res);
    if (!query) return;
    // Free text from a search box: what cannot start a symbol finds nothing.
    if (!api::parse_symbol_prefix(*query).ok) return res.set_content(api::encode_udf_search({}), json_type);
    caf::scoped_actor self{sys};
    // Several intervals per symbol: ask for enough rows to fill `limit` symbols.
    auto s = series(self, std::string(*query), limit.value * static_cast<std::int64_t>(settings.stored.size() + 1), res);
    if (!s) return;
    std::vector<std::string> symbols;
    for (const auto& x : *s)
      if ((symbols.empty() || symbols.back() != x.symbol) && static_cast<std::int64_t>(symbols.size()) < limit.value)
        symbols.push_back(x.symbol);
    res.set_content(api::encode_udf_search(symbols), json_type);
  }

  void udf_symbols(const httplib::Request& req, httplib::Response& res) {
    const auto q = params_of(req); // the views below point into it
    const auto symbol_text = required(q, "symbol", res);
    if (!symbol_text) return;
    auto symbol = api::parse_symbol(*symbol_text);
    if (!symbol.ok) return send_error(res, symbol.error);
    caf::scoped_actor self{sys};
    const auto finest = *std::min_element(settings.stored.begin(), settings.stored.end(),
                                          [](const interval& a, const interval& b) { return a.nominal_length() < b.nominal_length(); });
    auto recent = read_bars(self, symbol.value, finest, finest, api::api_time_min, api::api_time_max, 10, true);
    if (recent.error) return send_error(res, *recent.error);
    if (!recent.known) return send_error(res, 404, "unknown_symbol", "unknown symbol " + symbol.value);
    res.set_content(api::encode_udf_symbol_info({symbol.value, "", price_scale(recent.candles.items()), servable()}), json_type);
  }
};

http_gateway::http_gateway(caf::actor_system& sys, directory_hdl directory, cache_hdl cache, gateway_settings settings)
  : impl_(std::make_unique<impl>(sys, std::move(directory), std::move(cache), std::move(settings))) {}

http_gateway::~http_gateway() = default;

gateway_counters http_gateway::counters() const {
  const auto a = impl_->answers.counters();
  return {impl_->requests, impl_->bad_requests, impl_->not_found, impl_->rate_limited, impl_->unavailable, impl_->failed,
          a.hits, a.misses, a.bytes, a.entries};
}

namespace {

// The route label of a request: one of the served paths, or "other" (bounded label values).
std::string route_of(const std::string& path) {
  static const std::set<std::string> routes = {"/api/v1/candles", "/api/v1/candles/live", "/api/v1/history", "/api/v1/symbols",
                                               "/udf/config", "/udf/symbols", "/udf/search", "/udf/history", "/udf/time",
                                               "/openapi.yaml", "/health/live", "/health/ready", "/debug/stats", "/metrics",
                                               "/", "/static/lightweight-charts.js", "/ws"};
  return routes.count(path) ? path : "other";
}

// When the request being handled on this thread started (set before routing, read by the logger).
thread_local std::chrono::steady_clock::time_point request_started;

} // namespace

void http_gateway::install(httplib::Server& server) {
  auto* g = impl_.get();
  if (auto* m = g->settings.metrics) {
    m->declare("candlestream_http_requests_total", runtime::metrics::kind::counter, "HTTP requests answered, per route and status.",
               {"route", "status"});
    m->declare("candlestream_http_request_duration_seconds", runtime::metrics::kind::histogram,
               "Time from a parsed request to its answer, per route.", {"route"}, runtime::metrics::registry::latency_buckets());
    server.set_logger([m](const httplib::Request& req, const httplib::Response& res) {
      const auto route = route_of(req.path);
      m->counter_of("candlestream_http_requests_total", {route, std::to_string(res.status)}).inc();
      const std::chrono::duration<double> took = std::chrono::steady_clock::now() - request_started;
      m->histogram_of("candlestream_http_request_duration_seconds", {route}).observe(took.count());
    });
  }
  auto not_allowed = [g](const httplib::Request& req, httplib::Response& res) {
    res.set_header("Allow", "GET");
    g->send_error(res, 405, "method_not_allowed", req.method + " is not allowed on " + req.path + "; use GET");
  };
  server.set_payload_max_length(g->settings.max_body);
  server.set_pre_routing_handler([g](const httplib::Request& req, httplib::Response& res) {
    request_started = std::chrono::steady_clock::now();
    ++g->requests;
    duration_ns wait = 0;
    {
      std::lock_guard lock(g->limiter_mutex);
      const auto now = wall_clock_now();
      if (g->limiter.allow(req.remote_addr, now)) return httplib::Server::HandlerResponse::Unhandled;
      wait = g->limiter.retry_after(req.remote_addr, now);
    }
    if (wait > 0) res.set_header("Retry-After", std::to_string((wait + ns_per_s - 1) / ns_per_s));
    g->send_error(res, 429, "rate_limited", "too many requests from " + req.remote_addr + "; slow down");
    return httplib::Server::HandlerResponse::Handled;
  });
  // Paths and methods without a handler, oversized bodies, malformed requests: JSON errors too.
  server.set_error_handler([g](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    auto status = res.status;
    // cpp-httplib refuses methods it does not know (TRACE, CONNECT, ...) as malformed: to the
    // client they are methods this server does not allow.
    static const std::set<std::string> known = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
    if (status == 400 && !req.method.empty() && !known.count(req.method)) {
      res.set_header("Allow", "GET");
      status = 405;
    }
    if (status == 404) g->send_error(res, 404, "not_found", "no such endpoint: " + req.path + " (see /openapi.yaml)");
    else if (status == 413) g->send_error(res, 413, "too_large", "the request body is larger than http.max-body");
    else if (status == 414) g->send_error(res, 414, "uri_too_long", "the request URI is too long");
    else if (status == 405) g->send_error(res, 405, "method_not_allowed", req.method + " is not allowed on " + req.path);
    else if (status >= 400 && status < 500) g->send_error(res, status, "bad_request", "malformed request");
    else g->send_error(res, status, "internal", "the request failed");
    res.status = status;
  });
  server.set_exception_handler([g](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    runtime::log_error(component, req.method + " " + req.path + " failed: " + what);
    g->send_error(res, 500, "internal", "the request failed: " + what);
  });
  // Other methods on the API's paths: 405 naming the one allowed, not "no such endpoint".
  for (const char* path : {"/api/v1/candles", "/api/v1/candles/live", "/api/v1/history", "/api/v1/symbols", "/udf/config",
                           "/udf/symbols", "/udf/search", "/udf/history", "/udf/time", "/openapi.yaml", "/health/live",
                           "/health/ready", "/debug/stats", "/metrics"}) {
    server.Post(path, not_allowed);
    server.Put(path, not_allowed);
    server.Delete(path, not_allowed);
    server.Patch(path, not_allowed);
    server.Options(path, not_allowed);
  }
  server.Get("/api/v1/candles", [g](const httplib::Request& req, httplib::Response& res) { g->candles(req, res); });
  server.Get("/api/v1/candles/live", [g](const httplib::Request& req, httplib::Response& res) { g->live(req, res); });
  server.Get("/api/v1/history", [g](const httplib::Request& req, httplib::Response& res) { g->history(req, res, false); });
  server.Get("/api/v1/symbols", [g](const httplib::Request& req, httplib::Response& res) { g->symbols(req, res); });
  server.Get("/udf/history", [g](const httplib::Request& req, httplib::Response& res) { g->history(req, res, true); });
  server.Get("/udf/config", [g](const httplib::Request&, httplib::Response& res) {
    res.set_content(api::encode_udf_config(g->servable()), json_type);
  });
  server.Get("/udf/symbols", [g](const httplib::Request& req, httplib::Response& res) { g->udf_symbols(req, res); });
  server.Get("/udf/search", [g](const httplib::Request& req, httplib::Response& res) { g->udf_search(req, res); });
  server.Get("/udf/time", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::to_string(floor_div(wall_clock_now(), ns_per_s)), "text/plain");
  });
  server.Get("/openapi.yaml", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(openapi_yaml, "application/yaml");
  });
  server.Get("/", [](const httplib::Request&, httplib::Response& res) { res.set_content(chart_html, "text/html; charset=utf-8"); });
  server.Get("/static/lightweight-charts.js", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "public, max-age=86400");
    res.set_content(chart_library, "application/javascript");
  });
}

} // namespace cs::gateway
