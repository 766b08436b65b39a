#pragma once
// The Kafka poll thread of a node (docs/design.md §5 kafka_consumer): one librdkafka group member that
// polls in batches on its own thread, packs each partition's records into one raw_batch and hands
// it to that partition's reader, pauses partitions whose reader is behind, and runs the
// (blocking) assign/revoke hooks that create and retire readers.
#include <caf/actor.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "actors/kafka_consumer/consumer_commands.hpp"
#include "runtime/kafka/client_config.hpp"

namespace cs {

// Filled from kafka.max-poll-records and kafka.max-inflight-batches (runtime/config/keys.hpp).
struct poll_limits {
  std::size_t max_poll_records = 0;                      // records per poll round
  std::chrono::milliseconds poll_timeout{100};           // wait for the first record
  std::int64_t max_inflight_batches = 0;                 // pause a partition above this
  std::int64_t resume_inflight_batches = 0;              // resume it at or below this
  // kafka.offset-mirror-interval: checkpointed offsets are committed to the group in one call
  // this often, and not within this long after a rebalance callback. librdkafka before 2.10
  // drops the whole assignment when a commit meets a rebalance's new generation
  // (ILLEGAL_GENERATION, confluentinc/librdkafka#4059); fewer commits, away from rebalances,
  // make that rare, and the readers recover from it anyway (a lost partition is re-claimed).
  std::chrono::nanoseconds mirror_interval{std::chrono::seconds(5)};
};

// A partition handed to this node, with where to read from and who reads it. An offset of
// runtime::kafka_offset_invalid means the reader has not claimed the partition yet: it stays
// paused until that reader's seek command says where to start.
struct partition_start {
  std::int32_t partition = -1;
  std::int64_t offset = 0;
  caf::actor reader;
  reader_instance instance = 0;
  inflight_counter inflight;
};

struct poll_hooks {
  // Blocking and bounded: creates a reader for every partition (each tries to claim it) and says
  // where each starts. Must return one start per partition.
  std::function<std::vector<partition_start>(const std::vector<std::int32_t>&)> on_assign;
  // Blocking: checkpoints (unless lost) and retires the readers of these partitions.
  std::function<void(const std::vector<std::int32_t>&, bool lost)> on_revoke;
  // The group membership is in a state this node cannot repair (a rebalance half applied, a
  // fatal client error, a partition assigned without a reader): the node must stop so that its
  // supervisor starts a fresh member. Called at most once, on the poll thread; must not block.
  std::function<void(const std::string& why)> on_fatal;
};

class poll_loop {
public:
  poll_loop(runtime::kafka_config settings, std::string topic, poll_hooks hooks, poll_limits limits,
            std::shared_ptr<consumer_commands> commands);
  ~poll_loop();
  poll_loop(const poll_loop&) = delete;
  poll_loop& operator=(const poll_loop&) = delete;

  void start();
  // Leaves the group (revoking through the hook) and joins the thread.
  void stop();
  bool running() const { return running_; }

  struct stats {
    std::uint64_t records = 0;
    std::uint64_t batches = 0;
    std::uint64_t pauses = 0;
    std::uint64_t errors = 0;
    std::uint64_t stale_commands = 0; // from a reader that no longer reads its partition here
    std::uint64_t seek_failures = 0;
  };
  stats counters() const;

  // What the poll thread last saw of each partition it owns, refreshed a few times a second, for
  // metrics: paused partitions, and consumer lag against the broker's high watermark (librdkafka's
  // cached value, updated by every fetch response: current while the partition is fetched,
  // as old as the pause while it is paused).
  struct partition_view {
    std::int32_t partition = -1;
    bool paused = false;
    std::int64_t high_watermark = -1; // offset after the partition's last record; -1: not known yet
  };
  std::vector<partition_view> partitions() const;

private:
  void run();
  struct state;
  std::unique_ptr<state> state_;
  std::thread thread_;
  std::atomic<bool> running_{false};
  std::atomic<bool> stop_requested_{false};
};

} // namespace cs
