#pragma once
// A candle interval: a fixed duration aligned to the UNIX epoch (Ns, Nm, Nh, Nd), or a calendar
// week (1w, weeks start Monday 00:00 UTC) or calendar month (1M), all in UTC.
#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "messages/time.hpp"

namespace cs {

// Longest fixed interval; bounds bucket arithmetic well inside int64.
inline constexpr duration_ns max_interval_length = 366 * ns_per_day;

enum class interval_kind : std::uint8_t { fixed = 0, week = 1, month = 2 };

struct interval {
  interval_kind kind = interval_kind::fixed;
  duration_ns length = ns_per_s; // for fixed intervals; 0 for calendar ones

  static interval fixed(duration_ns d) { return {interval_kind::fixed, d}; }
  static interval week() { return {interval_kind::week, 0}; }
  static interval month() { return {interval_kind::month, 0}; }

  // Start of the bucket that holds t: floor(t / I) * I for fixed intervals (also for t < 0).
  timestamp_ns bucket_start(timestamp_ns t) const;
  // End (exclusive) of the bucket that starts at `start`.
  timestamp_ns bucket_end(timestamp_ns start) const;
  // Number of the bucket that holds t, counted from the bucket that holds the epoch (negative
  // before it); consecutive buckets have consecutive numbers, also for weeks and months.
  std::int64_t bucket_index(timestamp_ns t) const;
  // Start of bucket number n: bucket_start_of(bucket_index(t)) == bucket_start(t).
  timestamp_ns bucket_start_of(std::int64_t n) const;
  // Canonical text: "1s", "15m", "1h", "1d", "1w", "1M"; largest exact unit wins ("60s" -> "1m").
  std::string to_string() const;
  // A duration for ordering and sanity checks (a month counts as 31 days).
  duration_ns nominal_length() const;

  bool operator==(const interval&) const = default;
  auto operator<=>(const interval&) const = default;
};

struct interval_parse_result {
  bool ok = false;
  interval value;
  std::string error; // says what was wrong and lists the valid forms
};

// Accepts "<N>s|m|h|d" (N >= 1), "1w", "1M" and the aliases "s<N>", "m<N>", "h<N>", "d<N>",
// "w1", "M1" that existing clients send.
interval_parse_result parse_interval(std::string_view text);
// Parses a comma-separated list ("1s,5s,1m"); rejects duplicates.
struct interval_list_parse_result {
  bool ok = false;
  std::vector<interval> values;
  std::string error;
};
interval_list_parse_result parse_interval_list(std::string_view text);

inline constexpr std::string_view valid_interval_forms =
  "valid intervals: <N>s, <N>m, <N>h, <N>d with N >= 1 (e.g. 1s, 5s, 1m, 15m, 1h, 1d), "
  "1w (calendar week from Monday 00:00 UTC), 1M (calendar month); aliases s1, m1, h1, d1, w1, M1";

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, interval& x) {
  return f(caf::meta::type_name("interval"), x.kind, x.length);
}

} // namespace cs
