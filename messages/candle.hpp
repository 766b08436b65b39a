#pragma once
// A candle (OHLCV bar) of one symbol and interval, and the key that names it.
// Besides OHLCV it carries the (time, offset) of its first and last event so that open/close stay
// exact when partial candles are merged or an event is replayed after a restart.
#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>

#include "messages/interval.hpp"
#include "messages/size_units.hpp"
#include "messages/time.hpp"

namespace cs {

struct candle_key {
  std::string symbol;
  interval iv;
  bool operator==(const candle_key&) const = default;
  auto operator<=>(const candle_key&) const = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, candle_key& x) {
  return f(caf::meta::type_name("candle_key"), x.symbol, x.iv);
}

// Position of an event in its stream: ordering by (ts, offset) decides open and close.
struct event_pos {
  timestamp_ns ts = 0;
  std::int64_t offset = 0;
  auto operator<=>(const event_pos&) const = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, event_pos& x) {
  return f(caf::meta::type_name("event_pos"), x.ts, x.offset);
}

// The aggregate of the events of one bucket.
struct ohlcv {
  double open = 0;
  double high = 0;
  double low = 0;
  double close = 0;
  std::uint64_t volume = 0; // number of events
  size_sum bid_size;
  size_sum ask_size;
  event_pos first; // event that set `open`
  event_pos last;  // event that set `close`

  // Inline: these run per event and interval on the hot path.
  static ohlcv of_event(double price, std::uint64_t bid_units, std::uint64_t ask_units, event_pos pos) {
    ohlcv b;
    b.open = b.high = b.low = b.close = price;
    b.volume = 1;
    b.bid_size.add(bid_units);
    b.ask_size.add(ask_units);
    b.first = b.last = pos;
    return b;
  }
  // Adds one event of the same bucket.
  void add(double price, std::uint64_t bid_units, std::uint64_t ask_units, event_pos pos) {
    merge(of_event(price, bid_units, ask_units, pos));
  }
  // Folds the aggregate of other events of the same bucket in. Exact, commutative, associative.
  void merge(const ohlcv& other) {
    if (other.first < first) {
      first = other.first;
      open = other.open;
    }
    if (last < other.last) {
      last = other.last;
      close = other.close;
    }
    high = other.high > high ? other.high : high;
    low = other.low < low ? other.low : low;
    volume += other.volume;
    bid_size.add(other.bid_size);
    ask_size.add(other.ask_size);
  }
  bool operator==(const ohlcv&) const = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ohlcv& x) {
  return f(caf::meta::type_name("ohlcv"), x.open, x.high, x.low, x.close, x.volume, x.bid_size,
           x.ask_size, x.first, x.last);
}

struct candle {
  std::string symbol;
  interval iv;
  timestamp_ns open_time = 0;  // bucket start, inclusive
  timestamp_ns close_time = 0; // bucket end, exclusive
  ohlcv bar;
  bool closed = false; // final: the watermark passed close_time

  candle_key key() const { return {symbol, iv}; }
  bool operator==(const candle&) const = default;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, candle& x) {
  return f(caf::meta::type_name("candle"), x.symbol, x.iv, x.open_time, x.close_time, x.bar, x.closed);
}

// Checks what every real candle satisfies (finite prices, low <= open/close <= high, a sane
// interval and bucket, at least one event). Decoders of stored or received candles call it.
// Returns an empty string when the candle is sound, else what is wrong.
std::string check_candle(const candle& c);

// Merges two partial candles of the same symbol, interval and bucket.
void merge_candles(candle& into, const candle& other);

} // namespace cs
