#pragma once
// Thread-safe channel from actors to the Kafka poll thread, which owns the librdkafka consumer
// (the wrapper is single-threaded): seek after a restart, commit mirrored offsets, pause/resume.
// Back-pressure counters live here too: readers decrement what the poll thread incremented.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace cs {

struct consumer_command {
  enum class kind : std::uint8_t { seek, commit, stop_partition };
  kind what = kind::seek;
  std::int32_t partition = -1;
  std::int64_t offset = 0;
  std::uint64_t generation = 0;
};

class consumer_commands {
public:
  void push(consumer_command c) {
    std::lock_guard lock(mutex_);
    queue_.push_back(c);
  }
  std::vector<consumer_command> take() {
    std::lock_guard lock(mutex_);
    std::vector<consumer_command> out;
    out.swap(queue_);
    return out;
  }

private:
  std::mutex mutex_;
  std::vector<consumer_command> queue_;
};

// Batches handed to a reader and not yet processed by it.
using inflight_counter = std::shared_ptr<std::atomic<std::int64_t>>;

} // namespace cs
