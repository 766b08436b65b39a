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

  // Applies one symbol's events of a batch, then finalizes up to `watermark_after`. Returns the
  // span the candles finalised by this call describe (empty candles when none were).
  final_span apply(const std::vector<routed_event>& events, timestamp_ns watermark_after);
  // The partition watermark moved (no events for this key): finalizes what it passed.
  final_span advance(timestamp_ns watermark);
  // Hands over final candles and changed live candles since the last call. The reader collects
  // again only after the previous checkpoint committed, so the finals handed over last time are
  // committed now: from here on PostgreSQL holds every final candle before the frontier of the
  // previous collect.
  checkpoint_part collect();
  // The checkpoint of the last collect committed (the reader says so right after it did): its
  // finals are in PostgreSQL now, so queries need not get them from here any more.
  void committed();
  // For queries: final candles not yet committed, the live ones, and the frontiers.
  recent_candles recent() const;
  // Live candles from a checkpoint (on partition assignment or restart).
  void restore(const std::vector<candle>& live);

  std::vector<candle> live() const;
  // Live candles exist: a later watermark may finalise them.
  bool holds_live() const { return !book_.empty(); }
  const std::string& symbol() const { return symbol_; }
  const interval& iv() const { return book_.iv(); }
  std::size_t late_count() const { return late_; }
  std::uint64_t events_applied() const { return events_applied_; } // late ones included
  std::size_t pending_finals() const { return finals_.size(); }

  // Start of the first bucket that is not final, or no_frontier before the first watermark.
  timestamp_ns frontier() const { return watermark_ == no_watermark ? no_frontier : book_.iv().bucket_start(watermark_); }

private:
  void finalize(timestamp_ns watermark);
  // Takes note of a watermark the events or the reader brought.
  void observe(timestamp_ns watermark);
  // A span starts at the frontier before apply()/advance() finalises anything (for the first
  // watermark ever, at the committed frontier) and ends at the frontier after.
  void begin_span();
  final_span end_span(std::size_t first_final);

  std::string symbol_;
  candle_book book_;
  timestamp_ns watermark_ = no_watermark;          // highest watermark seen
  timestamp_ns committed_frontier_ = no_frontier;  // see recent()
  timestamp_ns collected_frontier_ = no_frontier;  // frontier at the last collect()
  timestamp_ns span_from_ = no_frontier;           // during apply()/advance()
  shared_candles collected_;                       // finals handed over by the last collect() (shared with them)
  std::vector<candle> finals_; // final since the last collect()
  bool dirty_ = false;         // live candles changed since the last collect()
  std::size_t late_ = 0;       // events late for this interval (reported by the reader)
  std::uint64_t events_applied_ = 0;
};

} // namespace cs
