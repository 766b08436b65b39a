#include "actors/candle/candle_keeper.hpp"

#include <algorithm>

namespace cs {

void candle_keeper::observe(timestamp_ns watermark) {
  if (watermark == no_watermark || (watermark_ != no_watermark && watermark <= watermark_)) return;
  if (watermark_ == no_watermark) {
    // The first watermark since spawn or restore. PostgreSQL holds every final candle before the
    // checkpoint's frontier; the buckets from there to the oldest restored live candle were not
    // final at the checkpoint and hold no candle, so PostgreSQL is complete up to that candle
    // (or up to this watermark's frontier when nothing was restored).
    timestamp_ns f = book_.iv().bucket_start(watermark);
    std::vector<candle> live;
    book_.append_live(symbol_, live);
    if (!live.empty()) f = std::min(f, live.front().open_time);
    committed_frontier_ = collected_frontier_ = f;
  }
  watermark_ = watermark;
}

void candle_keeper::finalize(timestamp_ns watermark) {
  const bool first = watermark_ == no_watermark;
  observe(watermark);
  if (first && span_from_ == no_frontier) span_from_ = committed_frontier_;
  if (watermark < book_.next_close()) return;
  book_.finalize(watermark, symbol_, finals_);
  dirty_ = true;
}

void candle_keeper::begin_span() { span_from_ = frontier(); }

final_span candle_keeper::end_span(std::size_t first_final) {
  final_span s;
  if (first_final < finals_.size() && span_from_ != no_frontier) {
    s.key = {symbol_, book_.iv()};
    s.from = span_from_;
    s.to = frontier();
    s.candles.assign(finals_.begin() + static_cast<std::ptrdiff_t>(first_final), finals_.end());
  }
  span_from_ = no_frontier;
  return s;
}

final_span candle_keeper::apply(const std::vector<routed_event>& events, timestamp_ns watermark_after) {
  const auto first_final = finals_.size();
  begin_span();
  events_applied_ += events.size();
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
  return end_span(first_final);
}

final_span candle_keeper::advance(timestamp_ns watermark) {
  const auto first_final = finals_.size();
  begin_span();
  finalize(watermark);
  return end_span(first_final);
}

checkpoint_part candle_keeper::collect() {
  checkpoint_part part;
  // The previous collect's finals are committed now (see the header): keep this collect's until
  // the next one, so that a query never misses a final candle that is in flight to PostgreSQL.
  committed_frontier_ = collected_frontier_;
  collected_frontier_ = frontier() == no_frontier ? committed_frontier_ : frontier();
  collected_ = shared_candles{std::move(finals_)};
  finals_.clear();
  part.finals = collected_;
  if (dirty_) book_.append_live(symbol_, part.live);
  dirty_ = false;
  part.live_left = holds_live();
  return part;
}

void candle_keeper::committed() {
  committed_frontier_ = collected_frontier_;
  collected_ = {};
}

recent_candles candle_keeper::recent() const {
  recent_candles r;
  r.committed_frontier = committed_frontier_;
  r.frontier = frontier();
  r.candles.reserve(collected_.size() + finals_.size() + book_.live_count());
  r.candles.insert(r.candles.end(), collected_.begin(), collected_.end());
  r.candles.insert(r.candles.end(), finals_.begin(), finals_.end());
  book_.append_live(symbol_, r.candles);
  return r;
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
