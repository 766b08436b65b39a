#include "messages/interval.hpp"

#include <charconv>

#include "messages/civil_date.hpp"

namespace cs {
namespace {

// 1970-01-01 was a Thursday; the Monday that starts its week is 3 days earlier.
constexpr timestamp_ns monday_epoch = -3 * ns_per_day;

struct unit_def {
  char suffix;
  duration_ns length;
};
constexpr unit_def fixed_units[] = {{'d', ns_per_day}, {'h', ns_per_hour}, {'m', ns_per_min}, {'s', ns_per_s}};

bool parse_count(std::string_view digits, std::int64_t& out) {
  if (digits.empty()) return false;
  const auto* end = digits.data() + digits.size();
  auto [ptr, ec] = std::from_chars(digits.data(), end, out);
  return ec == std::errc{} && ptr == end && out >= 1;
}

interval_parse_result fail(std::string_view text, std::string_view why) {
  std::string msg = "invalid interval '";
  msg.append(text).append("': ").append(why).append("; ").append(valid_interval_forms);
  return {false, {}, std::move(msg)};
}

} // namespace

timestamp_ns interval::bucket_start(timestamp_ns t) const {
  switch (kind) {
    case interval_kind::fixed: return floor_div(t, length) * length;
    case interval_kind::week: return floor_div(t - monday_epoch, ns_per_week) * ns_per_week + monday_epoch;
    case interval_kind::month: {
      const auto ym = civil_from_days(floor_div(t, ns_per_day));
      return days_from_civil(ym.year, ym.month, 1) * ns_per_day;
    }
  }
  return t;
}

std::int64_t interval::bucket_index(timestamp_ns t) const {
  switch (kind) {
    case interval_kind::fixed: return floor_div(t, length);
    case interval_kind::week: return floor_div(t - monday_epoch, ns_per_week);
    case interval_kind::month: {
      const auto ym = civil_from_days(floor_div(t, ns_per_day));
      return (ym.year - 1970) * 12 + static_cast<std::int64_t>(ym.month) - 1;
    }
  }
  return 0;
}

timestamp_ns interval::bucket_start_of(std::int64_t n) const {
  switch (kind) {
    case interval_kind::fixed: return n * length;
    case interval_kind::week: return n * ns_per_week + monday_epoch;
    case interval_kind::month: {
      const auto year = 1970 + floor_div(n, 12);
      const auto month = static_cast<unsigned>(n - floor_div(n, 12) * 12) + 1;
      return days_from_civil(year, month, 1) * ns_per_day;
    }
  }
  return 0;
}

timestamp_ns interval::bucket_end(timestamp_ns start) const {
  switch (kind) {
    case interval_kind::fixed: return start + length;
    case interval_kind::week: return start + ns_per_week;
    case interval_kind::month: {
      const auto ym = civil_from_days(floor_div(start, ns_per_day));
      return ym.month == 12 ? days_from_civil(ym.year + 1, 1, 1) * ns_per_day
                            : days_from_civil(ym.year, ym.month + 1, 1) * ns_per_day;
    }
  }
  return start;
}

duration_ns interval::nominal_length() const {
  switch (kind) {
    case interval_kind::fixed: return length;
    case interval_kind::week: return ns_per_week;
    case interval_kind::month: return 31 * ns_per_day;
  }
  return length;
}

std::string interval::to_string() const {
  switch (kind) {
    case interval_kind::week: return "1w";
    case interval_kind::month: return "1M";
    case interval_kind::fixed: break;
  }
  for (const auto& u : fixed_units)
    if (length % u.length == 0) return std::to_string(length / u.length) + u.suffix;
  return std::to_string(length) + "ns"; // unreachable for parsed intervals (whole seconds)
}

interval_parse_result parse_interval(std::string_view text) {
  if (text.empty()) return fail(text, "empty");
  if (text == "1w" || text == "w1") return {true, interval::week(), {}};
  if (text == "1M" || text == "M1") return {true, interval::month(), {}};
  // "<N><unit>" or the alias "<unit><N>".
  char unit = 0;
  std::string_view digits;
  if (text.size() >= 2 && (text.back() < '0' || text.back() > '9')) {
    unit = text.back();
    digits = text.substr(0, text.size() - 1);
  } else {
    unit = text.front();
    digits = text.substr(1);
  }
  if (unit == 'w' || unit == 'M') return fail(text, "calendar intervals exist only as 1w and 1M");
  for (const auto& u : fixed_units) {
    if (u.suffix != unit) continue;
    std::int64_t n = 0;
    if (!parse_count(digits, n)) return fail(text, "the count must be a whole number >= 1");
    if (n > max_interval_length / u.length) return fail(text, "longer than 366d");
    return {true, interval::fixed(n * u.length), {}};
  }
  return fail(text, "unknown unit");
}

interval_list_parse_result parse_interval_list(std::string_view text) {
  interval_list_parse_result out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    auto item = text.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    auto one = parse_interval(item);
    if (!one.ok) return {false, {}, std::move(one.error)};
    for (const auto& have : out.values)
      if (have == one.value) return {false, {}, "interval '" + std::string(item) + "' listed twice"};
    out.values.push_back(one.value);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  if (out.values.empty()) return {false, {}, std::string("no interval given; ").append(valid_interval_forms)};
  out.ok = true;
  return out;
}

} // namespace cs
