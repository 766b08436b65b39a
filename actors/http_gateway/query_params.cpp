#include "actors/http_gateway/query_params.hpp"

#include <charconv>
#include <iterator>
#include <utility>

#include "messages/symbol.hpp"

namespace cs::api {
namespace {

constexpr std::string_view time_forms =
  "valid times: epoch milliseconds (e.g. 1732536000000; negative before 1970) or ISO-8601 "
  "(2024-11-25, 2024-11-25T12:00:00Z, 2024-11-25T12:00:00.123Z, 2024-11-25T12:00:00+02:00; "
  "no zone means UTC), from 1900-01-01 through 2200-12-31";
constexpr std::string_view seconds_forms =
  "valid times: whole epoch seconds (e.g. 1732536000; negative before 1970), "
  "from 1900-01-01 through 2200-12-31";
constexpr std::string_view resolution_forms =
  "valid resolutions: <N>S (seconds, e.g. 1S, 5S), <N> (minutes, e.g. 1, 15, 60, 240), "
  "<N>D or D (days), 1W or W (calendar week from Monday 00:00 UTC), 1M or M (calendar month)";
constexpr std::string_view fill_forms = "valid fills: none (gaps left out), null (empty bars without prices), "
                                        "prev (empty bars at the previous close)";

constexpr std::int64_t api_seconds_min = api_time_min / ns_per_s;
constexpr std::int64_t api_seconds_max = api_time_max / ns_per_s;
constexpr std::int64_t api_ms_min = api_time_min / ns_per_ms;
constexpr std::int64_t api_ms_max = api_time_max / ns_per_ms;

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}
static_assert(days_from_civil(1900, 1, 1) * ns_per_day == api_time_min);
static_assert(days_from_civil(2201, 1, 1) * ns_per_day - 1 == api_time_max);

constexpr unsigned days_in_month(std::int64_t y, unsigned m) {
  constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

// The client's value as the error message quotes it: bounded and printable, because it is
// echoed into a response body and into logs.
std::string quote(std::string_view value) {
  constexpr std::size_t max_shown = 40;
  std::string out = "'";
  for (std::size_t i = 0; i < value.size() && i < max_shown; ++i) {
    const char c = value[i];
    out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  }
  if (value.size() > max_shown) out.append("...");
  out.push_back('\'');
  return out;
}

template <class T>
api_result<T> bad(std::string_view name, std::string_view value, std::string_view why, std::string_view valid) {
  std::string msg = "invalid parameter '";
  msg.append(name).append("' = ").append(quote(value)).append(": ").append(why).append("; ").append(valid);
  return api_result<T>::failure(code_bad_parameter, std::move(msg));
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// An optionally negative decimal integer; false on junk. `overflow` tells out-of-range apart.
bool parse_int(std::string_view s, std::int64_t& out, bool& overflow) {
  overflow = false;
  if (!all_digits(!s.empty() && s.front() == '-' ? s.substr(1) : s)) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  overflow = ec == std::errc::result_out_of_range;
  return ec == std::errc{} && ptr == s.data() + s.size();
}

struct iso_cursor {
  std::string_view s;
  std::size_t i = 0;

  bool at_end() const { return i == s.size(); }
  bool take(char c) {
    if (i >= s.size() || s[i] != c) return false;
    ++i;
    return true;
  }
  bool digits(std::size_t n, int& out) {
    if (s.size() - i < n) return false;
    int v = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const char c = s[i + k];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    i += n;
    out = v;
    return true;
  }
};

// Returns the reason the text is not an accepted ISO-8601 instant, or empty on success.
std::string parse_iso(std::string_view text, timestamp_ns& out) {
  iso_cursor p{text};
  int year = 0, month = 0, day = 0;
  if (!p.digits(4, year) || !p.take('-') || !p.digits(2, month) || !p.take('-') || !p.digits(2, day))
    return "not a time (expected YYYY-MM-DD at the start)";
  if (month < 1 || month > 12) return "month out of range";
  if (day < 1 || static_cast<unsigned>(day) > days_in_month(year, static_cast<unsigned>(month)))
    return "day out of range for the month";
  int hour = 0, minute = 0, second = 0;
  std::int64_t fraction_ns = 0;
  std::int64_t offset_s = 0;
  if (!p.at_end()) {
    if (!p.take('T') && !p.take('t')) return "expected 'T' after the date";
    if (!p.digits(2, hour) || !p.take(':') || !p.digits(2, minute)) return "expected hh:mm after 'T'";
    if (p.take(':') && !p.digits(2, second)) return "expected two digits of seconds";
    if (hour > 23 || minute > 59 || second > 59) return "time of day out of range";
    if (p.take('.')) {
      int n = 0;
      for (int d = 0; n < 10 && p.digits(1, d); ++n) fraction_ns = fraction_ns * 10 + d;
      if (n == 0) return "expected digits after '.'";
      if (n > 9) return "more than 9 fraction digits";
      for (int k = n; k < 9; ++k) fraction_ns *= 10;
    }
    if (!p.at_end() && !p.take('Z') && !p.take('z')) {
      const char sign = p.s[p.i++];
      if (sign != '+' && sign != '-' && sign != ' ') return "expected a zone: Z, +hh:mm or -hh:mm";
      int oh = 0, om = 0;
      if (!p.digits(2, oh)) return "expected a zone: Z, +hh:mm or -hh:mm";
      if (!p.at_end()) {
        p.take(':');
        if (!p.digits(2, om)) return "expected a zone: Z, +hh:mm or -hh:mm";
      }
      if (oh > 23 || om > 59) return "zone offset out of range";
      offset_s = (sign == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    }
    if (!p.at_end()) return "unexpected text after the time";
  }
  // A 4-digit year keeps these seconds far inside int64; the range check precedes scaling to ns.
  const std::int64_t secs = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
                            hour * 3600 + minute * 60 + second - offset_s;
  if (secs < api_seconds_min || secs > api_seconds_max) return "out of range";
  out = secs * ns_per_s + fraction_ns;
  return {};
}

// One value of a parameter: absent, present, or an error when the client repeated it.
api_result<std::optional<std::string_view>> lookup(const query_map& q, std::string_view name) {
  using R = api_result<std::optional<std::string_view>>;
  const auto [lo, hi] = q.equal_range(std::string(name));
  if (lo == hi) return R::success(std::nullopt);
  if (std::next(lo) != hi)
    return R::failure(code_bad_parameter, std::string("parameter '").append(name).append("' given more than once"));
  return R::success(std::string_view(lo->second));
}

api_result<std::string_view> require(const query_map& q, std::string_view name, std::string_view valid) {
  auto v = lookup(q, name);
  if (!v.ok) return api_result<std::string_view>::failure(v);
  if (!v.value)
    return api_result<std::string_view>::failure(
      code_missing_parameter, std::string("missing parameter '").append(name).append("'; ").append(valid));
  return api_result<std::string_view>::success(*v.value);
}

api_result<std::optional<std::int64_t>> parse_countback(std::optional<std::string_view> text, std::int64_t max_limit) {
  using R = api_result<std::optional<std::int64_t>>;
  if (!text) return R::success(std::nullopt);
  std::int64_t n = 0;
  bool overflow = false;
  const bool ok = parse_int(*text, n, overflow);
  if (overflow && all_digits(*text)) return R::success(max_limit);
  if (!ok || n < 1) return bad<std::optional<std::int64_t>>("countback", *text, "expected a whole number >= 1",
                                                            "values above the maximum are clamped to it");
  return R::success(n < max_limit ? n : max_limit);
}

template <class ParseInterval>
api_result<history_query> parse_history(const query_map& q, limit_policy limits, std::string_view interval_name,
                                        std::string_view interval_valid, ParseInterval parse_iv) {
  using R = api_result<history_query>;
  history_query out;
  auto sym = require(q, "symbol", std::string("valid symbols: ").append(valid_symbol_form));
  if (!sym.ok) return R::failure(sym);
  auto s = parse_symbol(sym.value);
  if (!s.ok) return R::failure(s);
  out.symbol = std::move(s.value);

  auto iv_text = require(q, interval_name, interval_valid);
  if (!iv_text.ok) return R::failure(iv_text);
  auto iv = parse_iv(iv_text.value, interval_name);
  if (!iv.ok) return R::failure(iv);
  out.iv = iv.value;

  for (auto [name, field] : {std::pair{"from", &out.from}, std::pair{"to", &out.to}}) {
    auto text = require(q, name, seconds_forms);
    if (!text.ok) return R::failure(text);
    auto t = parse_epoch_seconds(text.value, name);
    if (!t.ok) return R::failure(t);
    *field = t.value;
  }
  if (out.from > out.to) return R::failure(code_bad_parameter, "parameter 'from' must not be after 'to'");

  auto cb = lookup(q, "countback");
  if (!cb.ok) return R::failure(cb);
  auto countback = parse_countback(cb.value, limits.max_limit);
  if (!countback.ok) return R::failure(countback);
  out.countback = countback.value;

  auto fill_text = lookup(q, "fill");
  if (!fill_text.ok) return R::failure(fill_text);
  if (fill_text.value) {
    auto f = parse_fill(*fill_text.value);
    if (!f.ok) return R::failure(f);
    out.fill = f.value;
  }
  return R::success(std::move(out));
}

} // namespace

api_result<timestamp_ns> parse_api_time(std::string_view text, std::string_view name) {
  using R = api_result<timestamp_ns>;
  std::int64_t ms = 0;
  bool overflow = false;
  if (parse_int(text, ms, overflow) || overflow) {
    if (overflow || ms < api_ms_min || ms > api_ms_max) return bad<timestamp_ns>(name, text, "out of range", time_forms);
    return R::success(ms * ns_per_ms);
  }
  timestamp_ns t = 0;
  const std::string why = parse_iso(text, t);
  if (!why.empty()) return bad<timestamp_ns>(name, text, why, time_forms);
  return R::success(t);
}

api_result<timestamp_ns> parse_epoch_seconds(std::string_view text, std::string_view name) {
  std::int64_t secs = 0;
  bool overflow = false;
  if (!parse_int(text, secs, overflow) && !overflow)
    return bad<timestamp_ns>(name, text, "not a whole number of seconds", seconds_forms);
  if (overflow || secs < api_seconds_min || secs > api_seconds_max)
    return bad<timestamp_ns>(name, text, "out of range", seconds_forms);
  return api_result<timestamp_ns>::success(secs * ns_per_s);
}

api_result<std::int64_t> parse_limit(std::optional<std::string_view> text, std::int64_t default_limit,
                                     std::int64_t max_limit, std::string_view name) {
  if (!text) return api_result<std::int64_t>::success(default_limit);
  std::int64_t n = 0;
  bool overflow = false;
  if (!parse_int(*text, n, overflow) || n < 1 || n > max_limit) {
    std::string valid = "valid limits: whole numbers from 1 to ";
    valid.append(std::to_string(max_limit)).append(" (default ").append(std::to_string(default_limit)).append(")");
    return bad<std::int64_t>(name, *text, "out of range or not a whole number", valid);
  }
  return api_result<std::int64_t>::success(n);
}

api_result<std::string> parse_symbol(std::string_view text, std::string_view name) {
  if (!is_valid_symbol(text))
    return bad<std::string>(name, text, "not a valid symbol", std::string("valid symbols: ").append(valid_symbol_form));
  return api_result<std::string>::success(std::string(text));
}

api_result<interval> parse_interval_param(std::string_view text, std::string_view name) {
  auto r = parse_interval(text);
  if (!r.ok)
    return api_result<interval>::failure(code_bad_parameter,
                                         std::string("invalid parameter '").append(name).append("': ").append(r.error));
  return api_result<interval>::success(r.value);
}

api_result<interval> parse_udf_resolution(std::string_view text, std::string_view name) {
  using R = api_result<interval>;
  if (text.empty()) return bad<interval>(name, text, "empty", resolution_forms);
  std::string_view count = text;
  char unit = 0; // 0: minutes
  if (const char last = text.back(); last == 'S' || last == 'D' || last == 'W' || last == 'M') {
    unit = last;
    count.remove_suffix(1);
  }
  std::int64_t n = 1;
  bool overflow = false;
  if ((unit == 0 || !count.empty()) && (!all_digits(count) || !parse_int(count, n, overflow) || n < 1))
    return bad<interval>(name, text, overflow ? "longer than 366 days" : "the count must be a whole number >= 1",
                         resolution_forms);
  if (unit == 'W') return n == 1 ? R::success(interval::week()) : bad<interval>(name, text, "only 1W (the calendar week) is servable", resolution_forms);
  if (unit == 'M') return n == 1 ? R::success(interval::month()) : bad<interval>(name, text, "only 1M (the calendar month) is servable", resolution_forms);
  const duration_ns unit_ns = unit == 'S' ? ns_per_s : unit == 'D' ? ns_per_day : ns_per_min;
  if (n > max_interval_length / unit_ns) return bad<interval>(name, text, "longer than 366 days", resolution_forms);
  return R::success(interval::fixed(n * unit_ns));
}

std::string to_udf_resolution(interval iv) {
  switch (iv.kind) {
    case interval_kind::week: return "1W";
    case interval_kind::month: return "1M";
    case interval_kind::fixed: break;
  }
  if (iv.length <= 0) return {};
  if (iv.length % ns_per_day == 0) return std::to_string(iv.length / ns_per_day).append("D");
  if (iv.length % ns_per_min == 0) return std::to_string(iv.length / ns_per_min);
  if (iv.length % ns_per_s == 0) return std::to_string(iv.length / ns_per_s).append("S");
  return {};
}

api_result<fill_mode> parse_fill(std::string_view text, std::string_view name) {
  using R = api_result<fill_mode>;
  if (text == "none") return R::success(fill_mode::none);
  if (text == "null") return R::success(fill_mode::null);
  if (text == "prev") return R::success(fill_mode::prev);
  return bad<fill_mode>(name, text, "unknown fill", fill_forms);
}

api_result<candles_query> parse_candles_query(const query_map& q, limit_policy limits) {
  using R = api_result<candles_query>;
  candles_query out;
  auto sym = require(q, "symbol", std::string("valid symbols: ").append(valid_symbol_form));
  if (!sym.ok) return R::failure(sym);
  auto s = parse_symbol(sym.value);
  if (!s.ok) return R::failure(s);
  out.symbol = std::move(s.value);

  auto iv_text = require(q, "interval", valid_interval_forms);
  if (!iv_text.ok) return R::failure(iv_text);
  auto iv = parse_interval_param(iv_text.value);
  if (!iv.ok) return R::failure(iv);
  out.iv = iv.value;

  for (auto [name, field] : {std::pair{"from", &out.from}, std::pair{"to", &out.to}}) {
    auto text = lookup(q, name);
    if (!text.ok) return R::failure(text);
    if (!text.value) continue;
    auto t = parse_api_time(*text.value, name);
    if (!t.ok) return R::failure(t);
    *field = t.value;
  }
  if (out.from && out.to && *out.from > *out.to)
    return R::failure(code_bad_parameter, "parameter 'from' must not be after 'to'");

  auto limit_text = lookup(q, "limit");
  if (!limit_text.ok) return R::failure(limit_text);
  auto limit = parse_limit(limit_text.value, limits.default_limit, limits.max_limit);
  if (!limit.ok) return R::failure(limit);
  out.limit = limit.value;

  auto fill_text = lookup(q, "fill");
  if (!fill_text.ok) return R::failure(fill_text);
  if (fill_text.value) {
    auto f = parse_fill(*fill_text.value);
    if (!f.ok) return R::failure(f);
    out.fill = f.value;
  }
  return R::success(std::move(out));
}

api_result<history_query> parse_history_query(const query_map& q, limit_policy limits) {
  return parse_history(q, limits, "interval", valid_interval_forms,
                       [](std::string_view t, std::string_view n) { return parse_interval_param(t, n); });
}

api_result<history_query> parse_udf_history_query(const query_map& q, limit_policy limits) {
  return parse_history(q, limits, "resolution", resolution_forms,
                       [](std::string_view t, std::string_view n) { return parse_udf_resolution(t, n); });
}

} // namespace cs::api
