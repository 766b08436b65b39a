#pragma once
// A (symbol, interval) that has candles, with its first and last bucket: what GET /api/v1/symbols
// lists and what the read path uses to tell an unknown symbol (404) from an empty range.
#include <caf/meta/type_name.hpp>

#include <string>

#include "messages/interval.hpp"
#include "messages/time.hpp"

namespace cs {

struct series_info {
  std::string symbol;
  interval iv;
  timestamp_ns first_open_time = 0;
  timestamp_ns last_open_time = 0;
  bool operator==(const series_info&) const = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, series_info& x) {
  return f(caf::meta::type_name("series_info"), x.symbol, x.iv, x.first_open_time, x.last_open_time);
}

} // namespace cs
