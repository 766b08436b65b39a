#pragma once
// The cache actor (docs/design.md §5): the read path for final candles, L1 -> L2 -> PostgreSQL.
// It owns L1 (in process: blocks of final candles under W-TinyLFU, bounded by entries and TTL)
// and answers from it without blocking; what L1 misses goes to a pool of detached cache loaders
// (L2 in Redis, then PostgreSQL), whose blocks it promotes into L1. Final candles arrive from the
// candle actors as they are finalised and go into L1 at once and, through the loader that owns
// the series (one per series, so writes stay in order), into L2. Interface: cache_hdl.
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <memory>
#include <vector>

#include "actors/cache/cache_loader.hpp"
#include "actors/cache/series_block.hpp"
#include "actors/cache/tinylfu_cache.hpp"
#include "messages/protocols.hpp"

namespace cs {

// Filled from the cache.* keys (runtime/config/keys.hpp).
struct cache_config {
  l1_limits l1;
  l1_limits series;              // known (symbol, interval) bounds: entries, and how long they are trusted
  std::size_t loaders = 0;
  std::size_t l2_write_backlog = 0; // final spans per loader waiting for Redis; more are dropped (counted)
  loader_config loader;
  duration_ns request_timeout = 0;
};

struct candle_key_hash {
  std::size_t operator()(const candle_key& k) const;
};

struct cache_actor_state {
  // Blocks are extended in place by write-through; answers copy their bytes out.
  using l1_cache = tinylfu_cache<cache::block_key, cache::block_data, cache::block_key_hash>;
  explicit cache_actor_state();
  std::unique_ptr<l1_cache> l1;
  // Known series, for clamping scans and 404s: bounded, so that the cost of a node does not grow
  // with every key it ever saw; a miss is looked up in PostgreSQL by the loader that serves it.
  using series_cache = tinylfu_cache<candle_key, series_info, candle_key_hash>;
  std::unique_ptr<series_cache> series;
  std::vector<cache_loader_hdl> loaders;
  std::size_t next_loader = 0;
  // Write-through to L2, per loader: at most one batch in flight, the spans that arrived meanwhile
  // go in the next one (one Redis round trip however many series they touch).
  struct l2_queue {
    std::vector<final_span> pending;
    bool in_flight = false;
  };
  std::vector<l2_queue> l2_queues;
  cache_stats stats;
  static inline const char* name = "cache";
};

cache_hdl::behavior_type cache_actor(cache_hdl::stateful_pointer<cache_actor_state> self, cache_config cfg);

} // namespace cs
