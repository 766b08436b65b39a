// Timestamps in CSV cells: units with fractions, ISO-8601 with zones, and what is refused.
#include <catch2/catch.hpp>

#include "messages/civil_date.hpp"
#include "timestamp_text.hpp"

namespace {
using namespace cs;
using namespace cs::feed;

constexpr timestamp_ns t_2024_11_25_noon = 1'732'536'000LL * ns_per_s; // 2024-11-25T12:00:00Z

timestamp_ns ok(std::string_view text, ts_unit unit) {
  auto r = parse_timestamp(text, unit);
  INFO(text << ": " << (r ? "" : r.error().reason));
  REQUIRE(r.ok());
  return *r;
}

bool refused(std::string_view text, ts_unit unit) { return !parse_timestamp(text, unit).ok(); }
} // namespace

TEST_CASE("numeric units scale exactly, fractions included", "[feed][timestamp]") {
  CHECK(ok("1732536000", ts_unit::s) == t_2024_11_25_noon);
  CHECK(ok("1732536000.123", ts_unit::s) == t_2024_11_25_noon + 123 * ns_per_ms);
  CHECK(ok("1732536000.000000001", ts_unit::s) == t_2024_11_25_noon + 1);
  CHECK(ok("1732536000123", ts_unit::ms) == t_2024_11_25_noon + 123 * ns_per_ms);
  CHECK(ok("1732536000123.5", ts_unit::ms) == t_2024_11_25_noon + 123 * ns_per_ms + 500 * ns_per_us);
  CHECK(ok("1732536000123456", ts_unit::us) == t_2024_11_25_noon + 123456 * ns_per_us);
  CHECK(ok("1732536000123456789", ts_unit::ns) == t_2024_11_25_noon + 123456789);
  CHECK(ok("+5", ts_unit::ms) == 5 * ns_per_ms);
  CHECK(ok("-1.5", ts_unit::s) == -1'500'000'000);
  CHECK(ok("0", ts_unit::ns) == 0);
  CHECK(ok("7.", ts_unit::s) == 7 * ns_per_s);
}

TEST_CASE("digits finer than a nanosecond are truncated", "[feed][timestamp]") {
  CHECK(ok("1.0000000019", ts_unit::s) == ns_per_s + 1);
  CHECK(ok("12.9", ts_unit::ns) == 12);
}

TEST_CASE("junk and out-of-range numbers are refused", "[feed][timestamp]") {
  for (auto text : {"", "abc", "12a", "1e9", "1,5", "--1", ".", " 1", "0x10", "1.2.3"}) {
    INFO(text);
    CHECK(refused(text, ts_unit::ms));
  }
  CHECK(refused("9223372036854775808", ts_unit::ns));
  CHECK(refused("9223372036854775", ts_unit::s)); // seconds beyond int64 nanoseconds
  CHECK(refused("99999999999999999999999999999999", ts_unit::ms));
}

TEST_CASE("ISO-8601 with and without zones", "[feed][timestamp][iso]") {
  CHECK(ok("2024-11-25T12:00:00Z", ts_unit::iso) == t_2024_11_25_noon);
  CHECK(ok("2024-11-25T12:00:00.123Z", ts_unit::iso) == t_2024_11_25_noon + 123 * ns_per_ms);
  CHECK(ok("2024-11-25T12:00:00.123456789Z", ts_unit::iso) == t_2024_11_25_noon + 123456789);
  CHECK(ok("2024-11-25T12:00:00,5Z", ts_unit::iso) == t_2024_11_25_noon + 500 * ns_per_ms);
  CHECK(ok("2024-11-25 12:00:00", ts_unit::iso) == t_2024_11_25_noon); // no zone: UTC
  CHECK(ok("2024-11-25t12:00z", ts_unit::iso) == t_2024_11_25_noon);
  CHECK(ok("2024-11-25T13:00:00+01:00", ts_unit::iso) == t_2024_11_25_noon);
  CHECK(ok("2024-11-25T13:30:00+0130", ts_unit::iso) == t_2024_11_25_noon);
  CHECK(ok("2024-11-25T07:00:00-05", ts_unit::iso) == t_2024_11_25_noon);
  CHECK(ok("2024-11-25", ts_unit::iso) == t_2024_11_25_noon - 12 * ns_per_hour);
  CHECK(ok("1970-01-01T00:00:00Z", ts_unit::iso) == 0);
  CHECK(ok("1969-12-31T23:59:59.5Z", ts_unit::iso) == -500 * ns_per_ms);
  CHECK(ok("2024-02-29T00:00:00Z", ts_unit::iso) == 1'709'164'800LL * ns_per_s);
  CHECK(ok("2000-02-29", ts_unit::iso) == 951'782'400LL * ns_per_s);
}

TEST_CASE("impossible ISO-8601 times are refused", "[feed][timestamp][iso]") {
  for (auto text : {"2024-13-01", "2024-00-10", "2023-02-29", "1900-02-29", "2024-04-31", "2024-11-25T24:00:00Z",
                    "2024-11-25T12:60:00Z", "2024-11-25T12:00:60Z", "2024-11-25T12:00:00.Z", "2024-11-25T12",
                    "2024-11-25T12:00:00+25:00", "2024-11-25T12:00:00 UTC", "24-11-25", "2024/11/25",
                    "2024-11-25T12:00:00Zjunk", "1732536000", "", "2300-01-01", "1600-01-01"}) {
    INFO(text);
    CHECK(refused(text, ts_unit::iso));
  }
}

TEST_CASE("unit names", "[feed][timestamp]") {
  CHECK(parse_ts_unit("s") == ts_unit::s);
  CHECK(parse_ts_unit("ms") == ts_unit::ms);
  CHECK(parse_ts_unit("us") == ts_unit::us);
  CHECK(parse_ts_unit("ns") == ts_unit::ns);
  CHECK(parse_ts_unit("iso") == ts_unit::iso);
  CHECK_FALSE(parse_ts_unit("sec").has_value());
  CHECK_FALSE(parse_ts_unit("MS").has_value());
}

TEST_CASE("days_from_civil agrees with known dates", "[feed][timestamp]") {
  STATIC_REQUIRE(days_from_civil(1970, 1, 1) == 0);
  STATIC_REQUIRE(days_from_civil(1969, 12, 31) == -1);
  STATIC_REQUIRE(days_from_civil(2000, 3, 1) == 11017);
  STATIC_REQUIRE(days_from_civil(2024, 11, 25) == 20052);
}
