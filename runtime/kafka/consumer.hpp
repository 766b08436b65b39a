#pragma once
// RAII librdkafka consumer: a group member (subscribe) or a plain reader of chosen partitions
// (assign). Use it from one thread: rebalance handlers run inside poll_batch() and close() on
// that thread. Calls never throw; the constructor throws kafka_config_error on a bad config.
// Destruction closes cleanly: revokes the assignment (the handler sees it) and leaves the group.
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/kafka/client_config.hpp"
#include "runtime/kafka/status.hpp"
#include "runtime/kafka/types.hpp"
#include "runtime/result.hpp"

namespace cs::runtime {

enum class kafka_rebalance_event {
  // The partitions are about to be assigned. The handler may set each entry's offset to choose
  // where reading starts; kafka_offset_invalid keeps the committed offset (or auto.offset.reset).
  assigned,
  // The partitions are about to be taken away in an orderly rebalance: last chance to checkpoint.
  revoked,
  // The partitions were lost (session timeout, fenced): another member may own them already, so
  // do not commit for them.
  lost,
};

// Must not throw (it runs inside a librdkafka callback); an escaping exception is caught and
// reported by the next poll_batch(), and the (un)assignment proceeds regardless, because leaving
// it half done would stall the whole group.
using kafka_rebalance_handler =
  std::function<void(kafka_rebalance_event, std::span<kafka_topic_partition> partitions)>;

struct kafka_watermarks {
  std::int64_t low = 0;
  std::int64_t high = 0;
};

class kafka_consumer {
public:
  // Settings applied before the caller's (which win): offsets are committed explicitly by
  // commit(), never behind the caller's back.
  static const kafka_config& default_settings();

  explicit kafka_consumer(const kafka_config& settings, kafka_rebalance_handler on_rebalance = {});
  ~kafka_consumer();
  kafka_consumer(kafka_consumer&&) noexcept;
  kafka_consumer& operator=(kafka_consumer&&) noexcept;
  kafka_consumer(const kafka_consumer&) = delete;
  kafka_consumer& operator=(const kafka_consumer&) = delete;

  // Joins the group (needs group.id). Works with eager and cooperative assignment strategies.
  kafka_status subscribe(std::span<const std::string> topics);
  // Reads exactly these partitions from their offsets, outside group management.
  kafka_status assign(std::span<const kafka_topic_partition> partitions);

  // Appends up to `max_records` records to `out`: waits up to `timeout` for the first, then takes
  // only what is already fetched (looking at no more than `max_records` messages, errors included). Records are appended even when the status is not ok; the
  // status is the first consumer error seen (mostly transient, e.g. a broker connection lost and
  // being retried by librdkafka; check .fatal).
  kafka_status poll_batch(std::vector<kafka_record>& out, std::size_t max_records,
                          std::chrono::milliseconds timeout);

  // The first error raised inside a rebalance callback (handler threw, (un)assign refused) since
  // the last call, and clears it. poll_batch() reports it too; a caller that serves the queue
  // itself (rd_kafka_consume_batch_queue on native_handle()) must call this after each poll.
  kafka_status take_deferred_error();

  // Commits each entry's offset (the NEXT offset to read) for the group. Synchronous unless
  // `async`, in which case only the enqueueing is checked.
  kafka_status commit(std::span<const kafka_topic_partition> offsets, bool async = false);
  // The group's committed offsets of `partitions` (kafka_offset_invalid where none).
  result<std::vector<kafka_topic_partition>, kafka_status>
  committed(std::span<const kafka_topic_partition> partitions, std::chrono::milliseconds timeout);
  result<std::vector<kafka_topic_partition>, kafka_status> assignment();

  // Stops/restarts fetching of assigned partitions (back-pressure); positions are kept.
  kafka_status pause(std::span<const kafka_topic_partition> partitions);
  kafka_status resume(std::span<const kafka_topic_partition> partitions);

  // The partition's log start offset (low) and the offset after its last record (high), asked of
  // the broker that leads it.
  result<kafka_watermarks, kafka_status> query_watermarks(const std::string& topic, std::int32_t partition,
                                                          std::chrono::milliseconds timeout);

  result<std::int32_t, kafka_status> partition_count(std::string_view topic,
                                                     std::chrono::milliseconds timeout);

  // Revokes the assignment (running the handler), leaves the group and releases the client.
  // Idempotent; the destructor calls it.
  kafka_status close();

  rd_kafka_t* native_handle() const;

private:
  struct state;
  std::unique_ptr<state> state_;
};

} // namespace cs::runtime
