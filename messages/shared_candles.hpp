#pragma once
// An immutable list of candles shared by the messages that carry it.
//
// A checkpoint's final candles go to the publisher and then to the db_writer; with one symbol per
// event (100 K symbols, dense market) nearly every event ends a candle, and two copies of every
// final were a third of a node's heap at its peak. Copies of a shared_candles share one buffer.
//
// Thread safety: the rows are never changed after construction, so any number of actors may read
// them at once. Serialisation (a message that leaves the process) copies the rows.
#include <caf/meta/type_name.hpp>

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "messages/candle.hpp"

namespace cs {

class shared_candles {
public:
  shared_candles() = default;
  explicit shared_candles(std::vector<candle> rows)
    : rows_(rows.empty() ? nullptr : std::make_shared<const std::vector<candle>>(std::move(rows))) {}
  shared_candles(std::initializer_list<candle> rows) : shared_candles(std::vector<candle>(rows)) {}

  const std::vector<candle>& rows() const {
    static const std::vector<candle> none;
    return rows_ ? *rows_ : none;
  }
  std::size_t size() const { return rows().size(); }
  bool empty() const { return rows().empty(); }
  const candle& operator[](std::size_t i) const { return rows()[i]; }
  auto begin() const { return rows().begin(); }
  auto end() const { return rows().end(); }

private:
  std::shared_ptr<const std::vector<candle>> rows_;
};

template <class Inspector>
typename std::enable_if<Inspector::reads_state, typename Inspector::result_type>::type inspect(Inspector& f,
                                                                                             const shared_candles& x) {
  return f(caf::meta::type_name("shared_candles"), x.rows());
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
