#include "messages/iso8601.hpp"

#include <cstdio>

#include "messages/civil_date.hpp"

namespace cs {
namespace {

constexpr int max_fraction_digits = 9; // nanoseconds
constexpr std::string_view bad_zone = "expected a zone: Z, +hh:mm or -hh:mm";

struct cursor {
  std::string_view s;
  std::size_t i = 0;

  bool at_end() const { return i == s.size(); }
  bool at(char c) const { return i < s.size() && s[i] == c; }
  bool take(char c) {
    if (!at(c)) return false;
    ++i;
    return true;
  }
  // Exactly `n` digits.
  bool digits(std::size_t n, unsigned& out) {
    if (s.size() - i < n) return false;
    unsigned v = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const char c = s[i + k];
      if (c < '0' || c > '9') return false;
      v = v * 10 + static_cast<unsigned>(c - '0');
    }
    i += n;
    out = v;
    return true;
  }
};

} // namespace

std::string parse_iso8601(std::string_view text, timestamp_ns& out) {
  cursor p{text};
  unsigned year = 0, month = 0, day = 0;
  if (!p.digits(4, year) || !p.take('-') || !p.digits(2, month) || !p.take('-') || !p.digits(2, day))
    return "not a time (expected YYYY-MM-DD at the start)";
  if (month < 1 || month > 12) return "no such date (month out of range)";
  if (day < 1 || day > days_in_month(year, month)) return "no such date (day out of range for the month)";

  unsigned hour = 0, minute = 0, second = 0;
  std::int64_t fraction_ns = 0;
  const bool has_time = p.at('T') || p.at('t') || p.at(' ');
  if (has_time) {
    const char separator = text[p.i++];
    if (!p.digits(2, hour) || !p.take(':') || !p.digits(2, minute))
      return separator == ' ' ? "expected hh:mm after the date" : "expected hh:mm after 'T'";
    if (p.take(':') && !p.digits(2, second)) return "expected two digits of seconds";
    if (hour > 23 || minute > 59 || second > 59) return "time of day out of range";
    if (p.at('.') || p.at(',')) {
      const char mark = text[p.i++];
      int n = 0;
      for (unsigned d = 0; p.digits(1, d); ++n)
        if (n < max_fraction_digits) fraction_ns = fraction_ns * 10 + d;
      if (n == 0) return std::string("expected digits after '") + mark + "'";
      for (int k = n; k < max_fraction_digits; ++k) fraction_ns *= 10;
    }
  }

  std::int64_t offset_s = 0;
  if (!p.at_end() && !p.take('Z') && !p.take('z')) {
    // After a bare date a ' ' was taken as the separator above, so only '+' and '-' reach here.
    const char sign = text[p.i++];
    if (sign != '+' && sign != '-' && sign != ' ')
      return has_time ? std::string(bad_zone) : "expected 'T' or a zone after the date";
    unsigned oh = 0, om = 0;
    if (!p.digits(2, oh)) return std::string(bad_zone);
    p.take(':');
    if (!p.at_end() && !p.digits(2, om)) return std::string(bad_zone);
    if (oh > 23 || om > 59) return "zone offset out of range";
    offset_s = (sign == '-' ? -1 : 1) * static_cast<std::int64_t>(oh * 3600 + om * 60);
  }
  if (!p.at_end()) return has_time ? "unexpected text after the time" : "unexpected text after the date";

  // A 4-digit year keeps these seconds far inside int64; nanoseconds may not be.
  const std::int64_t secs = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  std::int64_t ns = 0;
  if (__builtin_mul_overflow(secs, ns_per_s, &ns) || __builtin_add_overflow(ns, fraction_ns, &ns))
    return std::string(iso8601_out_of_range);
  out = ns;
  return {};
}

std::string format_iso8601(timestamp_ns t) {
  // Floor division: instants before 1970 have a negative day and a positive time of day.
  std::int64_t days = t / ns_per_day, rest = t % ns_per_day;
  if (rest < 0) {
    rest += ns_per_day;
    --days;
  }
  const auto date = civil_from_days(days);
  const auto secs = rest / ns_per_s;
  auto frac = rest % ns_per_s;
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld", static_cast<long long>(date.year), date.month,
                        date.day, static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                        static_cast<long long>(secs % 60));
  std::string out(buf, static_cast<std::size_t>(n));
  if (frac != 0) {
    int digits = 9;
    while (digits > 3 && frac % 1000 == 0) {
      frac /= 1000;
      digits -= 3;
    }
    n = std::snprintf(buf, sizeof buf, ".%0*lld", digits, static_cast<long long>(frac));
    out.append(buf, static_cast<std::size_t>(n));
  }
  out += 'Z';
  return out;
}

} // namespace cs
