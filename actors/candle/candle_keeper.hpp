#pragma once
// Pure state of one candle actor (symbol, interval): the live book plus what changed since the
// last checkpoint. Applying routed events here gives exactly what partition_aggregator computes
// for the same interval, because each event carries the partition watermark it was routed under.
#include <string>
#include <vector>

#include "actors/candle/candle_book.hpp"
#include "messages/pipeline.hpp"

namespace cs {

class candle_keeper {
public:
  candle_keeper(std::string symbol, interval iv) : symbol_(std::move(symbol)), book_(iv) {}

  // Applies one symbol's events of a batch, then finalizes up to `watermark_after`.
  void apply(const std::vector<routed_event>& events, timestamp_ns watermark_after);
  // The partition watermark moved (no events for this key): finalizes what it passed.
  void advance(timestamp_ns watermark);
  // Hands over final candles and changed live candles since the last call.
  checkpoint_part collect();
  // Live candles from a checkpoint (on partition assignment or restart).
  void restore(const std::vector<candle>& live);

  std::vector<candle> live() const;
  const std::string& symbol() const { return symbol_; }
  const interval& iv() const { return book_.iv(); }
  std::size_t late_count() const { return late_; }
  std::size_t pending_finals() const { return finals_.size(); }

private:
  void finalize(timestamp_ns watermark);

  std::string symbol_;
  candle_book book_;
  std::vector<candle> finals_; // final since the last collect()
  bool dirty_ = false;         // live candles changed since the last collect()
  std::size_t late_ = 0;       // events late for this interval (reported by the reader)
};

} // namespace cs
