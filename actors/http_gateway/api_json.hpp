#pragma once
// Response bodies of the HTTP read API (docs/api.md). Real candles are written by
// messages/candle_json.hpp, the project's one candle encoding, and spliced in; everything else is
// built with nlohmann::json, so strings are always escaped and prices round-trip exactly.
// Thread-safety: pure functions of their arguments; no shared state.
// Failure semantics: none; invalid UTF-8 in strings is replaced (U+FFFD), non-finite numbers
// become null; only std::bad_alloc can escape.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/http_gateway/query_params.hpp"
#include "actors/http_gateway/rollup.hpp"
#include "messages/encoded_candles.hpp"
#include "messages/series_info.hpp"

namespace cs::api {

// {"error":{"code":"...","message":"..."}}
std::string encode_error(std::string_view code, std::string_view message);
std::string encode_error(const api_error& e);

// One bar of the native API: a real candle exactly as append_candle_json writes it; a filled
// bar as {"symbol","interval","openTime","closeTime","open","high","low","close" (null for
// fill null, the previous close for fill prev),"volume":0,"bidSize":0,"askSize":0,"closed",
// "openTimeNs","closeTimeNs","filled":true}.
void append_bar_json(std::string& out, const filled_bar& bar);

// GET /api/v1/candles:
//   {"symbol":"S","interval":"1m","candles":[<bar>...],"next":"<relative URL>"|null}
// `next` is the caller's continuation URL, or nullopt for null.
std::string encode_candle_list(std::string_view symbol, interval iv, const std::vector<filled_bar>& bars,
                               const std::optional<std::string>& next);
// The same answer for real candles only, splicing their already encoded bytes (the fast path:
// final candles are encoded once, when they enter the cache).
std::string encode_candle_list(std::string_view symbol, interval iv, const encoded_candles& candles,
                               const std::optional<std::string>& next);

// GET /api/v1/history and /udf/history (the same shape):
//   {"s":"ok","t":[open time, epoch s],"o":[..],"h":[..],"l":[..],"c":[..],"v":[event count]}
// Filled bars: null prices for fill null, the previous close for fill prev; v 0 either way.
// With no bars: {"s":"no_data"}, plus "nextTime":<epoch s, floored> when next_time is given
// (the caller knows older data exists there).
std::string encode_history(const std::vector<filled_bar>& bars, std::optional<timestamp_ns> next_time = std::nullopt);

// GET /udf/config. `supported`: the servable intervals (rollup.hpp: servable_intervals); they are
// listed as UDF resolutions, shortest first, without duplicates.
std::string encode_udf_config(const std::vector<interval>& supported);

// GET /udf/symbols?symbol=S
struct udf_symbol_info {
  std::string symbol;
  std::string description;      // empty: the symbol
  std::int64_t pricescale = 100; // 10^decimals of the prices, derived by the caller
  std::vector<interval> supported;
};
std::string encode_udf_symbol_info(const udf_symbol_info& info);

// GET /udf/search: [{"symbol","full_name","description","exchange","ticker","type"}...].
// full_name and ticker are the bare symbol, so what TradingView sends back needs no stripping.
std::string encode_udf_search(const std::vector<std::string>& symbols);

// GET /api/v1/symbols:
//   {"symbols":[{"symbol":"S","intervals":[{"interval":"1m","first":ms,"last":ms}...]}...]}
// first/last are the open times of the oldest and newest stored bucket, epoch ms (floored).
// Grouped by symbol; symbols ascending, intervals shortest first.
std::string encode_symbol_list(const std::vector<series_info>& series);

} // namespace cs::api
