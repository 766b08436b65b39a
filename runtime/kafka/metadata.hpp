#pragma once
// Topic metadata queries against the cluster. Blocking (one broker round trip, bounded by
// `timeout`): call at startup or from the client's own thread, not from an actor's handler.
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <string_view>

#include "runtime/kafka/status.hpp"
#include "runtime/result.hpp"

namespace cs::runtime {

// Number of partitions of `topic`; fails if the cluster is unreachable within `timeout` or the
// topic does not exist.
result<std::int32_t, kafka_status> kafka_partition_count(rd_kafka_t* rk, std::string_view topic,
                                                         std::chrono::milliseconds timeout);

} // namespace cs::runtime
