#include "messages/encoded_candles.hpp"

#include "messages/candle_json.hpp"

namespace cs {

std::string_view encoded_candles::json(std::size_t i) const {
  const std::uint32_t begin = i == 0 ? 0 : ends_[i - 1];
  return std::string_view(json_).substr(begin, ends_[i] - begin);
}

void encoded_candles::push_back(const candle& c) {
  items_.push_back(c);
  append_candle_json(json_, c);
  ends_.push_back(static_cast<std::uint32_t>(json_.size()));
}

void encoded_candles::push_back(const candle& c, std::string_view encoded) {
  items_.push_back(c);
  json_.append(encoded);
  ends_.push_back(static_cast<std::uint32_t>(json_.size()));
}

void encoded_candles::append(const encoded_candles& other, std::size_t first, std::size_t last) {
  if (first >= last) return;
  items_.insert(items_.end(), other.items_.begin() + static_cast<std::ptrdiff_t>(first),
                other.items_.begin() + static_cast<std::ptrdiff_t>(last));
  const std::uint32_t begin = first == 0 ? 0 : other.ends_[first - 1];
  const auto base = static_cast<std::uint32_t>(json_.size());
  json_.append(other.json_, begin, other.ends_[last - 1] - begin);
  for (std::size_t i = first; i < last; ++i) ends_.push_back(base + other.ends_[i] - begin);
}

void encoded_candles::keep(std::size_t first, std::size_t last) {
  if (first == 0 && last >= size()) return;
  encoded_candles kept;
  kept.append(*this, first, std::min(last, size()));
  *this = std::move(kept);
}

void encoded_candles::clear() {
  items_.clear();
  json_.clear();
  ends_.clear();
}

void encoded_candles::reserve(std::size_t n) {
  items_.reserve(n);
  ends_.reserve(n);
  json_.reserve(n * 384);
}

void encoded_candles::append_joined(std::string& out) const {
  std::uint32_t begin = 0;
  out.reserve(out.size() + json_.size() + ends_.size());
  for (std::size_t i = 0; i < ends_.size(); ++i) {
    if (i) out.push_back(',');
    out.append(json_, begin, ends_[i] - begin);
    begin = ends_[i];
  }
}

} // namespace cs
