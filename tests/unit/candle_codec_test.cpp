#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <random>

#include "messages/candle_binary.hpp"
#include "messages/candle_json.hpp"

using namespace cs;

namespace {
double random_price(std::mt19937_64& rng) {
  // Awkward doubles: random mantissas over many magnitudes, subnormal-adjacent and huge values.
  std::uniform_int_distribution<int> exp(-30, 30);
  std::uniform_real_distribution<double> mant(1.0, 2.0);
  return std::ldexp(mant(rng), exp(rng));
}

candle random_candle(std::mt19937_64& rng) {
  const char* symbols[] = {"BTCUSD", "ETH-USD", "A", "x.y:z/w-1", "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"};
  const interval ivs[] = {interval::fixed(ns_per_s), interval::fixed(15 * ns_per_min), interval::week(), interval::month()};
  candle c;
  c.symbol = symbols[rng() % 5];
  c.iv = ivs[rng() % 4];
  c.open_time = c.iv.bucket_start(static_cast<timestamp_ns>(rng() % (4'000'000'000ull * ns_per_s)) - 2'000'000'000 * ns_per_s);
  c.close_time = c.iv.bucket_end(c.open_time);
  double p[4] = {random_price(rng), random_price(rng), random_price(rng), random_price(rng)};
  std::sort(std::begin(p), std::end(p));
  c.bar.low = p[0];
  c.bar.open = p[1 + rng() % 2];
  c.bar.close = p[1 + rng() % 2];
  c.bar.high = p[3];
  c.bar.volume = 1 + rng() % 1'000'000'000;
  c.bar.bid_size = size_sum{rng() % 1000, rng()};
  c.bar.ask_size = size_sum{0, rng() % 1000};
  c.bar.first = {-static_cast<timestamp_ns>(rng() >> 1), static_cast<std::int64_t>(rng() >> 1)};
  c.bar.last = {static_cast<timestamp_ns>(rng() >> 1), 0};
  c.closed = rng() % 2;
  return c;
}
} // namespace

TEST_CASE("candle JSON round-trips exactly, prices bit for bit") {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 5000; ++i) {
    const candle c = random_candle(rng);
    candle back;
    const auto json = to_json(c);
    INFO(json);
    REQUIRE(parse_candle_json(json, back).empty());
    REQUIRE(back == c);
    REQUIRE(std::bit_cast<std::uint64_t>(back.bar.close) == std::bit_cast<std::uint64_t>(c.bar.close));
  }
}

TEST_CASE("candle JSON has the user-facing fields") {
  candle c;
  c.symbol = "BTCUSD";
  c.iv = interval::fixed(ns_per_min);
  c.open_time = 1'732'500'000'000 * ns_per_ms;
  c.close_time = c.open_time + ns_per_min;
  c.bar = ohlcv::of_event(50000.2, 150'000'000, 0, {c.open_time, 7});
  c.closed = true;
  const auto json = to_json(c);
  CHECK(json.find(R"("symbol":"BTCUSD","interval":"1m","openTime":1732500000000,"closeTime":1732500060000,)"
                  R"("open":50000.2,"high":50000.2,"low":50000.2,"close":50000.2,"volume":1,"bidSize":1.5,"askSize":0,"closed":true)") == 1);
}

TEST_CASE("candle JSON parsing rejects damaged input with a reason") {
  std::mt19937_64 rng(7);
  const auto json = to_json(random_candle(rng));
  candle out;
  CHECK_FALSE(parse_candle_json(json.substr(0, json.size() / 2), out).empty());
  CHECK_FALSE(parse_candle_json("[]", out).empty());
  CHECK_FALSE(parse_candle_json(R"({"symbol":"BTCUSD"})", out).empty());
  std::string bad_iv = json;
  bad_iv[bad_iv.find("\"interval\":\"") + 12] = 'q';
  CHECK_FALSE(parse_candle_json(bad_iv, out).empty());
}

TEST_CASE("candle binary encoding round-trips exactly and rejects damage") {
  std::mt19937_64 rng(99);
  for (int i = 0; i < 5000; ++i) {
    const candle c = random_candle(rng);
    const auto bytes = encode_candle_binary(c);
    candle back;
    REQUIRE(decode_candle_binary(bytes, back).empty());
    REQUIRE(back == c);
    for (std::size_t cut : {std::size_t{0}, std::size_t{1}, bytes.size() / 2, bytes.size() - 1})
      REQUIRE_FALSE(decode_candle_binary(std::string_view(bytes).substr(0, cut), back).empty());
    REQUIRE_FALSE(decode_candle_binary(bytes + "x", back).empty());
  }
  std::string wrong = encode_candle_binary(random_candle(rng));
  wrong[0] = 9;
  candle out;
  CHECK(decode_candle_binary(wrong, out).find("unknown candle format") == 0);
}

TEST_CASE("decoders reject candles that cannot exist") {
  std::mt19937_64 rng(3);
  candle c = random_candle(rng);
  candle out;
  auto broken = c;
  broken.bar.high = broken.bar.low - 1;
  CHECK(decode_candle_binary(encode_candle_binary(broken), out) == "prices out of order");
  CHECK(parse_candle_json(to_json(broken), out) == "prices out of order");
  broken = c;
  broken.bar.close = std::nan("");
  CHECK(decode_candle_binary(encode_candle_binary(broken), out) == "non-finite price");
  broken = c;
  broken.open_time += 1;
  CHECK(decode_candle_binary(encode_candle_binary(broken), out) == "open/close time not a bucket of the interval");
  broken = c;
  broken.bar.volume = 0;
  CHECK(decode_candle_binary(encode_candle_binary(broken), out) == "zero volume");
}
