#pragma once
// Pure logic of one candle actor: the live candles of one (symbol, interval), i.e. the buckets
// that the watermark has not yet passed. No CAF, no I/O.
#include <cstdint>
#include <string>
#include <vector>

#include "messages/candle.hpp"
#include "messages/interval.hpp"

namespace cs {

// A live bucket: the bar plus its start; the end is derived from the interval.
struct live_bucket {
  timestamp_ns open_time = 0;
  ohlcv bar;
};

enum class book_apply : std::uint8_t { applied, opened_bucket, late };

class candle_book {
public:
  explicit candle_book(interval iv) : iv_(iv) {}

  const interval& iv() const { return iv_; }

  // Adds an event unless its bucket is already final (bucket end <= watermark): then it is late
  // and nothing changes. `opened_bucket` says a new live bucket started (its end may be the new
  // earliest finalisation deadline: see next_close()).
  book_apply apply(double price, std::uint64_t bid_units, std::uint64_t ask_units, event_pos pos,
                   timestamp_ns watermark) {
    // Fast path: most events belong to the newest open bucket. Buckets tile time, so an event
    // time within its bounds is in it: no bucket arithmetic per event.
    if (has_newest_ && pos.ts >= newest_.open_time && pos.ts < newest_end_) {
      newest_.bar.add(price, bid_units, ask_units, pos);
      return book_apply::applied;
    }
    return apply_slow(iv_.bucket_start(pos.ts), price, bid_units, ask_units, pos, watermark);
  }

  // Moves every bucket that ended at or before `watermark` to `out` as a closed candle.
  void finalize(timestamp_ns watermark, const std::string& symbol, std::vector<candle>& out);
  // End of the oldest live bucket, or no_deadline when there is none.
  timestamp_ns next_close() const;
  static constexpr timestamp_ns no_deadline = INT64_MAX;

  bool empty() const { return !has_newest_; }
  std::size_t live_count() const { return older_.size() + (has_newest_ ? 1 : 0); }
  // Live buckets as (open) candles, oldest first, e.g. for a checkpoint or a "live candle?" query.
  void append_live(const std::string& symbol, std::vector<candle>& out) const;
  // Restores a live bucket from a checkpoint (merging if the bucket is already present).
  void restore(const candle& c);

private:
  book_apply apply_slow(timestamp_ns start, double price, std::uint64_t bid_units, std::uint64_t ask_units,
                        event_pos pos, timestamp_ns watermark);
  candle to_candle(const live_bucket& b, const std::string& symbol, bool closed) const;
  // Inserts a bucket older than newest_ into older_, keeping it sorted.
  std::vector<live_bucket>::iterator older_position(timestamp_ns start);
  // Makes `b` the newest live bucket, the one before it (if any) going to older_.
  void push_newest(const live_bucket& b);

  // The newest live bucket is stored inline: most books hold exactly one, and a heap block per
  // book would cost more than the bucket itself. Older buckets (still within lateness) go to
  // older_, sorted by open_time, which is released whenever it empties.
  interval iv_;
  bool has_newest_ = false;
  live_bucket newest_;
  timestamp_ns newest_end_ = 0; // iv_.bucket_end(newest_.open_time), asked for every event
  std::vector<live_bucket> older_;
};

} // namespace cs
