#include <catch2/catch.hpp>

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

#include <vector>

#include "messages/shared_candles.hpp"

using namespace cs;

namespace {
candle final_of(const std::string& symbol, timestamp_ns open_time) {
  candle c;
  c.symbol = symbol;
  c.iv = interval::fixed(ns_per_s);
  c.open_time = open_time;
  c.close_time = c.iv.bucket_end(open_time);
  c.bar.open = c.bar.high = c.bar.low = c.bar.close = 1.5;
  c.bar.volume = 3;
  c.closed = true;
  return c;
}
} // namespace

TEST_CASE("copies of shared_candles share one buffer", "[shared_candles]") {
  const shared_candles a{final_of("AAA", 0), final_of("BBB", ns_per_s)};
  const shared_candles b = a; // NOLINT: the copy is the point
  REQUIRE(b.size() == 2);
  CHECK(a.shares_rows_with(b));
  CHECK(b[1].symbol == "BBB");
}

TEST_CASE("appended lists read as one, in order, and share their buffers", "[shared_candles]") {
  const shared_candles a{final_of("AAA", 0), final_of("BBB", ns_per_s)};
  const shared_candles b{final_of("CCC", 0)};
  const shared_candles c{final_of("DDD", 0), final_of("EEE", 0), final_of("FFF", 0)};
  const shared_candles none;
  shared_candles all;
  for (const shared_candles* part : {&a, &none, &b, &c}) all.append(*part);
  REQUIRE(all.size() == 6);
  CHECK(all.shares_rows_with(a));
  std::vector<std::string> symbols;
  for (const auto& x : all) symbols.push_back(x.symbol);
  CHECK(symbols == std::vector<std::string>{"AAA", "BBB", "CCC", "DDD", "EEE", "FFF"});
  for (std::size_t i = 0; i < all.size(); ++i) CHECK(all[i].symbol == symbols[i]);
  CHECK(all.copy_rows().size() == 6);
  CHECK(&all[2] == &b[0]); // the same candle, not a copy
}

TEST_CASE("an empty shared_candles owns nothing and reads as empty", "[shared_candles]") {
  CHECK(shared_candles{}.empty());
  CHECK(shared_candles{std::vector<candle>{}}.size() == 0);
  CHECK(shared_candles{}.begin() == shared_candles{}.end());
}

TEST_CASE("shared_candles survives CAF serialisation with every field", "[shared_candles]") {
  const shared_candles sent{final_of("AAA", 0), final_of("x.y:z/w-1", 7 * ns_per_s)};
  std::vector<char> bytes;
  caf::binary_serializer sink{nullptr, bytes};
  REQUIRE(!sink(sent));
  shared_candles got;
  caf::binary_deserializer source{nullptr, bytes};
  REQUIRE(!source(got));
  REQUIRE(got.size() == sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) CHECK(got[i] == sent[i]);
  CHECK(!got.shares_rows_with(sent));
}
