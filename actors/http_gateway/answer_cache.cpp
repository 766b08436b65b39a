#include "actors/http_gateway/answer_cache.hpp"

namespace cs::gateway {

std::shared_ptr<const std::string> answer_cache::get(const std::string& key, timestamp_ns now) {
  std::lock_guard lock(mutex_);
  auto it = index_.find(key);
  if (it == index_.end() || now - it->second->stored >= ttl_) {
    if (it != index_.end()) drop(it->second);
    ++counters_.misses;
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  ++counters_.hits;
  return it->second->body;
}

void answer_cache::put(const std::string& key, std::string body, timestamp_ns now) {
  const auto size = key.size() + body.size();
  if (max_bytes_ == 0 || size > max_bytes_ / 8) return; // one answer never takes most of it
  std::lock_guard lock(mutex_);
  if (auto it = index_.find(key); it != index_.end()) drop(it->second);
  lru_.push_front({key, std::make_shared<const std::string>(std::move(body)), now});
  index_.emplace(lru_.front().key, lru_.begin());
  counters_.bytes += size;
  ++counters_.inserts;
  while (counters_.bytes > max_bytes_ && !lru_.empty()) {
    drop(std::prev(lru_.end()));
    ++counters_.evictions;
  }
}

void answer_cache::drop(std::list<entry>::iterator it) {
  counters_.bytes -= it->key.size() + it->body->size();
  index_.erase(it->key);
  lru_.erase(it);
}

answer_cache_counters answer_cache::counters() const {
  std::lock_guard lock(mutex_);
  auto c = counters_;
  c.entries = lru_.size();
  return c;
}

} // namespace cs::gateway
