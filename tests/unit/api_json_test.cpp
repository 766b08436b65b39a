#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "actors/http_gateway/api_json.hpp"
#include "messages/candle_json.hpp"

using namespace cs;
using namespace cs::api;
using nlohmann::json;

namespace {

constexpr timestamp_ns nov25_noon = 1'732'536'000 * ns_per_s;
const interval iv_1m = interval::fixed(ns_per_min);

candle make_candle(timestamp_ns open, double o, double h, double l, double c, std::uint64_t volume) {
  candle k;
  k.symbol = "BTCUSD";
  k.iv = iv_1m;
  k.open_time = open;
  k.close_time = open + ns_per_min;
  k.bar.open = o;
  k.bar.high = h;
  k.bar.low = l;
  k.bar.close = c;
  k.bar.volume = volume;
  k.bar.bid_size = size_sum::of(1234567890123456789ull); // 12345678901.23456789: no double holds it
  k.bar.first = {open + 1, 10};
  k.bar.last = {open + 2, 11};
  k.closed = true;
  return k;
}

filled_bar real(candle c) { return {std::move(c), false, true}; }

filled_bar gap(timestamp_ns open, double prev_close, bool with_prices) {
  filled_bar f;
  f.filled = true;
  f.has_prices = with_prices;
  f.c.symbol = "BTCUSD";
  f.c.iv = iv_1m;
  f.c.open_time = open;
  f.c.close_time = open + ns_per_min;
  f.c.closed = true;
  if (with_prices) f.c.bar.open = f.c.bar.high = f.c.bar.low = f.c.bar.close = prev_close;
  return f;
}

// Finite doubles from random bit patterns: every exponent, subnormals included.
double random_double(std::mt19937_64& rng) {
  for (;;) {
    const double d = std::bit_cast<double>(rng());
    if (std::isfinite(d)) return d;
  }
}

} // namespace

TEST_CASE("encode_error has the error shape and survives invalid UTF-8", "[api][api_json]") {
  const json j = json::parse(encode_error("bad_parameter", "invalid parameter 'from' = '\"x\"'"));
  CHECK(j == json{{"error", {{"code", "bad_parameter"}, {"message", "invalid parameter 'from' = '\"x\"'"}}}});
  CHECK(json::parse(encode_error(api_error{"missing_parameter", "m"}))["error"]["code"] == "missing_parameter");
  std::string body;
  REQUIRE_NOTHROW(body = encode_error("bad_parameter", "bytes \xff\xfe here"));
  CHECK_NOTHROW(json::parse(body));
}

TEST_CASE("native candle list splices the candle encoding and encodes filled bars", "[api][api_json]") {
  const candle a = make_candle(nov25_noon, 0.1, 0.30000000000000004, 0.1, 0.2, 3);
  const candle b = make_candle(nov25_noon + 3 * ns_per_min, 50000.2, 50001, 49999.5, 50000.7, 42);
  const std::vector<filled_bar> bars = {real(a), gap(nov25_noon + ns_per_min, 0.2, true),
                                        gap(nov25_noon + 2 * ns_per_min, 0, false), real(b)};
  const std::string body = encode_candle_list("BTCUSD", iv_1m, bars, std::string("/api/v1/candles?symbol=BTCUSD&interval=1m&from=1732536240000"));
  INFO(body);
  CHECK(body.rfind(R"({"symbol":"BTCUSD","interval":"1m","candles":[{)", 0) == 0);
  // Real candles are byte for byte the project's candle encoding (exact sizes included).
  CHECK(body.find(to_json(a)) != std::string::npos);
  CHECK(body.find(to_json(b)) != std::string::npos);

  const json j = json::parse(body);
  CHECK(j["next"] == "/api/v1/candles?symbol=BTCUSD&interval=1m&from=1732536240000");
  REQUIRE(j["candles"].size() == 4);
  CHECK(j["candles"][0]["high"].get<double>() == 0.30000000000000004);
  CHECK_FALSE(j["candles"][0].contains("filled"));

  const json& prev = j["candles"][1];
  CHECK(prev["filled"] == true);
  CHECK(prev["closed"] == true);
  CHECK(prev["symbol"] == "BTCUSD");
  CHECK(prev["interval"] == "1m");
  CHECK(prev["openTime"] == 1'732'536'060'000);
  CHECK(prev["closeTime"] == 1'732'536'120'000);
  CHECK(prev["openTimeNs"] == nov25_noon + ns_per_min);
  for (const char* k : {"open", "high", "low", "close"}) CHECK(prev[k].get<double>() == 0.2);
  CHECK(prev["volume"] == 0);

  const json& null_bar = j["candles"][2];
  CHECK(null_bar["filled"] == true);
  for (const char* k : {"open", "high", "low", "close"}) CHECK(null_bar[k].is_null());
  CHECK(null_bar["volume"] == 0);

  const json empty = json::parse(encode_candle_list("ETH-USD", interval::month(), std::vector<filled_bar>{}, std::nullopt));
  CHECK(empty == json{{"symbol", "ETH-USD"}, {"interval", "1M"}, {"candles", json::array()}, {"next", nullptr}});
}

TEST_CASE("spliced candle bytes give the same answer as encoding the bars", "[api][api_json]") {
  encoded_candles cs_;
  std::vector<filled_bar> bars;
  for (int i = 0; i < 3; ++i) {
    candle c;
    c.symbol = std::string("BTC") + "USD";
    c.iv = interval::fixed(ns_per_min);
    c.open_time = i * ns_per_min;
    c.close_time = c.open_time + ns_per_min;
    c.bar = ohlcv::of_event(100.25 + i, 7, 9, {c.open_time + 5, i});
    c.closed = true;
    cs_.push_back(c);
    bars.push_back({c, false, true});
  }
  const std::optional<std::string> next = "/api/v1/candles?symbol=BTCUSD&interval=1m&from=180000";
  CHECK(encode_candle_list("BTCUSD", interval::fixed(ns_per_min), cs_, next) ==
        encode_candle_list("BTCUSD", interval::fixed(ns_per_min), bars, next));
  CHECK(encode_candle_list("BTCUSD", interval::fixed(ns_per_min), encoded_candles{}, std::nullopt) ==
        encode_candle_list("BTCUSD", interval::fixed(ns_per_min), std::vector<filled_bar>{}, std::nullopt));
}

TEST_CASE("history answers in the seed shape", "[api][api_json]") {
  const candle a = make_candle(nov25_noon, 1.5, 2.25, 1.125, 2, 7);
  const candle b = make_candle(nov25_noon + 3 * ns_per_min, 3, 4, 0.5, 1, 9);
  SECTION("ok with null and prev fill") {
    const std::vector<filled_bar> bars = {real(a), gap(nov25_noon + ns_per_min, 0, false),
                                          gap(nov25_noon + 2 * ns_per_min, 2, true), real(b)};
    const json j = json::parse(encode_history(bars, nov25_noon));
    CHECK(j == json::parse(R"({"s":"ok",
      "t":[1732536000,1732536060,1732536120,1732536180],
      "o":[1.5,null,2,3],"h":[2.25,null,2,4],"l":[1.125,null,2,0.5],"c":[2,null,2,1],
      "v":[7,0,0,9]})"));
  }
  SECTION("no data") {
    CHECK(json::parse(encode_history({})) == json{{"s", "no_data"}});
    CHECK(json::parse(encode_history({}, nov25_noon + 999 * ns_per_ms)) ==
          json{{"s", "no_data"}, {"nextTime", 1'732'536'000}});
    CHECK(json::parse(encode_history({}, -1))["nextTime"] == -1); // floored, not truncated
  }
}

TEST_CASE("prices round-trip exactly through every encoder", "[api][api_json]") {
  std::mt19937_64 rng(20241125);
  std::vector<filled_bar> bars;
  std::vector<double> prices;
  for (int i = 0; i < 3000; ++i) {
    const double p = random_double(rng);
    prices.push_back(p);
    if (i % 3 == 2) bars.push_back(gap(nov25_noon + i * ns_per_min, p, true)); // nlohmann writes these
    else bars.push_back(real(make_candle(nov25_noon + i * ns_per_min, p, p, p, p, 1)));
  }
  const json list = json::parse(encode_candle_list("BTCUSD", iv_1m, bars, std::nullopt));
  const json hist = json::parse(encode_history(bars));
  for (std::size_t i = 0; i < prices.size(); ++i) {
    CAPTURE(i, prices[i]);
    for (const char* k : {"open", "high", "low", "close"}) {
      const double back = list["candles"][i][k].get<double>();
      CHECK((back == prices[i] && std::signbit(back) == std::signbit(prices[i])));
    }
    for (const char* k : {"o", "h", "l", "c"}) CHECK(hist[k][i].get<double>() == prices[i]);
  }
  for (double p : {0.1, 1e-8, 5e-324, 1.7976931348623157e308, 123456.789012345, 18446744073709551616.0, 1e21}) {
    CAPTURE(p);
    const json one = json::parse(encode_history({real(make_candle(0, p, p, p, p, 1))}));
    CHECK(one["c"][0].get<double>() == p);
    const json two = json::parse(encode_candle_list("A", iv_1m, {real(make_candle(0, p, p, p, p, 1))}, std::nullopt));
    CHECK(two["candles"][0]["close"].get<double>() == p);
  }
}

TEST_CASE("UDF config lists servable resolutions", "[api][api_json]") {
  const std::vector<interval> supported = {interval::month(), interval::fixed(ns_per_day), interval::fixed(ns_per_s),
                                           iv_1m, interval::week(), interval::fixed(4 * ns_per_hour),
                                           interval::fixed(ns_per_hour), iv_1m};
  const json j = json::parse(encode_udf_config(supported));
  CHECK(j == json::parse(R"({
    "supported_resolutions":["1S","1","60","240","1D","1W","1M"],
    "supports_search":true,"supports_group_request":false,"supports_marks":false,
    "supports_timescale_marks":false,"supports_time":true,
    "exchanges":[{"value":"","name":"All","desc":""}],
    "symbols_types":[{"name":"All types","value":""}]})"));
}

TEST_CASE("UDF symbol info describes the symbol and its resolutions", "[api][api_json]") {
  udf_symbol_info info;
  info.symbol = "BTCUSD";
  info.pricescale = 100000000;
  info.supported = {interval::fixed(ns_per_s), interval::fixed(5 * ns_per_s), iv_1m, interval::fixed(15 * ns_per_min),
                    interval::fixed(ns_per_hour), interval::fixed(ns_per_day), interval::week(), interval::month()};
  const json j = json::parse(encode_udf_symbol_info(info));
  CHECK(j == json::parse(R"({
    "name":"BTCUSD","ticker":"BTCUSD","description":"BTCUSD","type":"crypto","session":"24x7",
    "timezone":"Etc/UTC","exchange":"candlestream","listed_exchange":"candlestream","format":"price",
    "minmov":1,"pricescale":100000000,"has_intraday":true,"has_seconds":true,
    "seconds_multipliers":["1","5"],"intraday_multipliers":["1","15","60"],"has_daily":true,
    "daily_multipliers":["1"],"has_weekly_and_monthly":true,
    "supported_resolutions":["1S","5S","1","15","60","1D","1W","1M"],
    "volume_precision":0,"data_status":"streaming"})"));

  info.description = "Bitcoin / US dollar";
  info.supported = {iv_1m};
  const json k = json::parse(encode_udf_symbol_info(info));
  CHECK(k["description"] == "Bitcoin / US dollar");
  CHECK(k["has_seconds"] == false);
  CHECK(k["seconds_multipliers"] == json::array());
  CHECK(k["has_daily"] == false);
  CHECK(k["has_weekly_and_monthly"] == false);
}

TEST_CASE("UDF search results", "[api][api_json]") {
  CHECK(json::parse(encode_udf_search({})) == json::array());
  CHECK(json::parse(encode_udf_search({"BTCUSD", "ETHUSD"})) == json::parse(R"([
    {"symbol":"BTCUSD","full_name":"BTCUSD","description":"BTCUSD","exchange":"candlestream","ticker":"BTCUSD","type":"crypto"},
    {"symbol":"ETHUSD","full_name":"ETHUSD","description":"ETHUSD","exchange":"candlestream","ticker":"ETHUSD","type":"crypto"}])"));
}

TEST_CASE("symbols list groups the stored series by symbol", "[api][api_json]") {
  const std::vector<series_info> series = {
    {"ETHUSD", interval::fixed(ns_per_hour), nov25_noon, nov25_noon + ns_per_hour},
    {"BTCUSD", interval::fixed(ns_per_day), nov25_noon - 12 * ns_per_hour, nov25_noon + 12 * ns_per_hour},
    {"BTCUSD", iv_1m, -ns_per_min, nov25_noon},
  };
  CHECK(json::parse(encode_symbol_list(series)) == json::parse(R"({"symbols":[
    {"symbol":"BTCUSD","intervals":[{"interval":"1m","first":-60000,"last":1732536000000},
                                    {"interval":"1d","first":1732492800000,"last":1732579200000}]},
    {"symbol":"ETHUSD","intervals":[{"interval":"1h","first":1732536000000,"last":1732539600000}]}]})"));
  CHECK(json::parse(encode_symbol_list({})) == json{{"symbols", json::array()}});
}
