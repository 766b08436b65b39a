#pragma once
// Requests to the cache actor's read path and its counters (docs/protocols.md).
#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <vector>

#include "messages/candle.hpp"
#include "messages/encoded_candles.hpp"

namespace cs {

// Final candles of `key` with from <= open_time < min(to, complete_to): everything before
// complete_to is final and committed to PostgreSQL (the owning candle actor's committed frontier),
// or no_frontier to take the frontier from the partition's checkpoint. At most `limit` candles:
// the oldest ones, or with `newest` the newest ones; ascending either way.
struct range_request {
  candle_key key;
  timestamp_ns from = 0;
  timestamp_ns to = 0;
  timestamp_ns complete_to = 0;
  std::int64_t limit = 0;
  bool newest = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, range_request& x) {
  return f(caf::meta::type_name("range_request"), x.key, x.from, x.to, x.complete_to, x.limit, x.newest);
}

// Which tier answered, block by block (a block is cache::block_buckets consecutive buckets).
struct tier_counts {
  std::uint32_t l1 = 0;
  std::uint32_t l2 = 0;
  std::uint32_t postgres = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tier_counts& x) {
  return f(caf::meta::type_name("tier_counts"), x.l1, x.l2, x.postgres);
}

struct range_reply {
  encoded_candles candles;      // ascending, all final, with their JSON
  timestamp_ns complete_to = 0; // the frontier used (resolved when the request had no_frontier)
  bool truncated = false;       // `limit` cut the answer: more candles lie in the range
  bool series_known = false;    // PostgreSQL has candles of this (symbol, interval)
  tier_counts tiers;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, range_reply& x) {
  return f(caf::meta::type_name("range_reply"), x.candles, x.complete_to, x.truncated, x.series_known, x.tiers);
}

// Counters of the cache actor, per tier.
struct cache_stats {
  std::uint64_t l1_hits = 0, l1_misses = 0, l1_size = 0, l1_evictions = 0, l1_rejections = 0, l1_expirations = 0;
  std::uint64_t l2_hits = 0, l2_misses = 0, l2_errors = 0, l2_writes = 0;
  std::uint64_t l2_dropped = 0; // write-through spans skipped: more were waiting for Redis than cache.l2-write-backlog
  std::uint64_t postgres_reads = 0, postgres_errors = 0;
  bool l2_up = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cache_stats& x) {
  return f(caf::meta::type_name("cache_stats"), x.l1_hits, x.l1_misses, x.l1_size, x.l1_evictions, x.l1_rejections,
           x.l1_expirations, x.l2_hits, x.l2_misses, x.l2_errors, x.l2_writes, x.l2_dropped, x.postgres_reads, x.postgres_errors,
           x.l2_up);
}

} // namespace cs
