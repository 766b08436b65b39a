#pragma once
// L2 of the candle cache: one Redis sorted set per (symbol, interval), scored by open time in
// epoch milliseconds, members the exact binary encoding of final candles (messages/candle_binary).
// The caller cuts the series into blocks (actors/cache/series_block.hpp); each block keeps its
// coverage as a marker member in the same set ("\0" + covered-to in ms, scored at the block
// start), so candles and coverage expire, get evicted or flushed together and a reader can never
// see coverage without the candles it vouches for. Coverage moves only forward and only when the
// written span continues it, checked atomically by a Lua script. Keys carry a hash tag,
// "cs:l2:{SYMBOL|1m}", so that one series lives on one Redis Cluster slot.
// Not thread-safe (uses the caller's connection: a redis_client, or a redis_cluster_client for a
// Redis Cluster); failures are redis_error values.
#include <chrono>
#include <string>
#include <vector>

#include "messages/candle.hpp"
#include "runtime/redis/commands.hpp"

namespace cs::runtime {

// One block's part of a write: every bucket in [lo, hi) is final and `candles` are all of them.
struct l2_block_write {
  timestamp_ns block_start = 0;
  timestamp_ns lo = 0;
  timestamp_ns hi = 0;
  std::vector<candle> candles;
};

struct l2_block_read {
  timestamp_ns block_start = 0;
  timestamp_ns block_end = 0;
  bool covered = false;        // a marker was found
  timestamp_ns covered_to = 0; // when covered
  std::vector<candle> candles; // every candle stored in [block_start, block_end), ascending
};

// The blocks of one final span of one series, for write_many().
struct l2_series_write {
  candle_key key;
  std::vector<l2_block_write> blocks;
  timestamp_ns trim_below = 0;
};

class candle_l2 {
public:
  // ttl: of a series' key, renewed by every write. Members scored below `trim_below` (a block
  // start the caller computes) are dropped by every write, so a series keeps a bounded window.
  explicit candle_l2(std::chrono::seconds ttl) : ttl_(ttl) {}

  static std::string series_key(const candle_key& key);

  // One pipelined round trip for all blocks of a final span of one series.
  result<void, redis_error> write(redis_commands& client, const candle_key& key, const std::vector<l2_block_write>& blocks,
                                  timestamp_ns trim_below) const;
  // One pipelined round trip for the spans of many series (write-through under load comes in
  // thousands of one-candle spans). Returns how many series writes Redis refused; an error only
  // when the round trip itself failed (nothing is known to be written then).
  result<std::uint64_t, redis_error> write_many(redis_commands& client, const std::vector<l2_series_write>& writes) const;

  // Blocks with the given [start, end) bounds (ascending, contiguous), in one ZRANGEBYSCORE.
  result<std::vector<l2_block_read>, redis_error> read(redis_commands& client, const candle_key& key,
                                                       const std::vector<std::pair<timestamp_ns, timestamp_ns>>& bounds) const;

private:
  std::chrono::seconds ttl_;
};

} // namespace cs::runtime
