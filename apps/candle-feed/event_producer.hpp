#pragma once
// The producer of simulate and replay: keyed records to the events topic through the runtime
// wrapper (murmur2 partitioner, as a Java producer would pick), idempotent with acks=all, tuned
// for throughput (linger, large batches, lz4). Counts what was queued, delivered and failed, and
// checks every delivery landed on the partition murmur2 of its key names.
#include <chrono>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/kafka/client_config.hpp"
#include "runtime/kafka/producer.hpp"

namespace cs::feed {

// A failure of Kafka itself (unreachable, topic missing): the command ends with exit code 1.
struct kafka_failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct producer_settings {
  std::string brokers;
  std::string topic;
  // librdkafka properties given with --producer-prop KEY=VALUE; they win over the defaults.
  runtime::kafka_config overrides;
};

// The throughput and safety settings, before overrides (documented in the .cpp).
runtime::kafka_config default_producer_properties();

class event_producer {
public:
  // Connects and looks the topic up; throws kafka_failure when it cannot, and
  // runtime::kafka_config_error on a bad property.
  explicit event_producer(const producer_settings& settings);

  // Queues one record, waiting (serving delivery reports) while the local queue is full.
  // A record librdkafka refuses outright counts as failed; a fatal client error throws.
  void send(std::string_view key, std::string_view payload);
  // Serves delivery reports until `t` (pacing waits here rather than in a bare sleep).
  void wait_until(std::chrono::steady_clock::time_point t);
  // Waits up to `timeout` for every queued record; true when all were delivered.
  bool finish(std::chrono::milliseconds timeout);

  std::int32_t partitions() const { return partitions_; }
  std::uint64_t queued() const { return queued_; }
  std::uint64_t delivered() const { return delivered_; }
  std::uint64_t failed() const { return failed_; }
  // Delivered to another partition than murmur2(key) % partitions: must stay 0.
  std::uint64_t misrouted() const { return misrouted_; }
  const std::map<std::int32_t, std::uint64_t>& per_partition() const { return per_partition_; }
  const std::string& first_error() const { return first_error_; }

private:
  void on_delivery(const runtime::kafka_delivery_report& r);
  void fail(std::string reason);

  std::string topic_;
  std::int32_t partitions_ = 0;
  std::uint64_t queued_ = 0;
  std::uint64_t delivered_ = 0;
  std::uint64_t failed_ = 0;
  std::uint64_t misrouted_ = 0;
  std::map<std::int32_t, std::uint64_t> per_partition_;
  std::string first_error_;
  runtime::kafka_producer producer_; // last: its callbacks use the counters above
};

// "key=value" to a property; false when there is no '='.
bool parse_property(std::string_view text, runtime::kafka_config& into);

} // namespace cs::feed
