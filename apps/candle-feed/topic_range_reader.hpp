#pragma once
// Reads a fixed range of a topic: every partition from a start offset up to the high watermark
// seen at the start (or an explicit end), by manual assignment: no consumer group membership, no
// commits. Records reach the callback per partition in offset order.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "runtime/kafka/types.hpp"

namespace cs::feed {

struct topic_range_request {
  std::string brokers;
  std::string topic;
  std::int64_t from = runtime::kafka_offset_beginning; // or an offset, the same for every partition
  std::optional<std::int64_t> to;                      // exclusive; default: the high watermark
  // Giving up when no record arrives and no partition advances for this long.
  std::chrono::milliseconds stall_timeout{std::chrono::seconds{30}};
};

struct partition_range {
  std::int32_t partition = 0;
  std::int64_t begin = 0; // first offset read
  std::int64_t end = 0;   // one past the last
};

// Reads the range; throws kafka_failure (event_producer.hpp) when the cluster or topic is not
// usable, offsets of the range were deleted by retention, or the read stalls.
std::vector<partition_range> read_topic_range(const topic_range_request& request,
                                              const std::function<void(const runtime::kafka_record&)>& on_record);

} // namespace cs::feed
