#pragma once
// Thread-safe channel from actors to the Kafka poll thread, which owns the librdkafka consumer
// (the wrapper is single-threaded): seek after a (re-)claim, commit mirrored offsets, hold a
// partition while its reader cannot take records. Back-pressure counters live here too: readers
// decrement what the poll thread incremented.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace cs {

// Identifies one reader of one partition on this node: every reader the kafka_consumer actor
// spawns gets a new one, so a command from a reader that was revoked (and maybe replaced by a
// newer reader of the same partition) never reaches the newer reader's partition state.
using reader_instance = std::uint64_t;

struct consumer_command {
  enum class kind : std::uint8_t {
    seek,   // read from `offset` on, batches stamped `generation`; ends a hold
    commit, // mirror `offset` as the group's committed offset
    hold,   // pause: the reader is (re-)claiming and would drop every record
  };
  kind what = kind::seek;
  std::int32_t partition = -1;
  reader_instance instance = 0;
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
