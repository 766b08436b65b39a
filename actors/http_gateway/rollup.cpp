#include "actors/http_gateway/rollup.hpp"

#include <algorithm>
#include <utility>

namespace cs::api {
namespace {

bool nests_in(interval source, interval wanted) {
  if (source.kind != interval_kind::fixed || source.length <= 0) return false;
  switch (wanted.kind) {
    case interval_kind::fixed: return wanted.length % source.length == 0;
    case interval_kind::week:
    case interval_kind::month: return ns_per_day % source.length == 0;
  }
  return false;
}

// The first bucket start at or after t.
timestamp_ns ceil_to_bucket(interval iv, timestamp_ns t) {
  const timestamp_ns start = iv.bucket_start(t);
  return start == t ? t : iv.bucket_end(start);
}

} // namespace

api_result<interval> plan_source(interval wanted, const std::vector<interval>& stored) {
  if (std::find(stored.begin(), stored.end(), wanted) != stored.end()) return api_result<interval>::success(wanted);
  const interval* best = nullptr;
  for (const interval& s : stored)
    if (nests_in(s, wanted) && (!best || s.length > best->length)) best = &s;
  if (best) return api_result<interval>::success(*best);

  std::vector<interval> sorted = stored;
  std::sort(sorted.begin(), sorted.end(),
            [](const interval& a, const interval& b) { return a.nominal_length() < b.nominal_length(); });
  std::string list;
  for (const interval& s : sorted) list.append(list.empty() ? "" : ", ").append(s.to_string());
  std::string msg = "interval '";
  msg.append(wanted.to_string())
    .append("' cannot be served: stored intervals are ")
    .append(list.empty() ? "none" : list)
    .append("; servable are the stored intervals, whole multiples of a stored fixed interval, and 1w and 1M "
            "when a stored fixed interval divides 1d");
  return api_result<interval>::failure(code_unsupported_interval, std::move(msg));
}

std::vector<interval> servable_intervals(const std::vector<interval>& candidates, const std::vector<interval>& stored) {
  std::vector<interval> out;
  for (const interval& c : candidates)
    if (std::find(out.begin(), out.end(), c) == out.end() && plan_source(c, stored).ok) out.push_back(c);
  return out;
}

time_range source_range(interval wanted, timestamp_ns from, timestamp_ns to) {
  return {ceil_to_bucket(wanted, from), ceil_to_bucket(wanted, to)};
}

std::vector<candle> roll_up(const std::vector<candle>& source, interval wanted, timestamp_ns frontier) {
  std::vector<candle> out;
  for (const candle& c : source) {
    const timestamp_ns start = wanted.bucket_start(c.open_time);
    if (!out.empty() && out.back().open_time == start) {
      merge_candles(out.back(), c);
      continue;
    }
    candle& r = out.emplace_back(c);
    r.iv = wanted;
    r.open_time = start;
    r.close_time = wanted.bucket_end(start);
  }
  // merge_candles ORs `closed`; a rolled-up bucket is final only once the frontier passed all of it.
  for (candle& r : out) r.closed = r.close_time <= frontier;
  return out;
}

api_result<std::vector<filled_bar>> apply_fill(std::vector<candle> in, interval iv, timestamp_ns from,
                                               timestamp_ns to, fill_mode mode, std::size_t max_bars) {
  using R = api_result<std::vector<filled_bar>>;
  auto too_many = [&] {
    return R::failure(code_too_many_bars, std::string("the answer would hold more than ")
                                            .append(std::to_string(max_bars))
                                            .append(" bars; narrow 'from'/'to', lower the limit, use a coarser "
                                                    "interval or fill=none"));
  };
  if (in.size() > max_bars) return too_many();
  std::vector<filled_bar> out;
  out.reserve(in.size());
  if (in.empty()) return R::success(std::move(out));

  const timestamp_ns lo = ceil_to_bucket(iv, std::max(from, in.front().open_time));
  const timestamp_ns hi = std::min(to, in.back().close_time);
  std::size_t count = in.size();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (i > 0 && mode != fill_mode::none) {
      // Copies, not references into `out`: pushing filled bars may reallocate it.
      const timestamp_ns prev_open = out.back().c.open_time;
      const double prev_close = out.back().c.bar.close;
      const candle& next = in[i];
      const timestamp_ns end = std::min(next.open_time, hi);
      for (timestamp_ns t = std::max(iv.bucket_end(iv.bucket_start(prev_open)), lo); t < end; t = iv.bucket_end(t)) {
        if (++count > max_bars) return too_many();
        filled_bar f;
        f.filled = true;
        f.has_prices = mode == fill_mode::prev;
        f.c.symbol = next.symbol;
        f.c.iv = iv;
        f.c.open_time = t;
        f.c.close_time = iv.bucket_end(t);
        f.c.closed = next.closed;
        if (f.has_prices) f.c.bar.open = f.c.bar.high = f.c.bar.low = f.c.bar.close = prev_close;
        out.push_back(std::move(f));
      }
    }
    out.push_back({std::move(in[i]), false, true});
  }
  return R::success(std::move(out));
}

} // namespace cs::api
