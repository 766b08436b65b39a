#pragma once
// Encoded HTTP answers about ranges that are entirely final and committed: such an answer can never
// change, so its bytes are served again as they are. Part of L1 (the in-process tier): bounded by
// bytes, entries older than the TTL are gone, least recently used evicted first. Only the gateway
// decides what may enter (ranges that end at or before a committed frontier it has seen).
// Thread-safety: every member is safe to call from any HTTP worker thread (one mutex).
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "messages/time.hpp"

namespace cs::gateway {

struct answer_cache_counters {
  std::uint64_t hits = 0, misses = 0, inserts = 0, evictions = 0, bytes = 0, entries = 0;
};

class answer_cache {
public:
  // max_bytes 0: the cache is off (every get misses, put keeps nothing).
  answer_cache(std::size_t max_bytes, duration_ns ttl) : max_bytes_(max_bytes), ttl_(ttl) {}

  std::shared_ptr<const std::string> get(const std::string& key, timestamp_ns now);
  void put(const std::string& key, std::string body, timestamp_ns now);
  answer_cache_counters counters() const;

private:
  struct entry {
    std::string key;
    std::shared_ptr<const std::string> body;
    timestamp_ns stored = 0;
  };
  void drop(std::list<entry>::iterator it);

  const std::size_t max_bytes_;
  const duration_ns ttl_;
  mutable std::mutex mutex_;
  std::list<entry> lru_; // most recent first
  std::unordered_map<std::string_view, std::list<entry>::iterator> index_; // views of lru_'s keys
  answer_cache_counters counters_;
};

} // namespace cs::gateway
