#pragma once
// An immutable list of candles shared by the messages and actors that hold it.
//
// A checkpoint's final candles go to the publisher and then to the db_writer, and each candle
// actor keeps its own part for queries until the commit; with one symbol per event (100 K
// symbols, dense market) nearly every event ends a candle, so every copy of the finals is a large
// share of a node's heap at its peak. A shared_candles is a sequence of shared buffers: copies
// share them, and append() joins lists (one per candle actor) into a checkpoint's list without
// copying a candle.
//
// Thread safety: the rows are never changed after construction, so any number of actors may read
// them at once; a shared_candles object itself is not synchronised (append() on one object needs
// its owner's exclusion, as for any value). Serialisation (a message that leaves the process)
// copies the rows into one list.
#include <caf/meta/type_name.hpp>

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "messages/candle.hpp"

namespace cs {

class shared_candles {
  using buffer = std::shared_ptr<const std::vector<candle>>;

public:
  // Forward iterator over every row, buffer after buffer.
  class const_iterator {
  public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = candle;
    using difference_type = std::ptrdiff_t;
    using pointer = const candle*;
    using reference = const candle&;

    const_iterator() = default;
    reference operator*() const { return (*(*chunks_)[chunk_])[row_]; }
    pointer operator->() const { return &**this; }
    const_iterator& operator++() {
      if (++row_ == (*chunks_)[chunk_]->size()) {
        ++chunk_;
        row_ = 0;
      }
      return *this;
    }
    const_iterator operator++(int) {
      auto before = *this;
      ++*this;
      return before;
    }
    bool operator==(const const_iterator& other) const { return chunk_ == other.chunk_ && row_ == other.row_; }

  private:
    friend class shared_candles;
    const_iterator(const std::vector<buffer>* chunks, std::size_t chunk) : chunks_(chunks), chunk_(chunk) {}
    const std::vector<buffer>* chunks_ = nullptr;
    std::size_t chunk_ = 0;
    std::size_t row_ = 0;
  };

  shared_candles() = default;
  explicit shared_candles(std::vector<candle> rows) {
    if (!rows.empty()) push(std::make_shared<const std::vector<candle>>(std::move(rows)));
  }
  shared_candles(std::initializer_list<candle> rows) : shared_candles(std::vector<candle>(rows)) {}

  // Appends the rows of `other` after these; the buffers are shared, no candle is copied.
  // Amortised O(buffers of other): a reader appends one part per candle actor, hundreds of
  // thousands per checkpoint, so no exact reserve here (that would copy the list every time).
  void append(const shared_candles& other) {
    for (const auto& b : other.chunks_) push(b);
  }

  std::size_t size() const { return ends_.empty() ? 0 : ends_.back(); }
  bool empty() const { return chunks_.empty(); }
  // Row i of all: O(log buffers).
  const candle& operator[](std::size_t i) const {
    const auto k = static_cast<std::size_t>(std::upper_bound(ends_.begin(), ends_.end(), i) - ends_.begin());
    return (*chunks_[k])[k == 0 ? i : i - ends_[k - 1]];
  }
  const_iterator begin() const { return {&chunks_, 0}; }
  const_iterator end() const { return {&chunks_, chunks_.size()}; }

  // Whether the first buffer of both is the same one (copies share; for tests).
  bool shares_rows_with(const shared_candles& other) const {
    return !chunks_.empty() && !other.chunks_.empty() && chunks_.front() == other.chunks_.front();
  }
  // Every row in one new vector.
  std::vector<candle> copy_rows() const { return {begin(), end()}; }

private:
  void push(buffer b) {
    ends_.push_back(size() + b->size());
    chunks_.push_back(std::move(b));
  }

  std::vector<buffer> chunks_;    // never an empty buffer, so iteration needs no skipping
  std::vector<std::size_t> ends_; // ends_[k]: rows in chunks_[0..k]
};

template <class Inspector>
typename std::enable_if<Inspector::reads_state, typename Inspector::result_type>::type inspect(Inspector& f,
                                                                                             const shared_candles& x) {
  auto rows = x.copy_rows();
  return f(caf::meta::type_name("shared_candles"), rows);
}

template <class Inspector>
typename std::enable_if<Inspector::writes_state, typename Inspector::result_type>::type inspect(Inspector& f,
                                                                                              shared_candles& x) {
  std::vector<candle> rows;
  auto result = f(caf::meta::type_name("shared_candles"), rows);
  x = shared_candles{std::move(rows)};
  return result;
}

} // namespace cs
