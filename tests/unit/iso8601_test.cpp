// The shared ISO-8601 parser (messages/iso8601.hpp): the union of the forms the HTTP API and
// candle-feed take, what both refuse, and the calendar helpers under it.
#include <catch2/catch.hpp>

#include "messages/civil_date.hpp"
#include "messages/iso8601.hpp"

using namespace cs;

namespace {
// Epoch seconds below were checked with `date -u -d ... +%s`.
constexpr timestamp_ns s(std::int64_t secs) { return secs * ns_per_s; }
constexpr timestamp_ns nov25_noon = s(1732536000); // 2024-11-25T12:00:00Z
constexpr timestamp_ns nov25_midnight = s(1732492800);

timestamp_ns iso_ok(std::string_view text) {
  timestamp_ns t = 0;
  const std::string why = parse_iso8601(text, t);
  INFO(text << ": " << why);
  REQUIRE(why.empty());
  return t;
}

std::string iso_why(std::string_view text) {
  timestamp_ns t = 42;
  std::string why = parse_iso8601(text, t);
  CHECK(t == 42); // untouched on failure
  return why;
}
} // namespace

TEST_CASE("iso8601: dates, times, fractions and zones", "[iso8601]") {
  CHECK(iso_ok("2024-11-25") == nov25_midnight);
  CHECK(iso_ok("2024-11-25T12:00:00Z") == nov25_noon);
  CHECK(iso_ok("2024-11-25T12:00Z") == nov25_noon);
  CHECK(iso_ok("2024-11-25T12:00:00") == nov25_noon); // no zone: UTC
  CHECK(iso_ok("2024-11-25t12:00:00z") == nov25_noon);
  CHECK(iso_ok("2024-11-25T12:00:00.123Z") == nov25_noon + 123 * ns_per_ms);
  CHECK(iso_ok("2024-11-25T12:00:00.000000001Z") == nov25_noon + 1);
  CHECK(iso_ok("2024-11-25T12:00:00.123456789Z") == nov25_noon + 123456789);
  CHECK(iso_ok("2024-11-25T12:00:00+02:00") == nov25_noon - 2 * ns_per_hour);
  CHECK(iso_ok("2024-11-25T12:00:00+0200") == nov25_noon - 2 * ns_per_hour);
  CHECK(iso_ok("2024-11-25T12:00:00+02") == nov25_noon - 2 * ns_per_hour);
  CHECK(iso_ok("2024-11-25T12:00:00-05:30") == nov25_noon + 5 * ns_per_hour + 30 * ns_per_min);
  CHECK(iso_ok("2024-11-25T12:00:00.250+01:00") == nov25_noon - ns_per_hour + 250 * ns_per_ms);
  CHECK(iso_ok("1969-12-31T23:59:59.5Z") == -500 * ns_per_ms);
  CHECK(iso_ok("2024-02-29") == s(1709164800));
  CHECK(iso_ok("2000-02-29") == s(951782400));
}

TEST_CASE("iso8601: the forms the HTTP API relies on", "[iso8601]") {
  // An unencoded '+' in a query string arrives as a space.
  CHECK(iso_ok("2024-11-25T12:00:00 02:00") == nov25_noon - 2 * ns_per_hour);
  CHECK(iso_ok("2024-11-25T12:00 0200") == nov25_noon - 2 * ns_per_hour);
  // A fraction of hh:mm.
  CHECK(iso_ok("2024-11-25T12:00.5Z") == nov25_noon + 500 * ns_per_ms);
  CHECK(iso_ok("1900-01-01") == s(-2208988800));
  CHECK(iso_ok("2200-12-31T23:59:59.999999999Z") == s(7289654400) - 1);
}

TEST_CASE("iso8601: the forms candle-feed relies on", "[iso8601]") {
  CHECK(iso_ok("2024-11-25 12:00:00") == nov25_noon);
  CHECK(iso_ok("2024-11-25 12:00:00+01:00") == nov25_noon - ns_per_hour);
  CHECK(iso_ok("2024-11-25T12:00:00,5Z") == nov25_noon + 500 * ns_per_ms);
  CHECK(iso_ok("2024-11-25T12:00:00.1234567899Z") == nov25_noon + 123456789); // finer than 1 ns: dropped
  CHECK(iso_ok("2024-11-25T12:00:00.000000000999Z") == nov25_noon);
  // A zone right after the date, and a trailing ':' after the zone's hours.
  CHECK(iso_ok("2024-11-25Z") == nov25_midnight);
  CHECK(iso_ok("2024-11-25+01:00") == nov25_midnight - ns_per_hour);
  CHECK(iso_ok("2024-11-25-05") == nov25_midnight + 5 * ns_per_hour);
  CHECK(iso_ok("2024-11-25T12:00:00+02:") == nov25_noon - 2 * ns_per_hour);
  // Anything int64 nanoseconds hold, beyond the API's 1900..2200.
  CHECK(iso_ok("1800-01-01") == s(-5364662400));
  CHECK(iso_ok("2262-04-11T23:47:16.854775807Z") == INT64_MAX);
  // Whole seconds must fit before the fraction is added, so the earliest is a whole second.
  CHECK(iso_ok("1677-09-21T00:12:44Z") == s(-9223372036));
}

TEST_CASE("iso8601: refusals, with a reason", "[iso8601]") {
  for (const char* bad :
       {"", "abc", "1732536000", "24-11-25", "2024/11/25", "2024-1-25", "2024-11-5", "2024-11-25x", "2024-11-25T",
        "2024-11-25 ", "2024-11-25T12", "2024-11-25T12Z", "2024-11-25T12:0", "2024-11-25T12:00:0",
        "2024-11-25T12:00:00.Z", "2024-11-25T12:00:00.", "2024-11-25T12:00:00,", "2024-11-25T12:00:00+2",
        "2024-11-25T12:00:00+02:0", "2024-11-25T12:00:00+02Z", "2024-11-25T12:00:00+", "2024-11-25T12:00:00 UTC",
        "2024-11-25T12:00:00ZZ", "2024-11-25T12:00:00Zjunk", "2024-11-25Zjunk", "2024-11-25T12:00:00+02:00:00",
        "2024-11-25T12:00:00x", " 2024-11-25", "2024-11-25T12:00:00 ", "2024-11-25T12:00:00Z "}) {
    CAPTURE(bad);
    CHECK_FALSE(iso_why(bad).empty());
  }
  CHECK(iso_why("2024-13-01") == "no such date (month out of range)");
  CHECK(iso_why("2024-00-10") == "no such date (month out of range)");
  for (const char* no_day : {"2024-02-30", "2023-02-29", "1900-02-29", "2024-04-31", "2024-11-00"}) {
    CAPTURE(no_day);
    CHECK(iso_why(no_day) == "no such date (day out of range for the month)");
  }
  for (const char* no_time : {"2024-11-25T24:00:00Z", "2024-11-25T12:60:00Z", "2024-11-25T12:00:60Z"}) {
    CAPTURE(no_time); // a leap second included
    CHECK(iso_why(no_time) == "time of day out of range");
  }
  CHECK(iso_why("2024-11-25T12:00:00+24:00") == "zone offset out of range");
  CHECK(iso_why("2024-11-25T12:00:00+02:60") == "zone offset out of range");
  CHECK(iso_why("2024-11-25T12:00:00.Z") == "expected digits after '.'");
  CHECK(iso_why("2024-11-25T12:00:00,Z") == "expected digits after ','");
  CHECK(iso_why("2024-11-25x") == "expected 'T' or a zone after the date");
  CHECK(iso_why("2024-11-25T12:00:00 UTC") == "expected a zone: Z, +hh:mm or -hh:mm");
}

TEST_CASE("iso8601: instants beyond int64 nanoseconds", "[iso8601]") {
  for (const char* far : {"2300-01-01", "1600-01-01", "9999-12-31T23:59:59Z", "0000-01-01",
                          "2262-04-11T23:47:16.854775808Z", "1677-09-21T00:12:43.999999999Z"}) {
    CAPTURE(far);
    CHECK(iso_why(far) == iso8601_out_of_range);
  }
}

TEST_CASE("civil dates and day numbers round-trip", "[iso8601][civil_date]") {
  STATIC_REQUIRE(days_from_civil(1970, 1, 1) == 0);
  STATIC_REQUIRE(days_from_civil(2000, 3, 1) == 11017);
  STATIC_REQUIRE(days_from_civil(2024, 11, 25) == 20052);
  STATIC_REQUIRE(days_from_civil(1900, 1, 1) == -25567);
  STATIC_REQUIRE(days_in_month(2024, 2) == 29);
  STATIC_REQUIRE(days_in_month(2100, 2) == 28);
  STATIC_REQUIRE(days_in_month(2000, 2) == 29);
  STATIC_REQUIRE(days_in_month(2023, 12) == 31);
  for (std::int64_t z = days_from_civil(1599, 1, 1); z <= days_from_civil(2401, 12, 31); ++z) {
    const auto c = civil_from_days(z);
    REQUIRE(c.month >= 1);
    REQUIRE(c.month <= 12);
    REQUIRE(c.day >= 1);
    REQUIRE(c.day <= days_in_month(c.year, c.month));
    REQUIRE(days_from_civil(c.year, c.month, c.day) == z);
    if (c.day > 1) REQUIRE(civil_from_days(z - 1).day == c.day - 1);
  }
}

TEST_CASE("iso8601: format_iso8601 writes the shortest exact fraction and parses back", "[iso8601]") {
  CHECK(cs::format_iso8601(0) == "1970-01-01T00:00:00Z");
  CHECK(cs::format_iso8601(1'780'000'000'123'000'000) == "2026-05-28T20:26:40.123Z");
  CHECK(cs::format_iso8601(1'780'000'000'000'123'000) == "2026-05-28T20:26:40.000123Z");
  CHECK(cs::format_iso8601(1'780'000'000'000'000'001) == "2026-05-28T20:26:40.000000001Z");
  CHECK(cs::format_iso8601(-1) == "1969-12-31T23:59:59.999999999Z");
  for (cs::timestamp_ns t : {cs::timestamp_ns{0}, cs::timestamp_ns{-1}, cs::timestamp_ns{1'780'000'000'123'456'789}, cs::timestamp_ns{-86'400'000'000'001}}) {
    cs::timestamp_ns back = 42;
    REQUIRE(cs::parse_iso8601(cs::format_iso8601(t), back).empty());
    CHECK(back == t);
  }
}
