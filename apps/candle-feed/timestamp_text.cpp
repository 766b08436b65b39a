#include "timestamp_text.hpp"

#include <string>

#include "messages/iso8601.hpp"

namespace cs::feed {
namespace {

using runtime::failure;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

failure fail(std::string_view what, std::string_view text) {
  return failure{std::string(what) + " '" + std::string(text) + "'"};
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

// cs::parse_iso8601 takes forms the HTTP API needs that CSV files have never been allowed; on its
// success, refuses them. The text is then well formed: a date, and a time after a separator at
// [10] (or a zone right after the date).
std::string feed_iso_form(std::string_view text) {
  constexpr std::size_t date_length = 10; // YYYY-MM-DD
  constexpr std::size_t minutes_end = 16; // YYYY-MM-DDTHH:MM
  if (text.find(' ', date_length + 1) != std::string_view::npos) // past the separator: a zone's sign
    return "bad time zone (a ' ' for a '+')";
  if (text.size() > minutes_end && (text[minutes_end] == '.' || text[minutes_end] == ','))
    return "a fraction of a second needs the seconds (HH:MM:SS.f)";
  return {};
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

runtime::result<timestamp_ns> parse_iso8601(std::string_view text) {
  timestamp_ns t = 0;
  std::string why = cs::parse_iso8601(text, t);
  if (why.empty()) why = feed_iso_form(text);
  if (!why.empty()) return failure{why.append(" in ISO-8601 time '").append(text).append("'")};
  return t;
}

} // namespace cs::feed
