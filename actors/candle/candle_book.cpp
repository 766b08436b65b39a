#include "actors/candle/candle_book.hpp"

#include <algorithm>

namespace cs {

std::vector<live_bucket>::iterator candle_book::older_position(timestamp_ns start) {
  return std::lower_bound(older_.begin(), older_.end(), start,
                          [](const live_bucket& b, timestamp_ns s) { return b.open_time < s; });
}

book_apply candle_book::apply_slow(timestamp_ns start, double price, std::uint64_t bid_units,
                                   std::uint64_t ask_units, event_pos pos, timestamp_ns watermark) {
  if (has_newest_ && start < newest_.open_time) {
    auto it = older_position(start);
    if (it != older_.end() && it->open_time == start) {
      it->bar.add(price, bid_units, ask_units, pos);
      return book_apply::applied;
    }
    if (iv_.bucket_end(start) <= watermark) return book_apply::late;
    older_.insert(it, live_bucket{start, ohlcv::of_event(price, bid_units, ask_units, pos)});
    return book_apply::opened_bucket;
  }
  // A bucket newer than every live one (or the first).
  if (iv_.bucket_end(start) <= watermark) return book_apply::late;
  push_newest(live_bucket{start, ohlcv::of_event(price, bid_units, ask_units, pos)});
  return book_apply::opened_bucket;
}

void candle_book::push_newest(const live_bucket& b) {
  if (has_newest_) older_.push_back(newest_);
  newest_ = b;
  newest_end_ = iv_.bucket_end(b.open_time);
  has_newest_ = true;
}

void candle_book::finalize(timestamp_ns watermark, const std::string& symbol, std::vector<candle>& out) {
  std::size_t n = 0;
  while (n < older_.size() && iv_.bucket_end(older_[n].open_time) <= watermark) {
    out.push_back(to_candle(older_[n], symbol, true));
    ++n;
  }
  older_.erase(older_.begin(), older_.begin() + static_cast<std::ptrdiff_t>(n));
  if (older_.empty()) std::vector<live_bucket>().swap(older_);
  if (older_.empty() && has_newest_ && newest_end_ <= watermark) {
    out.push_back(to_candle(newest_, symbol, true));
    has_newest_ = false;
  }
}

timestamp_ns candle_book::next_close() const {
  if (!older_.empty()) return iv_.bucket_end(older_.front().open_time);
  return has_newest_ ? newest_end_ : no_deadline;
}

void candle_book::append_live(const std::string& symbol, std::vector<candle>& out) const {
  for (const auto& b : older_) out.push_back(to_candle(b, symbol, false));
  if (has_newest_) out.push_back(to_candle(newest_, symbol, false));
}

void candle_book::restore(const candle& c) {
  if (has_newest_ && newest_.open_time == c.open_time) {
    newest_.bar.merge(c.bar);
    return;
  }
  if (!has_newest_ || c.open_time > newest_.open_time) {
    push_newest(live_bucket{c.open_time, c.bar});
    return;
  }
  auto it = older_position(c.open_time);
  if (it != older_.end() && it->open_time == c.open_time)
    it->bar.merge(c.bar);
  else
    older_.insert(it, live_bucket{c.open_time, c.bar});
}

candle candle_book::to_candle(const live_bucket& b, const std::string& symbol, bool closed) const {
  return candle{symbol, iv_, b.open_time, iv_.bucket_end(b.open_time), b.bar, closed};
}

} // namespace cs
