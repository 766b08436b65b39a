#pragma once
// Parsing and validation of the HTTP read API's query parameters (docs/api.md).
// Every failure names the parameter and lists its valid values, so that the gateway can answer
// it verbatim as HTTP 400 {"error":{"code":...,"message":...}} (api_json.hpp: encode_error).
// Thread-safety: pure functions of their arguments; no shared state.
// Failure semantics: errors are returned (api_result with ok == false), never thrown; only
// std::bad_alloc can escape.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "messages/interval.hpp"
#include "messages/time.hpp"

namespace cs::api {

// Error codes of the read API (the "code" of an error body).
inline constexpr std::string_view code_missing_parameter = "missing_parameter"; // 400
inline constexpr std::string_view code_bad_parameter = "bad_parameter";         // 400

struct api_error {
  std::string code;
  std::string message; // names the parameter and its valid values
  bool operator==(const api_error&) const = default;
};

template <class T>
struct api_result {
  bool ok = false;
  T value{};
  api_error error; // set when !ok

  static api_result success(T v) { return {true, std::move(v), {}}; }
  static api_result failure(std::string_view code, std::string message) {
    return {false, T{}, {std::string(code), std::move(message)}};
  }
  // Carries another result's error over (for composing parsers).
  template <class U>
  static api_result failure(const api_result<U>& other) { return {false, T{}, other.error}; }
};

// The decoded query string exactly as cpp-httplib hands it over (httplib::Params): a name may
// occur more than once, which the endpoint parsers reject. Unknown names are ignored (clients
// add cache busters such as "_=...").
using query_map = std::multimap<std::string, std::string>;

// Instants the API accepts: 1900-01-01T00:00:00Z through 2200-12-31T23:59:59.999999999Z.
// The bounds keep every derived bucket far from int64 overflow.
inline constexpr timestamp_ns api_time_min = -2'208'988'800 * ns_per_s;
inline constexpr timestamp_ns api_time_max = 7'289'654'400 * ns_per_s - 1;

// How empty buckets between real candles are answered (rollup.hpp: apply_fill).
enum class fill_mode : std::uint8_t {
  none = 0, // leave gaps out
  null = 1, // an empty bar without prices
  prev = 2, // an empty bar whose prices are the previous close
};

// --- single values. `name` is the parameter name the error message quotes. ----------------

// Epoch milliseconds (an integer, negative allowed) or ISO-8601: "2024-11-25" (midnight UTC),
// "2024-11-25T12:00", "2024-11-25T12:00:00", with ".f" up to 9 fraction digits, and a zone "Z",
// "+02:00", "+0200" or "+02" (none means UTC). A space where the zone's '+' belongs is read as
// '+': an unencoded '+' in a query string decodes to a space.
api_result<timestamp_ns> parse_api_time(std::string_view text, std::string_view name = "time");
// Integer epoch seconds (the seed-compatible history API and UDF), same range as above.
api_result<timestamp_ns> parse_epoch_seconds(std::string_view text, std::string_view name = "time");
// An integer in 1..max_limit; absent means default_limit.
api_result<std::int64_t> parse_limit(std::optional<std::string_view> text, std::int64_t default_limit,
                                     std::int64_t max_limit, std::string_view name = "limit");
// messages/symbol.hpp's rule; the value is returned unchanged (symbols are case-sensitive).
api_result<std::string> parse_symbol(std::string_view text, std::string_view name = "symbol");
// The native interval forms of messages/interval.hpp (aliases included).
api_result<interval> parse_interval_param(std::string_view text, std::string_view name = "interval");
// TradingView resolutions: "<N>S" (seconds), "<N>" (minutes), "<N>D"/"D", "1W"/"W" (calendar
// week), "1M"/"M" (calendar month). Other week/month multiples are not servable.
api_result<interval> parse_udf_resolution(std::string_view text, std::string_view name = "resolution");
// The inverse: "1S", "1", "60", "240", "1D", "1W", "1M". Empty for a fixed length that is not a
// whole number of seconds (no parsed interval has one).
std::string to_udf_resolution(interval iv);
// "none", "null" or "prev".
api_result<fill_mode> parse_fill(std::string_view text, std::string_view name = "fill");

// One parameter: absent (nullopt), its value, or code_bad_parameter when it was given twice.
api_result<std::optional<std::string_view>> single_param(const query_map& q, std::string_view name);
// The start of a symbol (search, listing): empty or up to 32 characters of the symbol alphabet.
api_result<std::string> parse_symbol_prefix(std::string_view text, std::string_view name = "prefix");

// --- endpoint queries ------------------------------------------------------------------------

// No defaults (and no default argument below): the node sets both from their config keys,
// declared once in runtime/config/keys.hpp.
struct limit_policy {
  std::int64_t default_limit = 0; // set by the node from http.default-limit
  std::int64_t max_limit = 0;     // set by the node from http.max-limit
};

// GET /api/v1/candles?symbol=S&interval=I[&from=T][&to=T][&limit=N][&fill=F]
// from/to: parse_api_time; the intended range is from <= open_time < to.
struct candles_query {
  std::string symbol;
  interval iv;
  std::optional<timestamp_ns> from;
  std::optional<timestamp_ns> to;
  std::int64_t limit = 0;
  fill_mode fill = fill_mode::none;
};
api_result<candles_query> parse_candles_query(const query_map& q, limit_policy limits);

// GET /api/v1/history?symbol=S&interval=I&from=secs&to=secs[&countback=N][&fill=F]  (seed API)
// GET /udf/history?symbol=S&resolution=R&from=secs&to=secs[&countback=N][&fill=F] (UDF)
// from and to are required. countback (TradingView: the newest N bars before `to`) is clamped to
// max_limit rather than rejected, because a chart cannot react to a 400 by asking for less.
struct history_query {
  std::string symbol;
  interval iv;
  timestamp_ns from = 0;
  timestamp_ns to = 0;
  std::optional<std::int64_t> countback;
  fill_mode fill = fill_mode::none;
};
api_result<history_query> parse_history_query(const query_map& q, limit_policy limits);
api_result<history_query> parse_udf_history_query(const query_map& q, limit_policy limits);

} // namespace cs::api
