#include "timestamp_text.hpp"

#include <array>
#include <string>

namespace cs::feed {
namespace {

using runtime::failure;
constexpr int max_fraction_digits = 9; // nanoseconds

bool is_digit(char c) { return c >= '0' && c <= '9'; }

failure fail(std::string_view what, std::string_view text) {
  return failure{std::string(what) + " '" + std::string(text) + "'"};
}

// Reads exactly `n` digits at `pos` into `out`.
bool fixed_digits(std::string_view s, std::size_t& pos, std::size_t n, unsigned& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!is_digit(s[pos + i])) return false;
    out = out * 10 + static_cast<unsigned>(s[pos + i] - '0');
  }
  pos += n;
  return true;
}

// A fraction of a second ".123" at `pos` (after the dot) as nanoseconds; extra digits dropped.
bool fraction_ns(std::string_view s, std::size_t& pos, std::int64_t& out) {
  out = 0;
  int digits = 0;
  const std::size_t start = pos;
  for (; pos < s.size() && is_digit(s[pos]); ++pos) {
    if (digits < max_fraction_digits) {
      out = out * 10 + (s[pos] - '0');
      ++digits;
    }
  }
  for (; digits < max_fraction_digits; ++digits) out *= 10;
  return pos > start;
}

bool leap_year(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(std::int64_t y, unsigned m) {
  constexpr std::array<unsigned, 12> days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  constexpr unsigned february = 2;
  return m == february && leap_year(y) ? days[m - 1] + 1 : days[m - 1];
}

// "+HH:MM", "+HHMM", "+HH", "Z" at `pos`; the offset east of UTC in seconds.
bool zone_offset(std::string_view s, std::size_t& pos, std::int64_t& offset_s) {
  offset_s = 0;
  if (pos == s.size()) return true;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
    return true;
  }
  if (s[pos] != '+' && s[pos] != '-') return false;
  const int sign = s[pos] == '-' ? -1 : 1;
  ++pos;
  constexpr unsigned max_offset_hours = 23;
  constexpr unsigned max_offset_minutes = 59;
  unsigned hh = 0, mm = 0;
  if (!fixed_digits(s, pos, 2, hh) || hh > max_offset_hours) return false;
  if (pos < s.size() && s[pos] == ':') ++pos;
  if (pos < s.size() && (!fixed_digits(s, pos, 2, mm) || mm > max_offset_minutes)) return false;
  offset_s = sign * static_cast<std::int64_t>(hh * 3600 + mm * 60);
  return true;
}

// "[-+]digits[.digits]" times 10^exponent nanoseconds, exactly, with overflow checks.
runtime::result<timestamp_ns> scaled_decimal(std::string_view text, int exponent) {
  std::size_t pos = 0;
  bool negative = false;
  if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) negative = text[pos++] == '-';
  __int128 whole = 0;
  const std::size_t digits_start = pos;
  constexpr __int128 whole_limit = static_cast<__int128>(INT64_MAX) * 10;
  for (; pos < text.size() && is_digit(text[pos]); ++pos) {
    whole = whole * 10 + (text[pos] - '0');
    if (whole > whole_limit) return fail("timestamp out of range", text);
  }
  bool any_digit = pos > digits_start;
  __int128 scale = 1;
  for (int i = 0; i < exponent; ++i) scale *= 10;
  __int128 value = whole * scale;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    __int128 place = scale;
    for (; pos < text.size() && is_digit(text[pos]); ++pos) {
      any_digit = true;
      place /= 10; // 0 once finer than a nanosecond: those digits are dropped
      value += place * (text[pos] - '0');
    }
  }
  if (!any_digit || pos != text.size()) return fail("not a number", text);
  if (negative) value = -value;
  if (value > INT64_MAX || value < INT64_MIN) return fail("timestamp out of range", text);
  return static_cast<timestamp_ns>(value);
}

} // namespace

std::optional<ts_unit> parse_ts_unit(std::string_view text) {
  if (text == "s") return ts_unit::s;
  if (text == "ms") return ts_unit::ms;
  if (text == "us") return ts_unit::us;
  if (text == "ns") return ts_unit::ns;
  if (text == "iso") return ts_unit::iso;
  return std::nullopt;
}

runtime::result<timestamp_ns> parse_timestamp(std::string_view text, ts_unit unit) {
  constexpr int s_exponent = 9, ms_exponent = 6, us_exponent = 3, ns_exponent = 0;
  switch (unit) {
    case ts_unit::s: return scaled_decimal(text, s_exponent);
    case ts_unit::ms: return scaled_decimal(text, ms_exponent);
    case ts_unit::us: return scaled_decimal(text, us_exponent);
    case ts_unit::ns: return scaled_decimal(text, ns_exponent);
    case ts_unit::iso: return parse_iso8601(text);
  }
  return fail("unknown timestamp unit for", text);
}

runtime::result<timestamp_ns> parse_iso8601(std::string_view s) {
  constexpr unsigned months_per_year = 12;
  constexpr unsigned max_hour = 23, max_minute = 59, max_second = 59;
  std::size_t pos = 0;
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!fixed_digits(s, pos, 4, year) || pos >= s.size() || s[pos++] != '-' ||
      !fixed_digits(s, pos, 2, month) || pos >= s.size() || s[pos++] != '-' ||
      !fixed_digits(s, pos, 2, day))
    return fail("not an ISO-8601 date (YYYY-MM-DD...)", s);
  if (month < 1 || month > months_per_year || day < 1 || day > days_in_month(year, month))
    return fail("no such date", s);
  std::int64_t frac = 0;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == 't' || s[pos] == ' ')) {
    ++pos;
    if (!fixed_digits(s, pos, 2, hour) || pos >= s.size() || s[pos++] != ':' ||
        !fixed_digits(s, pos, 2, minute))
      return fail("not an ISO-8601 time (THH:MM[:SS[.f]])", s);
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      if (!fixed_digits(s, pos, 2, second)) return fail("not an ISO-8601 time (seconds)", s);
      if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
        ++pos;
        if (!fraction_ns(s, pos, frac)) return fail("empty fraction of a second in", s);
      }
    }
    // A leap second (:60) has no place in epoch time; reject rather than guess.
    if (hour > max_hour || minute > max_minute || second > max_second)
      return fail("time of day out of range", s);
  }
  std::int64_t offset_s = 0;
  if (!zone_offset(s, pos, offset_s) || pos != s.size()) return fail("bad ISO-8601 time zone in", s);

  constexpr std::int64_t s_per_day = 86400;
  const std::int64_t seconds = days_from_civil(year, month, day) * s_per_day + hour * 3600 +
                               minute * 60 + second - offset_s;
  std::int64_t ns = 0;
  if (__builtin_mul_overflow(seconds, ns_per_s, &ns) || __builtin_add_overflow(ns, frac, &ns))
    return fail("timestamp out of range (int64 nanoseconds span 1677..2262)", s);
  return ns;
}

} // namespace cs::feed
