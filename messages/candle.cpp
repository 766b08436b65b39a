#include "messages/candle.hpp"

#include <cmath>

#include "messages/symbol.hpp"

namespace cs {

std::string check_candle(const candle& c) {
  if (!is_valid_symbol(c.symbol)) return "bad symbol";
  const bool calendar = c.iv.kind == interval_kind::week || c.iv.kind == interval_kind::month;
  if (c.iv.kind != interval_kind::fixed && !calendar) return "bad interval kind";
  if (calendar ? c.iv.length != 0 : (c.iv.length <= 0 || c.iv.length > max_interval_length))
    return "bad interval length";
  // Keeps bucket arithmetic far from int64 overflow (about +-146 years around 1970).
  constexpr timestamp_ns time_limit = 4'600'000'000 * ns_per_s;
  if (c.open_time < -time_limit || c.open_time > time_limit) return "open time out of range";
  if (c.iv.bucket_start(c.open_time) != c.open_time || c.iv.bucket_end(c.open_time) != c.close_time)
    return "open/close time not a bucket of the interval";
  const auto& b = c.bar;
  for (double p : {b.open, b.high, b.low, b.close})
    if (!std::isfinite(p)) return "non-finite price";
  if (!(b.low <= b.open && b.open <= b.high && b.low <= b.close && b.close <= b.high)) return "prices out of order";
  if (b.volume == 0) return "zero volume";
  if (b.last < b.first) return "last event before first event";
  return {};
}

void merge_candles(candle& into, const candle& other) {
  into.bar.merge(other.bar);
  into.closed = into.closed || other.closed;
}

} // namespace cs
