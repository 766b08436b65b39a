#include "actors/candle/candle_keeper.hpp"

namespace cs {

void candle_keeper::finalize(timestamp_ns watermark) {
  if (watermark < book_.next_close()) return;
  book_.finalize(watermark, symbol_, finals_);
  dirty_ = true;
}

void candle_keeper::apply(const std::vector<routed_event>& events, timestamp_ns watermark_after) {
  for (const auto& e : events) {
    // The single-threaded core finalizes right after the watermark moves, before the next
    // event: doing it lazily here, with the watermark the event was routed under, is the same.
    finalize(e.watermark);
    const auto r = book_.apply(e.price, static_cast<std::uint64_t>(e.bid_units), static_cast<std::uint64_t>(e.ask_units),
                               e.pos, e.watermark);
    if (r == book_apply::late) ++late_;
    else dirty_ = true;
  }
  finalize(watermark_after);
}

void candle_keeper::advance(timestamp_ns watermark) { finalize(watermark); }

checkpoint_part candle_keeper::collect() {
  checkpoint_part part;
  part.finals.swap(finals_);
  if (dirty_) book_.append_live(symbol_, part.live);
  dirty_ = false;
  return part;
}

void candle_keeper::restore(const std::vector<candle>& live) {
  for (const auto& c : live)
    if (c.symbol == symbol_ && c.iv == book_.iv()) book_.restore(c);
}

std::vector<candle> candle_keeper::live() const {
  std::vector<candle> out;
  book_.append_live(symbol_, out);
  return out;
}

} // namespace cs
