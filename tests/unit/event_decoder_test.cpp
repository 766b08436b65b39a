#include <catch2/catch.hpp>

#include <string>

#include "messages/event_decoder.hpp"

using namespace cs;

namespace {
constexpr timestamp_ns now = 1'732'500'000'000 * ns_per_ms;

decode_status decode(const std::string& json, bid_ask_event& out) {
  event_decoder d;
  return d.decode(json, now, out);
}

reject_reason reason_of(const std::string& json) {
  bid_ask_event e;
  return decode(json, e).reason;
}
} // namespace

TEST_CASE("a valid event decodes with mid price and nanosecond time") {
  bid_ask_event e;
  auto st = decode(R"({"symbol":"BTCUSD","bid":50000.10,"ask":50000.30,"timestamp":1732500000123})", e);
  REQUIRE(st.ok());
  CHECK(e.symbol == "BTCUSD");
  CHECK(e.bid == 50000.10);
  CHECK(e.ask == 50000.30);
  CHECK(e.price() == (50000.10 + 50000.30) / 2);
  CHECK(e.ts == 1'732'500'000'123 * ns_per_ms);
  CHECK(e.bid_size_units == 0);
}

TEST_CASE("optional sizes, timestampNs precedence, unknown fields, any field order") {
  bid_ask_event e;
  auto st = decode(R"({"timestampNs":1732500000123456789,"extra":{"nested":[1,2]},"askSize":2.5,)"
                   R"("ask":10,"bid":9.5,"timestamp":1,"symbol":"ETH-USD","bidSize":0.00000001})", e);
  REQUIRE(st.ok());
  CHECK(e.ts == 1'732'500'000'123'456'789);
  CHECK(e.bid_size_units == 1);
  CHECK(e.ask_size_units == 250'000'000);
  CHECK(e.symbol == "ETH-USD");
}

TEST_CASE("integers are accepted as prices; bid == ask is valid") {
  CHECK(reason_of(R"({"symbol":"X","bid":5,"ask":5,"timestamp":0})") == reject_reason::none);
}

TEST_CASE("every kind of bad payload is rejected with its reason") {
  using r = reject_reason;
  CHECK(reason_of("") == r::bad_json);
  CHECK(reason_of("not json") == r::bad_json);
  CHECK(reason_of("[1,2]") == r::bad_json);
  CHECK(reason_of(R"({"symbol":"X","bid":1,"ask":2,"timestamp":0)") == r::bad_json);
  CHECK(reason_of(R"({"symbol":"X","bid":1,"ask":2,"timestamp":0} trailing)") == r::bad_json);
  CHECK(reason_of(R"({"bid":1,"ask":2,"timestamp":0})") == r::missing_field);
  CHECK(reason_of(R"({"symbol":"X","ask":2,"timestamp":0})") == r::missing_field);
  CHECK(reason_of(R"({"symbol":"X","bid":1,"timestamp":0})") == r::missing_field);
  CHECK(reason_of(R"({"symbol":"X","bid":1,"ask":2})") == r::missing_field);
  CHECK(reason_of(R"({"symbol":7,"bid":1,"ask":2,"timestamp":0})") == r::wrong_type);
  CHECK(reason_of(R"({"symbol":"X","bid":"1","ask":2,"timestamp":0})") == r::wrong_type);
  CHECK(reason_of(R"({"symbol":"X","bid":1,"ask":2,"timestamp":1.5})") == r::wrong_type);
  CHECK(reason_of(R"({"symbol":"X","bid":1,"ask":2,"timestamp":"0"})") == r::wrong_type);
  CHECK(reason_of(R"({"symbol":"X","bid":1,"ask":2,"timestamp":99999999999999999999})") == r::wrong_type);
  CHECK(reason_of(R"({"symbol":"X","bid":1,"ask":2,"timestamp":0,"bidSize":"1"})") == r::wrong_type);
  CHECK(reason_of(R"({"symbol":"X","bid":0,"ask":2,"timestamp":0})") == r::bad_price);
  CHECK(reason_of(R"({"symbol":"X","bid":-1,"ask":2,"timestamp":0})") == r::bad_price);
  CHECK(reason_of(R"({"symbol":"X","bid":1,"ask":1e400,"timestamp":0})") != r::none);
  CHECK(reason_of(R"({"symbol":"X","bid":2,"ask":1,"timestamp":0})") == r::crossed_quote);
  CHECK(reason_of(R"({"symbol":"","bid":1,"ask":2,"timestamp":0})") == r::bad_symbol);
  CHECK(reason_of(R"({"symbol":"BTC USD","bid":1,"ask":2,"timestamp":0})") == r::bad_symbol);
  CHECK(reason_of(R"({"symbol":"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456","bid":1,"ask":2,"timestamp":0})") == r::bad_symbol);
  CHECK(reason_of(R"({"symbol":"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345","bid":1,"ask":2,"timestamp":0})") == r::none);
  CHECK(reason_of(R"({"symbol":"X","bid":1,"ask":2,"timestamp":0,"bidSize":-1})") == r::bad_size);
  CHECK(reason_of(R"({"symbol":"X","bid":1,"ask":2,"timestamp":0,"askSize":1e11})") == r::bad_size);
  CHECK(reason_of(R"({"symbol":"X","bid":1,"ask":2,"timestamp":9223372036854775})") == r::timestamp_out_of_range);
  CHECK(reason_of(R"({"symbol":"X","bid":1,"ask":2,"timestamp":-2208988800001})") == r::timestamp_out_of_range);
  CHECK(reason_of(R"({"symbol":"X","bid":1,"ask":2,"timestamp":1732500060124})") == r::future_timestamp);
  CHECK(reason_of(R"({"symbol":"X","bid":1,"ask":2,"timestamp":1732500060000})") == r::none); // exactly at skew
  CHECK(reason_of(std::string(5000, ' ')) == r::too_large);
}

TEST_CASE("a reason describes the field") {
  bid_ask_event e;
  auto st = decode(R"({"symbol":"X","bid":1,"timestamp":0})", e);
  CHECK(st.describe() == "missing_field: ask");
}

TEST_CASE("one decoder is reusable after rejections") {
  event_decoder d;
  bid_ask_event e;
  CHECK_FALSE(d.decode("{", now, e).ok());
  CHECK(d.decode(R"({"symbol":"A","bid":1,"ask":2,"timestamp":5})", now, e).ok());
  CHECK(e.symbol == "A");
  CHECK_FALSE(d.decode(R"({"symbol":"B","bid":3,"ask":2,"timestamp":5})", now, e).ok());
  CHECK(d.decode(R"({"symbol":"C","bid":1,"ask":2,"timestamp":6})", now, e).ok());
  CHECK(e.symbol == "C");
  CHECK(e.ts == 6 * ns_per_ms);
}

#include <random>

#include "messages/event_json.hpp"

TEST_CASE("encoded events decode to the same event, prices bit for bit") {
  std::mt19937_64 rng(17);
  event_decoder d;
  for (int i = 0; i < 20000; ++i) {
    bid_ask_event e;
    e.symbol = "SYM" + std::to_string(rng() % 1000);
    e.bid = static_cast<double>(rng() % 10'000'000) / 997.0 + 0.001;
    e.ask = e.bid + static_cast<double>(rng() % 1000) / 1013.0;
    e.bid_size_units = static_cast<std::int64_t>(rng() % 3 ? rng() % 100'000'000'000ull : 0);
    e.ask_size_units = static_cast<std::int64_t>(rng() % 1'000'000);
    const bool nanos = rng() % 2;
    e.ts = static_cast<timestamp_ns>(rng() % 1'700'000'000'000'000'000ull);
    if (!nanos) e.ts = e.ts / ns_per_ms * ns_per_ms;
    bid_ask_event back;
    const auto json = to_json(e, nanos ? event_time_field::nanos : event_time_field::millis);
    INFO(json);
    REQUIRE(d.decode(json, now, back).ok());
    REQUIRE(back == e);
  }
}
