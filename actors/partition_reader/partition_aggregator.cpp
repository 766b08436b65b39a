#include "actors/partition_reader/partition_aggregator.hpp"

#include <algorithm>

namespace cs {

partition_aggregator::partition_aggregator(aggregator_config cfg, std::int32_t partition)
  : cfg_(std::move(cfg)), partition_(partition), clock_(cfg_.clock) {}

partition_aggregator::partition_aggregator(aggregator_config cfg, const partition_snapshot& snap)
  : cfg_(std::move(cfg)), partition_(snap.partition), next_offset_(snap.next_offset),
    clock_(cfg_.clock, snap.clock) {
  for (const auto& c : snap.live) {
    auto& e = entry_for(c.symbol);
    for (auto& book : e.books) {
      if (book.iv() != c.iv) continue;
      book.restore(c);
      next_close_ = std::min(next_close_, book.next_close());
    }
  }
}

partition_aggregator::symbol_entry& partition_aggregator::entry_for(const std::string& symbol) {
  if (auto it = index_.find(symbol); it != index_.end()) return symbols_[it->second];
  index_.emplace(symbol, static_cast<std::uint32_t>(symbols_.size()));
  auto& e = symbols_.emplace_back();
  e.symbol = symbol;
  e.books.reserve(cfg_.intervals.size());
  for (const auto& iv : cfg_.intervals) e.books.emplace_back(iv);
  return e;
}

event_outcome partition_aggregator::apply(const bid_ask_event& e, std::vector<candle>& finals) {
  if (e.offset < next_offset_) return event_outcome::duplicate;
  next_offset_ = e.offset + 1;

  auto& entry = entry_for(e.symbol);
  const double price = e.price();
  const auto bid_units = static_cast<std::uint64_t>(e.bid_size_units);
  const auto ask_units = static_cast<std::uint64_t>(e.ask_size_units);
  const event_pos pos{e.ts, e.offset};
  const timestamp_ns w = clock_.watermark();
  std::size_t late = 0;
  for (auto& book : entry.books) {
    switch (book.apply(price, bid_units, ask_units, pos, w)) {
      case book_apply::applied: break;
      case book_apply::opened_bucket: next_close_ = std::min(next_close_, book.next_close()); break;
      case book_apply::late: ++late; break;
    }
  }
  if (late == entry.books.size()) return event_outcome::late;
  if (clock_.observe(e.ts) >= next_close_) finalize_due(finals);
  return late == 0 ? event_outcome::applied : event_outcome::partly_late;
}

void partition_aggregator::skip(std::int64_t offset) {
  if (offset >= next_offset_) next_offset_ = offset + 1;
}

bool partition_aggregator::advance_idle(timestamp_ns now, std::vector<candle>& finals) {
  if (!clock_.advance_idle(now)) return false;
  if (clock_.watermark() >= next_close_) finalize_due(finals);
  return true;
}

void partition_aggregator::finalize_due(std::vector<candle>& finals) {
  const timestamp_ns w = clock_.watermark();
  next_close_ = candle_book::no_deadline;
  for (auto& entry : symbols_) {
    for (auto& book : entry.books) {
      if (book.next_close() <= w) book.finalize(w, entry.symbol, finals);
      next_close_ = std::min(next_close_, book.next_close());
    }
  }
}

partition_snapshot partition_aggregator::snapshot() const {
  partition_snapshot s;
  s.partition = partition_;
  s.next_offset = next_offset_;
  s.clock = clock_.state();
  append_live(s.live);
  return s;
}

void partition_aggregator::append_live(std::vector<candle>& out) const {
  for (const auto& entry : symbols_)
    for (const auto& book : entry.books) book.append_live(entry.symbol, out);
}

std::size_t partition_aggregator::live_count() const {
  std::size_t n = 0;
  for (const auto& entry : symbols_)
    for (const auto& book : entry.books) n += book.live_count();
  return n;
}

} // namespace cs
