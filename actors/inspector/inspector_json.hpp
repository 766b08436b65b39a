#pragma once
// The JSON documents a node's inspector answers console commands with (docs/console.md lists
// them). Pure: built from what the inspector gathered from other actors; no CAF, no I/O.
// Thread-safe (no shared state).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "messages/cache_messages.hpp"
#include "messages/candle.hpp"
#include "messages/console_messages.hpp"

namespace cs::console {

// What a node says about itself in `nodes`.
struct node_identity {
  std::string name;
  std::vector<std::string> roles;
  std::string console_address; // host:port of its inspector
  std::string http_address;    // host:port of its HTTP API
  std::vector<interval> intervals;
  bool faults = false;
  timestamp_ns started_at = 0;
};

// The poll thread's view of a partition: paused, and the log end when known (-1 otherwise).
struct partition_log {
  std::int32_t partition = -1;
  bool paused = false;
  std::int64_t log_end = -1;
};

// `readers` is the node's reader stats: the JSON array the kafka_consumer actor answers
// stats_atom with (one object per partition, actors/partition_reader/reader_stats.cpp).
nlohmann::json nodes_answer(const node_identity& self, const nlohmann::json& readers, timestamp_ns now);
nlohmann::json partitions_answer(const std::string& node, const nlohmann::json& readers, const std::vector<partition_log>& logs);
nlohmann::json actors_answer(const std::string& node, const std::vector<candle_key>& keys, std::uint64_t total);
nlohmann::json inspect_answer(const std::string& node, const candle_key& key, const candle_actor_info& info);
// Pipeline counters summed over the readers, plus the cache's, under the node's name and in
// "total" (a cluster sums every node's).
nlohmann::json node_counters(const nlohmann::json& readers, const cache_stats* cache);
nlohmann::json stats_answer(const std::string& node, const nlohmann::json& counters);
nlohmann::json cache_answer(const std::string& node, const cache_stats& c);
nlohmann::json candle_live_json(const candle& c);

} // namespace cs::console
