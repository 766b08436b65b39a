#include <catch2/catch.hpp>

#include "messages/size_units.hpp"

using namespace cs;

TEST_CASE("size sums are exact decimals that round-trip") {
  size_sum s;
  CHECK(format_size_sum(s) == "0");
  s.add(static_cast<std::uint64_t>(to_size_units(0.1)));
  s.add(static_cast<std::uint64_t>(to_size_units(0.2)));
  CHECK(format_size_sum(s) == "0.3"); // no binary floating-point drift
  s.add(static_cast<std::uint64_t>(to_size_units(12.00000001)));
  CHECK(format_size_sum(s) == "12.30000001");
  size_sum back;
  REQUIRE(parse_size_sum(format_size_sum(s), back));
  CHECK(back == s);

  const auto huge = size_sum::of(~static_cast<unsigned __int128>(0) / 3);
  REQUIRE(parse_size_sum(format_size_sum(huge), back));
  CHECK(back == huge);
}

TEST_CASE("size sums print the same digits on both sides of 2^64 units") {
  // 2^64 - 1 and 2^64 units: the last sum of the 64-bit path and the first of the 128-bit one.
  CHECK(format_size_sum(size_sum{0, ~std::uint64_t{0}}) == "184467440737.09551615");
  CHECK(format_size_sum(size_sum{1, 0}) == "184467440737.09551616");
  CHECK(format_size_sum(size_sum{1, 100'000'000 - 16}) == "184467440738.095516"); // 2^64 + 1e8 - 16
  CHECK(format_size_sum(size_sum::of(static_cast<unsigned __int128>(1) << 100)) ==
        "12676506002282294014967.03205376");
  CHECK(format_size_sum(size_sum{0, 100'000'000}) == "1");
  CHECK(format_size_sum(size_sum{0, 10}) == "0.0000001");
  CHECK(format_size_sum(size_sum{0, 1}) == "0.00000001");
  CHECK(format_size_sum(size_sum{0, 1'000'000'000'000'000'000}) == "10000000000");
  std::string out = "x=";
  append_size_sum(out, size_sum{0, 150'000'000});
  CHECK(out == "x=1.5");
}

TEST_CASE("size sum parsing rejects junk") {
  size_sum out;
  for (const char* bad : {"", ".", "-1", "1e5", "1.000000001", "abc", "1.2.3", " 1", "1 "})
    CHECK_FALSE(parse_size_sum(bad, out));
  CHECK(parse_size_sum("5", out));
  CHECK(parse_size_sum(".5", out));
  CHECK(format_size_sum(out) == "0.5");
}

TEST_CASE("merging sums is associative") {
  const std::uint64_t a = 123'456'789, b = 987'654'321'000, c = 42;
  size_sum x, y, z;
  x.add(a); x.add(b); x.add(c);
  y.add(c); y.add(a); y.add(b);
  size_sum ab; ab.add(a); ab.add(b);
  z.add(c); z.add(ab);
  CHECK(x == y);
  CHECK(x == z);
}
