#pragma once
// A cache loader: the blocking half of the read path, for the cache actor only. It reads blocks
// from L2 (Redis) and, where L2 misses, from PostgreSQL, and writes final spans to L2. Detached,
// so a slow Redis or PostgreSQL stalls only the requests it serves; the cache actor keeps a pool
// of them and never blocks. A Redis failure is an L2 miss (counted), then reconnects after a
// backoff; a PostgreSQL failure fails the request with pipeline_errc::store_unavailable. L2 is a
// single Redis or a Redis Cluster (redis_cluster_nodes), through the same runtime::redis_commands.
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <memory>
#include <optional>

#include "actors/cache/series_block.hpp"
#include "messages/cache_messages.hpp"
#include "messages/protocols.hpp"
#include "messages/series_info.hpp"
#include "runtime/redis/cluster_slots.hpp"

namespace cs {

namespace runtime {
class candle_store;
class redis_commands;
} // namespace runtime

// Final candles of key in [from, min(to, complete_to)), the oldest or newest `limit`;
// complete_to == no_frontier: resolve it from the partition's checkpoint. `series_first` (or
// no_frontier) is the series' first bucket: nothing before it exists.
struct load_request {
  range_request range;
  timestamp_ns series_first = no_frontier;
};

struct load_reply {
  range_reply answer;
  std::vector<std::pair<std::int64_t, cache::block_data>> blocks; // complete blocks to keep in L1
  std::optional<series_info> series; // looked up when the request did not know the series
  std::uint64_t l2_hits = 0, l2_misses = 0, l2_errors = 0, postgres_reads = 0;
  bool l2_up = false;
};

struct loader_config {
  std::string postgres; // connection string
  std::string topic;    // of the events, for partition checkpoints
  std::int32_t partitions = 0;
  bool l2_enabled = false; // set by the node from cache.l2-enabled
  std::string redis_host;
  std::uint16_t redis_port = 0;
  // Seeds of a Redis Cluster (redis.cluster-nodes); empty: the single Redis at redis_host:redis_port.
  std::vector<runtime::redis_node_address> redis_cluster_nodes;
  std::chrono::seconds l2_ttl{0}; // set by the node from cache.l2-ttl
  std::int64_t l2_keep_blocks = 0;
  std::chrono::milliseconds redis_retry{1000}; // also how often an unopened candle store is tried again
};

using cache_loader_hdl = caf::typed_actor<
  caf::replies_to<load_atom, load_request>::with<load_reply>,
  caf::replies_to<final_atom, std::vector<final_span>>::with<std::uint64_t>,    // L2 write-through, one round trip; failed writes
  caf::replies_to<series_atom, std::string, std::int64_t>::with<std::vector<series_info>>>;

struct cache_loader_state {
  cache_loader_state();
  ~cache_loader_state();
  std::unique_ptr<runtime::candle_store> store;
  std::unique_ptr<runtime::redis_commands> redis;
  std::chrono::steady_clock::time_point redis_retry_at{};
  std::chrono::steady_clock::time_point store_retry_at{};
  static inline const char* name = "cache_loader";
};

cache_loader_hdl::behavior_type cache_loader(cache_loader_hdl::stateful_pointer<cache_loader_state> self, loader_config cfg);

} // namespace cs

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cs::load_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cs::load_reply)
