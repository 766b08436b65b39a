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
};

// A partition handed to this node, with where to read from and who reads it.
struct partition_start {
  std::int32_t partition = -1;
  std::int64_t offset = 0;
  caf::actor reader;
  inflight_counter inflight;
};

struct poll_hooks {
  // Blocking: creates readers (claiming each partition) and says where each starts.
  std::function<std::vector<partition_start>(const std::vector<std::int32_t>&)> on_assign;
  // Blocking: checkpoints (unless lost) and retires the readers of these partitions.
  std::function<void(const std::vector<std::int32_t>&, bool lost)> on_revoke;
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
  };
  stats counters() const;

private:
  void run();
  struct state;
  std::unique_ptr<state> state_;
  std::thread thread_;
  std::atomic<bool> running_{false};
  std::atomic<bool> stop_requested_{false};
};

} // namespace cs
