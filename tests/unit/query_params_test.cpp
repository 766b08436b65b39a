#include <catch2/catch.hpp>

#include "actors/http_gateway/query_params.hpp"

using namespace cs;
using namespace cs::api;

namespace {
// Epoch seconds below were checked with `date -u -d ... +%s`.
constexpr timestamp_ns s(std::int64_t secs) { return secs * ns_per_s; }
constexpr timestamp_ns nov25_noon = s(1732536000); // 2024-11-25T12:00:00Z

timestamp_ns time_ok(std::string_view text) {
  auto r = parse_api_time(text, "from");
  INFO(r.error.message);
  REQUIRE(r.ok);
  return r.value;
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}
} // namespace

TEST_CASE("parse_api_time accepts epoch milliseconds", "[api][query_params]") {
  CHECK(time_ok("1732536000000") == nov25_noon);
  CHECK(time_ok("1732536000123") == nov25_noon + 123 * ns_per_ms);
  CHECK(time_ok("0") == 0);
  CHECK(time_ok("-1000") == -ns_per_s);
  CHECK(time_ok("-2208988800000") == api_time_min);
  CHECK(time_ok("7289654399999") == s(7289654399) + 999 * ns_per_ms);
}

TEST_CASE("parse_api_time accepts ISO-8601 in UTC and with offsets", "[api][query_params]") {
  CHECK(time_ok("2024-11-25T12:00:00Z") == nov25_noon);
  CHECK(time_ok("2024-11-25T12:00:00z") == nov25_noon);
  CHECK(time_ok("2024-11-25t12:00:00Z") == nov25_noon);
  CHECK(time_ok("2024-11-25T12:00:00") == nov25_noon); // no zone: UTC
  CHECK(time_ok("2024-11-25T12:00Z") == nov25_noon);
  CHECK(time_ok("2024-11-25T12:00:00.123Z") == nov25_noon + 123 * ns_per_ms);
  CHECK(time_ok("2024-11-25T12:00:00.5Z") == nov25_noon + 500 * ns_per_ms);
  CHECK(time_ok("2024-11-25T12:00:00.000000001Z") == nov25_noon + 1);
  CHECK(time_ok("2024-11-25T12:00:00+02:00") == nov25_noon - 2 * ns_per_hour);
  CHECK(time_ok("2024-11-25T12:00:00+0200") == nov25_noon - 2 * ns_per_hour);
  CHECK(time_ok("2024-11-25T12:00:00+02") == nov25_noon - 2 * ns_per_hour);
  CHECK(time_ok("2024-11-25T12:00:00-05:30") == nov25_noon + 5 * ns_per_hour + 30 * ns_per_min);
  CHECK(time_ok("2024-11-25T12:00:00.250+01:00") == nov25_noon - ns_per_hour + 250 * ns_per_ms);
  // An unencoded '+' in a query string arrives as a space.
  CHECK(time_ok("2024-11-25T12:00:00 02:00") == nov25_noon - 2 * ns_per_hour);
  CHECK(time_ok("2024-11-25") == s(1732492800));
  CHECK(time_ok("2024-02-29") == s(1709164800));
  CHECK(time_ok("1969-12-31T23:59:59Z") == -ns_per_s);
  CHECK(time_ok("1900-01-01") == api_time_min);
  CHECK(time_ok("2200-12-31T23:59:59.999999999Z") == api_time_max);
}

TEST_CASE("parse_api_time rejects junk and out-of-range times, naming the parameter", "[api][query_params]") {
  for (const char* bad :
       {"", "abc", "12abc", "+5", "1.5", "- 1", "2024-13-01", "2024-00-10", "2024-02-30", "2023-02-29", "2024-11-31",
        "2024-11-25T24:00:00Z", "2024-11-25T12:60:00Z", "2024-11-25T12:00:60Z", "2024-11-25T12Z", "2024-11-25T",
        "2024-11-25 12:00:00", "2024-11-25T12:00:00.Z", "2024-11-25T12:00:00.1234567890Z", "2024-11-25T12:00:00+2",
        "2024-11-25T12:00:00+02:0", "2024-11-25T12:00:00+24:00", "2024-11-25T12:00:00ZZ", "2024-11-25x", "24-11-25",
        "2024/11/25", "1899-12-31T23:59:59Z", "1900-01-01T00:00:00+00:01", "2201-01-01", "9999-12-31",
        "-2208988800001", "7289654400000", "99999999999999999999", "-99999999999999999999"}) {
    CAPTURE(bad);
    auto r = parse_api_time(bad, "from");
    CHECK_FALSE(r.ok);
    CHECK(r.error.code == "bad_parameter");
    CHECK(contains(r.error.message, "'from'"));
    CHECK(contains(r.error.message, "ISO-8601"));
  }
  // The echoed value is bounded and printable.
  auto r = parse_api_time(std::string(500, 'x') + "\x01\xff", "to");
  CHECK(r.error.message.size() < 400);
  CHECK_FALSE(contains(r.error.message, "\x01"));
}

TEST_CASE("parse_epoch_seconds converts whole seconds to nanoseconds", "[api][query_params]") {
  CHECK(parse_epoch_seconds("1732536000").value == nov25_noon);
  CHECK(parse_epoch_seconds("-1").value == -ns_per_s);
  CHECK(parse_epoch_seconds("-2208988800").value == api_time_min);
  CHECK(parse_epoch_seconds("7289654399").ok);
  for (const char* bad : {"", "1.5", "1e9", "x", "7289654400", "-2208988801", "99999999999999999999", "2024-11-25"}) {
    CAPTURE(bad);
    auto r = parse_epoch_seconds(bad, "to");
    CHECK_FALSE(r.ok);
    CHECK(r.error.code == "bad_parameter");
    CHECK(contains(r.error.message, "'to'"));
    CHECK(contains(r.error.message, "epoch seconds"));
  }
}

TEST_CASE("parse_limit takes 1..max with a default", "[api][query_params]") {
  CHECK(parse_limit(std::nullopt, 500, 5000).value == 500);
  CHECK(parse_limit("1", 500, 5000).value == 1);
  CHECK(parse_limit("5000", 500, 5000).value == 5000);
  for (const char* bad : {"0", "5001", "-1", "", "ten", "1.0", "99999999999999999999"}) {
    CAPTURE(bad);
    auto r = parse_limit(std::string_view(bad), 500, 5000);
    CHECK_FALSE(r.ok);
    CHECK(r.error.code == "bad_parameter");
    CHECK(contains(r.error.message, "'limit'"));
    CHECK(contains(r.error.message, "1 to 5000"));
  }
}

TEST_CASE("parse_symbol applies the symbol rule", "[api][query_params]") {
  CHECK(parse_symbol("BTCUSD").value == "BTCUSD");
  CHECK(parse_symbol("btc-usd.P:x/y_1").ok);
  for (const char* bad : {"", "BTC USD", "BTC\"", "ÄBC", "123456789012345678901234567890123"}) {
    CAPTURE(bad);
    auto r = parse_symbol(bad);
    CHECK_FALSE(r.ok);
    CHECK(contains(r.error.message, "'symbol'"));
    CHECK(contains(r.error.message, "[A-Za-z0-9._:/-]"));
  }
}

TEST_CASE("parse_interval_param uses the native forms", "[api][query_params]") {
  CHECK(parse_interval_param("1m").value == interval::fixed(ns_per_min));
  CHECK(parse_interval_param("m1").value == interval::fixed(ns_per_min));
  CHECK(parse_interval_param("M1").value == interval::month());
  auto r = parse_interval_param("7x");
  CHECK_FALSE(r.ok);
  CHECK(r.error.code == "bad_parameter");
  CHECK(contains(r.error.message, "'interval'"));
  CHECK(contains(r.error.message, "valid intervals"));
}

TEST_CASE("parse_udf_resolution maps TradingView resolutions", "[api][query_params]") {
  auto res = [](std::string_view t) {
    auto r = parse_udf_resolution(t);
    INFO(t << ": " << r.error.message);
    REQUIRE(r.ok);
    return r.value;
  };
  CHECK(res("1S") == interval::fixed(ns_per_s));
  CHECK(res("5S") == interval::fixed(5 * ns_per_s));
  CHECK(res("S") == interval::fixed(ns_per_s));
  CHECK(res("1") == interval::fixed(ns_per_min));
  CHECK(res("15") == interval::fixed(15 * ns_per_min));
  CHECK(res("60") == interval::fixed(ns_per_hour));
  CHECK(res("240") == interval::fixed(4 * ns_per_hour));
  CHECK(res("D") == interval::fixed(ns_per_day));
  CHECK(res("1D") == interval::fixed(ns_per_day));
  CHECK(res("3D") == interval::fixed(3 * ns_per_day));
  CHECK(res("W") == interval::week());
  CHECK(res("1W") == interval::week());
  CHECK(res("M") == interval::month());
  CHECK(res("1M") == interval::month());
  for (const char* bad : {"", "0", "0S", "2W", "3M", "12M", "1H", "1s", "1m", "d", "-1", "1.5", "367D", "527041",
                          "99999999999999999999S", " 1", "1T"}) {
    CAPTURE(bad);
    auto r = parse_udf_resolution(bad);
    CHECK_FALSE(r.ok);
    CHECK(r.error.code == "bad_parameter");
    CHECK(contains(r.error.message, "'resolution'"));
    CHECK(contains(r.error.message, "valid resolutions"));
  }
}

TEST_CASE("to_udf_resolution is the inverse of parse_udf_resolution", "[api][query_params]") {
  CHECK(to_udf_resolution(interval::fixed(ns_per_s)) == "1S");
  CHECK(to_udf_resolution(interval::fixed(90 * ns_per_s)) == "90S");
  CHECK(to_udf_resolution(interval::fixed(ns_per_min)) == "1");
  CHECK(to_udf_resolution(interval::fixed(ns_per_hour)) == "60");
  CHECK(to_udf_resolution(interval::fixed(4 * ns_per_hour)) == "240");
  CHECK(to_udf_resolution(interval::fixed(ns_per_day)) == "1D");
  CHECK(to_udf_resolution(interval::fixed(2 * ns_per_day)) == "2D");
  CHECK(to_udf_resolution(interval::week()) == "1W");
  CHECK(to_udf_resolution(interval::month()) == "1M");
  CHECK(to_udf_resolution(interval::fixed(1500 * ns_per_ms)).empty());
  for (const char* text : {"1s", "5s", "90s", "1m", "15m", "1h", "4h", "36h", "1d", "7d", "366d", "1w", "1M"}) {
    CAPTURE(text);
    const interval iv = parse_interval(text).value;
    auto back = parse_udf_resolution(to_udf_resolution(iv));
    REQUIRE(back.ok);
    CHECK(back.value == iv);
  }
}

TEST_CASE("parse_fill knows none, null and prev", "[api][query_params]") {
  CHECK(parse_fill("none").value == fill_mode::none);
  CHECK(parse_fill("null").value == fill_mode::null);
  CHECK(parse_fill("prev").value == fill_mode::prev);
  auto r = parse_fill("zero");
  CHECK_FALSE(r.ok);
  CHECK(contains(r.error.message, "'fill'"));
  CHECK(contains(r.error.message, "none"));
  CHECK(contains(r.error.message, "prev"));
}

TEST_CASE("parse_candles_query validates the native endpoint", "[api][query_params]") {
  const limit_policy limits{500, 5000};
  SECTION("defaults") {
    auto r = parse_candles_query({{"symbol", "BTCUSD"}, {"interval", "1m"}, {"_", "123"}}, limits);
    REQUIRE(r.ok);
    CHECK(r.value.symbol == "BTCUSD");
    CHECK(r.value.iv == interval::fixed(ns_per_min));
    CHECK_FALSE(r.value.from);
    CHECK_FALSE(r.value.to);
    CHECK(r.value.limit == 500);
    CHECK(r.value.fill == fill_mode::none);
  }
  SECTION("everything given") {
    auto r = parse_candles_query({{"symbol", "ETHUSD"},
                                  {"interval", "h1"},
                                  {"from", "2024-11-25T12:00:00Z"},
                                  {"to", "1732539600000"},
                                  {"limit", "42"},
                                  {"fill", "prev"}},
                                 limits);
    REQUIRE(r.ok);
    CHECK(r.value.iv == interval::fixed(ns_per_hour));
    CHECK(r.value.from == nov25_noon);
    CHECK(r.value.to == nov25_noon + ns_per_hour);
    CHECK(r.value.limit == 42);
    CHECK(r.value.fill == fill_mode::prev);
  }
  SECTION("errors name the parameter") {
    struct expectation {
      query_map q;
      std::string code;
      std::string mentions;
    };
    const std::vector<expectation> cases = {
      {{{"interval", "1m"}}, "missing_parameter", "'symbol'"},
      {{{"symbol", "BTCUSD"}}, "missing_parameter", "'interval'"},
      {{{"symbol", "BTC USD"}, {"interval", "1m"}}, "bad_parameter", "'symbol'"},
      {{{"symbol", "BTCUSD"}, {"interval", "1x"}}, "bad_parameter", "'interval'"},
      {{{"symbol", "BTCUSD"}, {"interval", "1m"}, {"from", "yesterday"}}, "bad_parameter", "'from'"},
      {{{"symbol", "BTCUSD"}, {"interval", "1m"}, {"to", "yesterday"}}, "bad_parameter", "'to'"},
      {{{"symbol", "BTCUSD"}, {"interval", "1m"}, {"from", "2"}, {"to", "1"}}, "bad_parameter", "'from'"},
      {{{"symbol", "BTCUSD"}, {"interval", "1m"}, {"limit", "5001"}}, "bad_parameter", "'limit'"},
      {{{"symbol", "BTCUSD"}, {"interval", "1m"}, {"fill", "zero"}}, "bad_parameter", "'fill'"},
      {{{"symbol", "BTCUSD"}, {"symbol", "ETHUSD"}, {"interval", "1m"}}, "bad_parameter", "more than once"},
    };
    for (const auto& c : cases) {
      auto r = parse_candles_query(c.q, limits);
      CAPTURE(c.mentions, r.error.message);
      CHECK_FALSE(r.ok);
      CHECK(r.error.code == c.code);
      CHECK(contains(r.error.message, c.mentions));
    }
  }
}

TEST_CASE("parse_history_query and parse_udf_history_query take seconds", "[api][query_params]") {
  const limit_policy limits{500, 5000};
  auto seed = parse_history_query(
    {{"symbol", "BTCUSD"}, {"interval", "m5"}, {"from", "1732536000"}, {"to", "1732539600"}, {"fill", "null"}}, limits);
  REQUIRE(seed.ok);
  CHECK(seed.value.iv == interval::fixed(5 * ns_per_min));
  CHECK(seed.value.from == nov25_noon);
  CHECK(seed.value.to == nov25_noon + ns_per_hour);
  CHECK_FALSE(seed.value.countback);
  CHECK(seed.value.fill == fill_mode::null);

  auto udf = parse_udf_history_query(
    {{"symbol", "BTCUSD"}, {"resolution", "1D"}, {"from", "0"}, {"to", "1732539600"}, {"countback", "300"}}, limits);
  REQUIRE(udf.ok);
  CHECK(udf.value.iv == interval::fixed(ns_per_day));
  CHECK(udf.value.countback == 300);

  // countback beyond the maximum is clamped, not rejected.
  for (const char* big : {"5001", "99999999999999999999"}) {
    auto r = parse_udf_history_query(
      {{"symbol", "BTCUSD"}, {"resolution", "1"}, {"from", "0"}, {"to", "60"}, {"countback", big}}, limits);
    REQUIRE(r.ok);
    CHECK(r.value.countback == 5000);
  }

  auto missing = parse_udf_history_query({{"symbol", "BTCUSD"}, {"resolution", "1"}, {"from", "0"}}, limits);
  CHECK(missing.error.code == "missing_parameter");
  CHECK(contains(missing.error.message, "'to'"));

  auto ms = parse_history_query({{"symbol", "BTCUSD"}, {"interval", "1m"}, {"from", "0"}, {"to", "2024-11-25"}}, limits);
  CHECK(ms.error.code == "bad_parameter");
  CHECK(contains(ms.error.message, "'to'"));

  auto res = parse_udf_history_query({{"symbol", "BTCUSD"}, {"resolution", "2W"}, {"from", "0"}, {"to", "1"}}, limits);
  CHECK(res.error.code == "bad_parameter");
  CHECK(contains(res.error.message, "'resolution'"));

  auto cb = parse_udf_history_query(
    {{"symbol", "BTCUSD"}, {"resolution", "1"}, {"from", "0"}, {"to", "1"}, {"countback", "0"}}, limits);
  CHECK(cb.error.code == "bad_parameter");
  CHECK(contains(cb.error.message, "'countback'"));
}
