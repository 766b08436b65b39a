#include "runtime/postgres/store/stored_live_keys.hpp"

#include <functional>
#include <string_view>

namespace cs::runtime {

namespace {

// splitmix64's finaliser: spreads the combined fields over all 64 bits.
std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

} // namespace

std::string stored_live_keys::partition_key(const std::string& topic, std::int32_t partition) {
  std::string key = topic;
  key += '\0';
  key += std::to_string(partition);
  return key;
}

std::uint64_t stored_live_keys::hash_of(const candle& c) {
  std::uint64_t h = std::hash<std::string_view>{}(c.symbol);
  h = mix(h ^ (static_cast<std::uint64_t>(c.iv.kind) << 56) ^ static_cast<std::uint64_t>(c.iv.length));
  return mix(h ^ static_cast<std::uint64_t>(c.open_time));
}

void stored_live_keys::reset(const std::string& topic, std::int32_t partition, const std::vector<candle>& live) {
  key_set& keys = by_partition_[partition_key(topic, partition)];
  keys.clear();
  keys.reserve(live.size());
  for (const auto& c : live) keys.insert(hash_of(c));
}

void stored_live_keys::mark_fresh(const std::string& topic, std::int32_t partition,
                                  std::vector<checkpoint_row>& rows) const {
  const auto it = by_partition_.find(partition_key(topic, partition));
  for (auto& row : rows) row.fresh = it == by_partition_.end() || !it->second.contains(hash_of(*row.value));
}

void stored_live_keys::committed(const std::string& topic, std::int32_t partition,
                                 const std::vector<checkpoint_row>& rows) {
  key_set& keys = by_partition_[partition_key(topic, partition)];
  for (const auto& row : rows) {
    if (row.closed)
      keys.erase(hash_of(*row.value));
    else
      keys.insert(hash_of(*row.value));
  }
}

std::size_t stored_live_keys::size() const {
  std::size_t n = 0;
  for (const auto& [partition, keys] : by_partition_) n += keys.size();
  return n;
}

} // namespace cs::runtime
