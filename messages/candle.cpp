#include "messages/candle.hpp"

namespace cs {

void merge_candles(candle& into, const candle& other) {
  into.bar.merge(other.bar);
  into.closed = into.closed || other.closed;
}

} // namespace cs
