#include "actors/http_gateway/query_params.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <utility>

#include "messages/civil_date.hpp"
#include "messages/iso8601.hpp"
#include "messages/symbol.hpp"
#include "messages/quoted_value.hpp"

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

// The API range is whole days.
static_assert(days_from_civil(1900, 1, 1) * ns_per_day == api_time_min);
static_assert(days_from_civil(2201, 1, 1) * ns_per_day - 1 == api_time_max);

template <class T>
api_result<T> bad(std::string_view name, std::string_view value, std::string_view why, std::string_view valid) {
  std::string msg = "invalid parameter '";
  msg.append(name).append("' = ").append(quoted_value(value)).append(": ").append(why).append("; ").append(valid);
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

// parse_iso8601 (messages/iso8601.hpp) takes more forms than the API documents (docs/openapi.yaml):
// these refuse the extras with the reasons the API has always given, in the order it gave them.
constexpr std::size_t iso_date_length = 10; // YYYY-MM-DD

// Whether a valid date is followed by something other than 'T' (a ' ' separator, or a zone).
bool date_without_t(std::string_view text) {
  if (text.size() <= iso_date_length || text[iso_date_length] == 'T' || text[iso_date_length] == 't') return false;
  timestamp_ns ignored = 0;
  const std::string why = parse_iso8601(text.substr(0, iso_date_length), ignored);
  return why.empty() || why == iso8601_out_of_range;
}

// On well-formed text (a date, 'T', a time, maybe a fraction and a zone): a ',' for the decimal
// point, more than 9 fraction digits, or a zone "+hh:".
std::string api_time_form(std::string_view text) {
  constexpr std::size_t max_fraction_digits = 9;
  constexpr std::string_view bad_zone = "expected a zone: Z, +hh:mm or -hh:mm";
  if (const auto mark = text.find_first_of(".,"); mark != std::string_view::npos) {
    if (text[mark] == ',') return std::string(bad_zone);
    const auto end = std::min(text.find_first_not_of("0123456789", mark + 1), text.size());
    if (end - mark - 1 > max_fraction_digits) return "more than 9 fraction digits";
  }
  if (text.back() == ':') return std::string(bad_zone);
  return {};
}

// Returns the reason the text is not an accepted ISO-8601 time in the API's range, or empty.
std::string parse_iso(std::string_view text, timestamp_ns& out) {
  if (date_without_t(text)) return "expected 'T' after the date";
  timestamp_ns t = 0;
  const std::string why = parse_iso8601(text, t);
  if (why.empty() || why == iso8601_out_of_range) // well formed: the API's forms first, then its range
    if (auto form = api_time_form(text); !form.empty()) return form;
  if (why == iso8601_out_of_range) return "out of range";
  if (!why.empty()) return why;
  if (t < api_time_min || t > api_time_max) return "out of range";
  out = t;
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

// `fill`, none when absent.
api_result<fill_mode> optional_fill(const query_map& q) {
  auto text = lookup(q, "fill");
  if (!text.ok) return api_result<fill_mode>::failure(text);
  if (!text.value) return api_result<fill_mode>::success(fill_mode::none);
  return parse_fill(*text.value);
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

  auto fill = optional_fill(q);
  if (!fill.ok) return R::failure(fill);
  out.fill = fill.value;
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

  auto fill = optional_fill(q);
  if (!fill.ok) return R::failure(fill);
  out.fill = fill.value;
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

api_result<std::optional<std::string_view>> single_param(const query_map& q, std::string_view name) {
  return lookup(q, name);
}

api_result<std::string> parse_symbol_prefix(std::string_view text, std::string_view name) {
  // Any start of a valid symbol is a valid prefix: check it as a symbol with a harmless tail.
  const std::string probe = text.size() < max_symbol_length ? std::string(text).append("0") : std::string(text);
  if (text.empty() || is_valid_symbol(probe))
    return api_result<std::string>::success(std::string(text));
  return api_result<std::string>::failure(code_bad_parameter, std::string("invalid parameter '")
                                                                  .append(name)
                                                                  .append("': must be the start of a symbol, ")
                                                                  .append(valid_symbol_form));
}

} // namespace cs::api
