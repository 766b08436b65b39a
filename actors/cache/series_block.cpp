#include "actors/cache/series_block.hpp"

#include <algorithm>

namespace cs::cache {
namespace {

auto first_at_or_after(const std::vector<candle>& v, timestamp_ns t) {
  return std::lower_bound(v.begin(), v.end(), t, [](const candle& c, timestamp_ns x) { return c.open_time < x; });
}

std::size_t index_at_or_after(const encoded_candles& v, timestamp_ns t) {
  return static_cast<std::size_t>(first_at_or_after(v.items(), t) - v.items().begin());
}

// Appends the span's candles in [lo, hi) to b and moves its coverage to hi.
void fill_from(block_data& b, const final_span& span, timestamp_ns lo, timestamp_ns hi) {
  for (auto it = first_at_or_after(span.candles, lo); it != span.candles.end() && it->open_time < hi; ++it)
    b.candles.push_back(*it);
  b.covered_to = hi;
}

} // namespace

std::size_t block_key_hash::operator()(const block_key& k) const {
  std::size_t h = std::hash<std::string>{}(k.symbol);
  auto mix = [&h](std::uint64_t v) { h ^= std::hash<std::uint64_t>{}(v) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); };
  mix(static_cast<std::uint64_t>(k.iv.kind));
  mix(static_cast<std::uint64_t>(k.iv.length));
  mix(static_cast<std::uint64_t>(k.index));
  return h;
}

std::int64_t block_index(const interval& iv, timestamp_ns t) { return floor_div(iv.bucket_index(t), block_buckets); }

timestamp_ns block_start(const interval& iv, std::int64_t index) { return iv.bucket_start_of(index * block_buckets); }

bool extend_block(block_data& b, const interval& iv, std::int64_t index, const final_span& span) {
  const auto lo = std::max(span.from, block_start(iv, index)), hi = std::min(span.to, block_end(iv, index));
  if (lo >= hi || b.covered_to < lo || b.covered_to >= hi) return false;
  fill_from(b, span, b.covered_to, hi);
  return true;
}

std::optional<block_data> start_block(const interval& iv, std::int64_t index, const final_span& span) {
  const auto start = block_start(iv, index), end = block_end(iv, index);
  const auto hi = std::min(span.to, end);
  if (span.from > start || start >= hi) return std::nullopt;
  block_data b;
  b.start = start;
  b.end = end;
  b.covered_to = start;
  fill_from(b, span, start, hi);
  return b;
}

std::vector<std::pair<std::int64_t, block_data>> blocks_of_run(const interval& iv, timestamp_ns from, timestamp_ns to,
                                                               const std::vector<candle>& run, std::size_t max_blocks) {
  std::vector<std::pair<std::int64_t, block_data>> out;
  if (from >= to) return out;
  auto index = block_index(iv, from);
  if (block_start(iv, index) < from) ++index;
  auto it = first_at_or_after(run, block_start(iv, index));
  for (; out.size() < max_blocks; ++index) {
    block_data b;
    b.start = block_start(iv, index);
    if (b.start >= to) break;
    b.end = block_end(iv, index);
    b.covered_to = std::min(b.end, to);
    for (; it != run.end() && it->open_time < b.covered_to; ++it) b.candles.push_back(*it);
    out.emplace_back(index, std::move(b));
  }
  return out;
}

void append_range(const encoded_candles& ascending, timestamp_ns lo, timestamp_ns hi, encoded_candles& out) {
  out.append(ascending, index_at_or_after(ascending, lo), index_at_or_after(ascending, hi));
}

} // namespace cs::cache
