#include "runtime/postgres/store/known_series.hpp"

#include <algorithm>

namespace cs::runtime {

std::string known_series::key_of(const candle& c) {
  std::string key = c.symbol;
  key += '\0'; // cannot occur in a valid symbol
  key += c.iv.to_string();
  return key;
}

bool known_series::needs_write(const candle& c) const {
  const auto it = bounds_.find(key_of(c));
  return it == bounds_.end() || c.open_time < it->second.first || c.open_time - it->second.floor >= last_refresh;
}

void known_series::remember(const candle& c) {
  if (capacity_ == 0) return;
  auto key = key_of(c);
  if (auto it = bounds_.find(key); it != bounds_.end()) {
    it->second.first = std::min(it->second.first, c.open_time);
    it->second.floor = std::max(it->second.floor, c.open_time);
    return;
  }
  if (bounds_.size() >= capacity_) bounds_.clear();
  bounds_.emplace(std::move(key), bounds{c.open_time, c.open_time});
}

} // namespace cs::runtime
