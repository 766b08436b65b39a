#pragma once
// RAII librdkafka producer. produce() only enqueues; the outcome arrives later as a delivery
// report, handed to the callback from inside poll() or flush() on the calling thread, so the
// owner must call poll() regularly. produce/poll/flush never throw; the constructor throws
// kafka_config_error on a bad configuration.
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "runtime/kafka/client_config.hpp"
#include "runtime/kafka/status.hpp"
#include "runtime/kafka/types.hpp"
#include "runtime/result.hpp"

namespace cs::runtime {

struct kafka_delivery_report {
  // The views point into librdkafka's message: valid only during the callback.
  std::string_view topic;
  std::string_view key;
  std::int32_t partition = 0;
  std::int64_t offset = kafka_offset_invalid; // assigned by the broker; invalid on failure
  std::uint64_t correlation_id = 0;          // as given to produce()
  kafka_status status;
};
using kafka_delivery_callback = std::function<void(const kafka_delivery_report&)>;

struct kafka_produce_options {
  std::span<const kafka_header> headers{};
  // Unset: the configured partitioner picks (murmur2 of the key, as the Java client does).
  std::optional<std::int32_t> partition{};
  // Echoed in the delivery report, so the caller can match reports to what it sent.
  std::uint64_t correlation_id = 0;
};

class kafka_producer {
public:
  // How long the destructor waits for queued messages before dropping them. Callers that must
  // not lose messages flush() and check in_flight() themselves before destruction.
  static constexpr std::chrono::milliseconds destroy_flush_timeout{5000};

  // Settings this wrapper applies before the caller's (which win). "murmur2_random" makes keyed
  // messages land where a Java producer would put them (librdkafka's own default is crc32).
  static const kafka_config& default_settings();

  explicit kafka_producer(const kafka_config& settings, kafka_delivery_callback on_delivery = {});
  ~kafka_producer();
  kafka_producer(kafka_producer&&) noexcept;
  kafka_producer& operator=(kafka_producer&&) noexcept;
  kafka_producer(const kafka_producer&) = delete;
  kafka_producer& operator=(const kafka_producer&) = delete;

  // Enqueues one message (key and value are copied). An empty key is sent as a null key, which
  // the partitioner spreads at random; every keyed stream of candlestream has a non-empty key.
  // A full local queue returns a status with queue_full(): poll() and retry.
  kafka_status produce(std::string_view topic, std::string_view key, std::string_view value,
                       const kafka_produce_options& options = {});

  // produce_until() without a deadline: for tools that must get every record out.
  kafka_status produce_waiting(std::string_view topic, std::string_view key, std::string_view value,
                               const kafka_produce_options& options = {},
                               std::chrono::milliseconds wait = std::chrono::milliseconds{1});

  // produce(), and while the local queue is full: serve delivery reports for up to `wait` at a
  // time, then try again, until `deadline`. For callers whose whole job has a time bound (the
  // publisher's request): the status of the last try, queue_full() if the deadline passed first.
  kafka_status produce_until(std::string_view topic, std::string_view key, std::string_view value,
                             const kafka_produce_options& options,
                             std::chrono::steady_clock::time_point deadline,
                             std::chrono::milliseconds wait = std::chrono::milliseconds{10});

  // Serves delivery reports; returns how many events were served.
  int poll(std::chrono::milliseconds timeout = std::chrono::milliseconds{0});
  // Waits until every queued message is delivered or failed (reports are served meanwhile).
  kafka_status flush(std::chrono::milliseconds timeout);
  // Messages enqueued but not yet reported.
  int in_flight() const;

  // The effective message.max.bytes: produce() refuses a record whose key, value and headers
  // (with librdkafka's framing) exceed it, with RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE.
  std::size_t max_message_bytes() const;

  result<std::int32_t, kafka_status> partition_count(std::string_view topic,
                                                     std::chrono::milliseconds timeout);

  rd_kafka_t* native_handle() const;

private:
  struct state;
  std::unique_ptr<state> state_;
};

} // namespace cs::runtime
