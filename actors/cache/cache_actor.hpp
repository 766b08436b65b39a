#pragma once
// The cache actor (docs/design.md §5): the read path for final candles, L1 -> L2 -> PostgreSQL.
// It owns L1 (in process: blocks of final candles under W-TinyLFU, bounded by entries and TTL)
// and answers from it without blocking; what L1 misses goes to a pool of detached cache loaders
// (L2 in Redis, then PostgreSQL), whose blocks it promotes into L1. Final candles arrive from the
// candle actors as they are finalised and go into L1 at once and, through the loader that owns
// the series (one per series, so writes stay in order), into L2. Interface: cache_hdl.
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <vector>

#include "actors/cache/cache_loader.hpp"
#include "actors/cache/series_block.hpp"
#include "actors/cache/tinylfu_cache.hpp"
#include "messages/protocols.hpp"

namespace cs {

struct cache_config {
  l1_limits l1;
  std::size_t loaders = 2;
  loader_config loader;
  duration_ns series_refresh = 10 * ns_per_s; // how often known series are reloaded from PostgreSQL
  duration_ns request_timeout = 10 * ns_per_s;
};

struct cache_actor_state {
  // Blocks are extended in place by write-through; answers copy their bytes out.
  using l1_cache = tinylfu_cache<cache::block_key, cache::block_data, cache::block_key_hash>;
  explicit cache_actor_state();
  std::unique_ptr<l1_cache> l1;
  std::vector<cache_loader_hdl> loaders;
  std::size_t next_loader = 0;
  std::map<candle_key, series_info> series; // known series, for clamping scans and 404s
  cache_stats stats;
  static inline const char* name = "cache";
};

cache_hdl::behavior_type cache_actor(cache_hdl::stateful_pointer<cache_actor_state> self, cache_config cfg);

} // namespace cs
