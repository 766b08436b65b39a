#pragma once
// The pure code a node runs for one partition, driven the way the actors drive it but on one
// thread: the partition reader's batch_router (decode + validate, offsets, watermark, lateness,
// one slice per symbol), then per slice every candle_keeper of that symbol (one per interval, as
// candle actors), advance() of every keeper of an interval whose bucket the watermark left, and
// collect() + committed() at each checkpoint. Left out on purpose: CAF messaging and scheduling,
// Kafka, PostgreSQL (candle-bench pipeline times those).
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "actors/candle/candle_keeper.hpp"
#include "actors/partition_reader/batch_router.hpp"

namespace cs::bench {

class node_path {
public:
  node_path(std::vector<interval> intervals, watermark_config clock);

  // One poll batch of the partition, as partition_reader processes it.
  void process(const raw_batch& batch, timestamp_ns now);
  // The checkpoint's hand-over: finals and changed live candles out of every keeper, then the
  // commit notice. Returns the finals collected.
  std::size_t checkpoint();

  // Frees the last batch's routing scratch: it scales with the batch size, not with the live
  // candles, so the benchmark drops it before counting heap per live candle.
  void release_scratch() { routed_ = routed_batch{}; }

  std::size_t live_count() const;
  const router_counters& counters() const { return router_.counters(); }

private:
  std::vector<candle_keeper>& keepers_for(const std::string& symbol);

  std::vector<interval> intervals_;
  batch_router router_;
  routed_batch routed_;
  // Like the reader's by_symbol / by_interval maps of candle actors.
  std::map<std::string, std::vector<candle_keeper>> by_symbol_;
  std::vector<std::vector<candle_keeper*>> by_interval_;
};

} // namespace cs::bench
