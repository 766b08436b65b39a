#pragma once
// One bid/ask quote as read from `market-events`, with where it came from in Kafka.
#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>

#include "messages/time.hpp"

namespace cs {

struct bid_ask_event {
  std::string symbol;
  double bid = 0;
  double ask = 0;
  std::int64_t bid_size_units = 0; // fixed-point sizes (messages/size_units.hpp); 0 when absent
  std::int64_t ask_size_units = 0;
  timestamp_ns ts = 0;
  std::int32_t partition = -1;
  std::int64_t offset = -1;

  // Mid price: the price candles are built from.
  double price() const { return (bid + ask) / 2; }
  bool operator==(const bid_ask_event&) const = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, bid_ask_event& x) {
  return f(caf::meta::type_name("bid_ask_event"), x.symbol, x.bid, x.ask, x.bid_size_units,
           x.ask_size_units, x.ts, x.partition, x.offset);
}

} // namespace cs
