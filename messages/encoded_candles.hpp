#pragma once
// Candles together with their JSON (messages/candle_json.hpp), encoded once. Final candles never
// change, so the read path keeps their bytes next to them: a cache hit copies bytes instead of
// formatting numbers, and an API answer splices them. Pure value; no synchronisation.
#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "messages/candle.hpp"

namespace cs {

class encoded_candles {
public:
  std::size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  const std::vector<candle>& items() const { return items_; }
  const candle& operator[](std::size_t i) const { return items_[i]; }
  const candle& front() const { return items_.front(); }
  const candle& back() const { return items_.back(); }
  // The JSON object of item i.
  std::string_view json(std::size_t i) const;

  void push_back(const candle& c); // encodes c
  void push_back(const candle& c, std::string_view encoded);
  // Appends items [first, last) of other, bytes and all.
  void append(const encoded_candles& other, std::size_t first, std::size_t last);
  void append(const encoded_candles& other) { append(other, 0, other.size()); }
  // Keeps items [first, last) only.
  void keep(std::size_t first, std::size_t last);
  void clear();
  void reserve(std::size_t n);
  // The JSON objects, comma-separated (the inside of a JSON array).
  void append_joined(std::string& out) const;

  bool operator==(const encoded_candles& o) const { return items_ == o.items_; }

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, encoded_candles& x) {
    return f(caf::meta::type_name("encoded_candles"), x.items_, x.json_, x.ends_);
  }

private:
  std::vector<candle> items_;
  std::string json_;
  std::vector<std::uint32_t> ends_; // end of item i's JSON in json_
};

} // namespace cs
