#pragma once
// What one store connection knows it stored in candle_series, so a checkpoint sends the series
// statement only the rows that can change it.
//
// candle_series keeps, per (symbol, interval), the first bucket and a floor of the last one: a
// bucket at most `last_refresh` of event time before the newest (the exact last is one backward
// probe of the candles' primary key from the floor, in the read queries). Rows that change
// neither (most of them: a series already known, a bucket within `last_refresh` of its floor) are
// left out. With every series in every batch, the series upsert was about a third of a
// checkpoint's time in PostgreSQL at 100,000 symbols.
//
// Knowledge grows only after a commit (remember()), so a rolled-back transaction leaves nothing
// behind; forgetting (at capacity) only costs a resend, which the statement absorbs. A series
// deleted from candle_series behind the store's back is not re-created by this connection until
// it is forgotten: only tests and tools delete series. Not thread-safe (one per candle_store).
#include <cstddef>
#include <string>
#include <unordered_map>

#include "messages/candle.hpp"

namespace cs::runtime {

class known_series {
public:
  static constexpr duration_ns last_refresh = ns_per_day;

  // capacity: series remembered at most; 0 remembers nothing (every row goes to the statement).
  explicit known_series(std::size_t capacity) : capacity_(capacity) {}

  // Whether the row of `c` can change candle_series: its series is not known, starts after c, or
  // has a last-bucket floor more than last_refresh before c.
  bool needs_write(const candle& c) const;
  // The row of `c` was committed to candle_series. When full, forgets everything first.
  void remember(const candle& c);

  std::size_t size() const { return bounds_.size(); }

private:
  struct bounds {
    timestamp_ns first = 0; // candle_series.first_open_time is at or before this
    timestamp_ns floor = 0; // candle_series.last_open_time is at or after this
  };
  static std::string key_of(const candle& c);

  std::size_t capacity_;
  std::unordered_map<std::string, bounds> bounds_;
};

} // namespace cs::runtime
