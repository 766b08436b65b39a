#pragma once
// The unit of the candle caches (L1 and L2): a block of block_buckets consecutive buckets of one
// (symbol, interval), holding the final candles of the part of it known to be complete. Candles
// exist only for buckets with events, so "no candle" is an answer only where coverage says every
// bucket is final and every candle is present: [start, covered_to). Coverage grows with final
// spans from the owning candle actor (write-through) or comes whole from a PostgreSQL read.
// Pure values; no synchronisation.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "messages/candle.hpp"
#include "messages/encoded_candles.hpp"
#include "messages/pipeline.hpp"

namespace cs::cache {

// 64 buckets: a 1m block is about an hour, a 1s block a minute; a 300-candle query touches 5-6.
inline constexpr std::int64_t block_buckets = 64;

struct block_key {
  std::string symbol;
  interval iv;
  std::int64_t index = 0;
  bool operator==(const block_key&) const = default;
};

struct block_key_hash {
  std::size_t operator()(const block_key& k) const;
};

std::int64_t block_index(const interval& iv, timestamp_ns t);
timestamp_ns block_start(const interval& iv, std::int64_t index);
inline timestamp_ns block_end(const interval& iv, std::int64_t index) { return block_start(iv, index + 1); }

struct block_data {
  timestamp_ns start = 0;
  timestamp_ns end = 0;
  timestamp_ns covered_to = 0;  // start <= covered_to <= end
  encoded_candles candles;      // final, ascending, all inside [start, covered_to), with their JSON
  bool covers(timestamp_ns until) const { return covered_to >= until; }
};

// Extends block `b` (number `index`) in place with a final span that continues its coverage.
// False (and `b` unchanged) when the span does not touch the block, adds nothing, or would leave
// a hole in the coverage.
bool extend_block(block_data& b, const interval& iv, std::int64_t index, const final_span& span);
// A new block `index` from a final span that starts at or before the block's start; nullopt when
// the span does not reach into the block or starts inside it (what came before is unknown).
std::optional<block_data> start_block(const interval& iv, std::int64_t index, const final_span& span);

// Blocks filled by a complete run: every bucket in [from, to) is final and `run` (ascending) holds
// every candle in it. Only blocks that start inside the run come out (a block is useful from its
// start), at most max_blocks of them, the last one possibly partial (covered_to = to).
std::vector<std::pair<std::int64_t, block_data>> blocks_of_run(const interval& iv, timestamp_ns from, timestamp_ns to,
                                                               const std::vector<candle>& run, std::size_t max_blocks);

// Appends the candles of `b` with lo <= open_time < hi to out (bytes and all).
void append_range(const encoded_candles& ascending, timestamp_ns lo, timestamp_ns hi, encoded_candles& out);
inline void append_range(const block_data& b, timestamp_ns lo, timestamp_ns hi, encoded_candles& out) {
  append_range(b.candles, lo, hi, out);
}

} // namespace cs::cache
