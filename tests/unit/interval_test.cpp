#include <catch2/catch.hpp>

#include "messages/interval.hpp"

using namespace cs;

namespace {
// 2024-02-29T12:34:56Z and friends, as epoch seconds (checked with `date -u -d ... +%s`).
constexpr std::int64_t s(std::int64_t secs) { return secs * ns_per_s; }
interval iv(std::string_view text) {
  auto r = parse_interval(text);
  REQUIRE(r.ok);
  return r.value;
}
} // namespace

TEST_CASE("parse_interval accepts fixed durations, calendar intervals and aliases") {
  CHECK(iv("1s") == interval::fixed(ns_per_s));
  CHECK(iv("5s") == interval::fixed(5 * ns_per_s));
  CHECK(iv("1m") == interval::fixed(ns_per_min));
  CHECK(iv("15m") == interval::fixed(15 * ns_per_min));
  CHECK(iv("1h") == interval::fixed(ns_per_hour));
  CHECK(iv("4h") == interval::fixed(4 * ns_per_hour));
  CHECK(iv("1d") == interval::fixed(ns_per_day));
  CHECK(iv("90s") == interval::fixed(90 * ns_per_s));
  CHECK(iv("1w") == interval::week());
  CHECK(iv("1M") == interval::month());
  CHECK(iv("s1") == iv("1s"));
  CHECK(iv("m1") == iv("1m"));
  CHECK(iv("m15") == iv("15m"));
  CHECK(iv("h1") == iv("1h"));
  CHECK(iv("d1") == iv("1d"));
  CHECK(iv("w1") == iv("1w"));
  CHECK(iv("M1") == iv("1M"));
}

TEST_CASE("parse_interval rejects junk with a message listing the valid forms") {
  for (const char* bad : {"", "0s", "-1m", "1x", "s", "m", "1.5m", "2w", "3M", "1y", "abc", "1 s", "s0",
                          "99999999999999999999s", "367d", "1mm"}) {
    CAPTURE(bad);
    auto r = parse_interval(bad);
    CHECK_FALSE(r.ok);
    CHECK(r.error.find("valid intervals") != std::string::npos);
  }
}

TEST_CASE("to_string gives the canonical form and round-trips") {
  CHECK(iv("60s").to_string() == "1m");
  CHECK(iv("3600s").to_string() == "1h");
  CHECK(iv("m15").to_string() == "15m");
  CHECK(iv("24h").to_string() == "1d");
  CHECK(iv("90s").to_string() == "90s");
  for (const char* text : {"1s", "5s", "1m", "15m", "1h", "1d", "1w", "1M", "7d", "366d"})
    CHECK(iv(iv(text).to_string()) == iv(text));
}

TEST_CASE("parse_interval_list parses the default list and rejects duplicates") {
  auto r = parse_interval_list("1s,5s, 1m,15m,1h,1d");
  REQUIRE(r.ok);
  CHECK(r.values.size() == 6);
  CHECK_FALSE(parse_interval_list("1m,60s").ok);
  CHECK_FALSE(parse_interval_list("").ok);
  CHECK_FALSE(parse_interval_list("1m,,5m").ok);
}

TEST_CASE("fixed buckets floor in UTC, exactly at the boundaries, also before 1970") {
  const auto m = iv("1m");
  CHECK(m.bucket_start(s(60)) == s(60));           // exactly at a start: belongs to it
  CHECK(m.bucket_start(s(120) - 1) == s(60));      // last nanosecond of the bucket
  CHECK(m.bucket_end(s(60)) == s(120));            // end is exclusive
  CHECK(m.bucket_start(0) == 0);
  CHECK(m.bucket_start(-1) == -s(60));             // floor, not truncation
  CHECK(m.bucket_start(-s(60)) == -s(60));
  CHECK(m.bucket_start(-s(60) - 1) == -s(120));
  const auto d = iv("1d");
  CHECK(d.bucket_start(s(1'732'500'000)) == s(1'732'492'800)); // 2024-11-25T00:00:00Z
  CHECK(iv("15m").bucket_start(s(1'732'500'899)) == s(1'732'500'000)); // 02:14:59 -> 02:00
}

TEST_CASE("weekly buckets start on Monday 00:00 UTC") {
  const auto w = iv("1w");
  // 1970-01-01 (Thursday) belongs to the week of Monday 1969-12-29.
  CHECK(w.bucket_start(0) == -3 * ns_per_day);
  CHECK(w.bucket_end(-3 * ns_per_day) == 4 * ns_per_day);
  // 2024-11-25 is a Monday: 1732492800.
  CHECK(w.bucket_start(s(1'732'492'800)) == s(1'732'492'800));
  CHECK(w.bucket_start(s(1'732'492'800) - 1) == s(1'732'492'800 - 7 * 86'400));
  CHECK(w.bucket_start(s(1'732'492'800 + 7 * 86'400) - 1) == s(1'732'492'800));
  // Year end: 2024-12-31 (Tuesday) is in the week of Monday 2024-12-30 (1735516800).
  CHECK(w.bucket_start(s(1'735'603'200)) == s(1'735'516'800));
  CHECK(w.bucket_end(s(1'735'516'800)) == s(1'736'121'600)); // Monday 2025-01-06
}

TEST_CASE("monthly buckets follow the calendar, with leap years and year ends") {
  const auto mo = iv("1M");
  // 2024-02-29T12:00:00Z (leap day) -> 2024-02-01 .. 2024-03-01
  CHECK(mo.bucket_start(s(1'709'208'000)) == s(1'706'745'600));
  CHECK(mo.bucket_end(s(1'706'745'600)) == s(1'709'251'200));
  // 2023-02 has 28 days: 2023-02-01 (1675209600) .. 2023-03-01 (1677628800)
  CHECK(mo.bucket_end(s(1'675'209'600)) == s(1'677'628'800));
  // 1900 was not a leap year, 2000 was: Feb ends on the 28th / 29th.
  CHECK(mo.bucket_end(s(-2'206'310'400)) == s(-2'206'310'400 + 28 * 86'400)); // 1900-02-01
  CHECK(mo.bucket_end(s(949'363'200)) == s(949'363'200 + 29 * 86'400));       // 2000-02-01
  // Year end: 2024-12-31T23:59:59.999999999 -> December; 2025-01-01T00:00 -> January.
  CHECK(mo.bucket_start(s(1'735'689'600) - 1) == s(1'733'011'200));
  CHECK(mo.bucket_start(s(1'735'689'600)) == s(1'735'689'600));
  CHECK(mo.bucket_end(s(1'733'011'200)) == s(1'735'689'600));
  // Before 1970: 1969-12-31T23:59:59 -> 1969-12-01.
  CHECK(mo.bucket_start(-1) == -s(31 * 86'400));
  CHECK(mo.bucket_end(-s(31 * 86'400)) == 0);
}

TEST_CASE("every bucket contains its timestamps, for all kinds, across a wide range") {
  const interval ivs[] = {iv("1s"), iv("7s"), iv("1m"), iv("15m"), iv("1h"), iv("1d"), iv("1w"), iv("1M")};
  std::int64_t t = -s(2'208'988'800); // 1900-01-01
  const std::int64_t step = s(86'400) * 13 + 12'345'678'901;
  for (; t < s(4'102'444'800); t += step) { // until 2100-01-01
    for (const auto& i : ivs) {
      const auto start = i.bucket_start(t);
      REQUIRE(start <= t);
      REQUIRE(t < i.bucket_end(start));
      REQUIRE(i.bucket_start(start) == start);
      REQUIRE(i.bucket_start(i.bucket_end(start)) == i.bucket_end(start));
    }
  }
}

TEST_CASE("bucket numbers are consecutive and map back to bucket starts") {
  const std::vector<interval> ivs = {interval::fixed(ns_per_s), interval::fixed(15 * ns_per_min), interval::fixed(ns_per_day),
                                     interval::week(), interval::month()};
  for (const auto& iv : ivs) {
    CAPTURE(iv.to_string());
    // From 1899 to 2101, crossing leap years, year ends and the epoch.
    for (timestamp_ns t = -2'240'000'000 * ns_per_s; t < 4'110'000'000 * ns_per_s; t += 7'777'777 * ns_per_s + 123) {
      const auto n = iv.bucket_index(t);
      CHECK(iv.bucket_start_of(n) == iv.bucket_start(t));
      CHECK(iv.bucket_start_of(n + 1) == iv.bucket_end(iv.bucket_start(t)));
    }
  }
  CHECK(interval::month().bucket_index(0) == 0);
  CHECK(interval::month().bucket_index(-1) == -1);
  CHECK(interval::week().bucket_start_of(0) == -3 * ns_per_day);
}
