// Kafka through librdkafka against the local broker: a keyed event goes to market-events, lands
// on the partition a Java producer would choose, and is read back by manual assignment and by a
// cooperative-sticky group member.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "runtime/kafka/consumer.hpp"
#include "runtime/kafka/partitioner.hpp"
#include "runtime/kafka/producer.hpp"
#include "runtime/config/service_endpoints.hpp"
#include "tests/integration/test_support.hpp"

namespace {

using namespace std::chrono_literals;
namespace rt = cs::runtime;
using clock_type = std::chrono::steady_clock;

// config/candlestream.conf: kafka.topic.events
const std::string events_topic = "market-events";
constexpr auto metadata_timeout = 10s;
// Bounds a produce when the broker is gone (librdkafka's default is 5 minutes).
constexpr auto delivery_timeout = 15s;
constexpr auto consume_timeout = 60s;
constexpr auto poll_timeout = 200ms;
constexpr std::size_t poll_batch_size = 500;
constexpr std::size_t partitioner_sample_keys = 64;
constexpr double sample_bid = 50000.10;
constexpr double sample_ask = 50000.30;

rt::kafka_config producer_settings(const rt::service_endpoints& ep) {
  return {{"bootstrap.servers", ep.kafka_brokers},
          {"message.timeout.ms",
           std::to_string(std::chrono::milliseconds{delivery_timeout}.count())}};
}

rt::kafka_config consumer_settings(const rt::service_endpoints& ep, const std::string& group) {
  return {{"bootstrap.servers", ep.kafka_brokers},
          {"group.id", group},
          {"auto.offset.reset", "earliest"}};
}

// Fails the test, naming the broker and what to run, when Kafka or the topic is missing.
std::int32_t require_events_topic(rt::kafka_producer& producer, const rt::service_endpoints& ep) {
  auto partitions = producer.partition_count(events_topic, metadata_timeout);
  if (!partitions)
    cs::test::fail_service_unavailable("Kafka", ep.kafka_brokers, partitions.error().reason);
  return *partitions;
}

struct delivered {
  std::string key;
  std::int32_t partition = -1;
  std::int64_t offset = rt::kafka_offset_invalid;
  rt::kafka_status status;
};

// A producer that records every delivery report by correlation id.
struct recording_producer {
  std::map<std::uint64_t, delivered> reports;
  rt::kafka_producer producer;

  explicit recording_producer(const rt::service_endpoints& ep)
    : producer(producer_settings(ep), [this](const rt::kafka_delivery_report& r) {
        reports[r.correlation_id] = {std::string{r.key}, r.partition, r.offset, r.status};
      }) {}

  delivered send_one(const std::string& key, const std::string& value,
                     const std::vector<rt::kafka_header>& headers = {}) {
    constexpr std::uint64_t id = 1;
    rt::kafka_produce_options options;
    options.headers = headers;
    options.correlation_id = id;
    auto queued = producer.produce(events_topic, key, value, options);
    REQUIRE(queued.reason == "");
    auto flushed = producer.flush(delivery_timeout);
    REQUIRE(flushed.reason == "");
    REQUIRE(reports.count(id) == 1);
    auto report = reports.at(id);
    reports.clear();
    REQUIRE(report.status.reason == "");
    return report;
  }
};

std::string event_json(const std::string& symbol) {
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  return R"({"symbol":")" + symbol + R"(","bid":)" + std::to_string(sample_bid) + R"(,"ask":)"
         + std::to_string(sample_ask) + R"(,"timestamp":)" + std::to_string(now_ms) + "}";
}

// Polls until a record at (partition, offset) arrives or consume_timeout passes.
std::optional<rt::kafka_record> consume_until(rt::kafka_consumer& consumer, std::int32_t partition,
                                              std::int64_t offset) {
  const auto deadline = clock_type::now() + consume_timeout;
  std::vector<rt::kafka_record> batch;
  while (clock_type::now() < deadline) {
    batch.clear();
    auto polled = consumer.poll_batch(batch, poll_batch_size, poll_timeout);
    // Transient errors are retried by librdkafka; only a fatal one ends the wait.
    REQUIRE_FALSE(polled.fatal);
    for (auto& r : batch)
      if (r.topic == events_topic && r.partition == partition && r.offset == offset)
        return std::move(r);
  }
  return std::nullopt;
}

} // namespace

TEST_CASE("a keyed event round-trips through market-events on Java's partition", "[kafka]") {
  const auto ep = rt::service_endpoints_from_env();
  recording_producer out{ep};
  const std::int32_t partitions = require_events_topic(out.producer, ep);

  const std::string suffix = cs::test::unique_suffix();
  const std::string key = "IT-" + suffix;
  const std::string value = event_json(key);
  const std::vector<rt::kafka_header> headers{{"source", "candlestream-integration-test"}};
  const auto sent = out.send_one(key, value, headers);

  CHECK(sent.key == key);
  CHECK(sent.partition == rt::kafka_partition_for_key(key, partitions));
  REQUIRE(sent.offset >= 0);

  rt::kafka_consumer consumer{consumer_settings(ep, "candle-it-assign-" + suffix)};
  const std::vector<rt::kafka_topic_partition> start{{events_topic, sent.partition, sent.offset}};
  REQUIRE(consumer.assign(start).reason == "");
  auto record = consume_until(consumer, sent.partition, sent.offset);
  REQUIRE(record.has_value());
  CHECK(record->has_key);
  CHECK(record->key == key);
  CHECK(record->value == value);
  CHECK(record->partition == sent.partition);
  CHECK(record->headers == headers);
  CHECK(record->timestamp_ms > 0);

  // Kafka commits the NEXT offset to read.
  const std::vector<rt::kafka_topic_partition> next{
    {events_topic, sent.partition, sent.offset + 1}};
  REQUIRE(consumer.commit(next).reason == "");
  auto committed = consumer.committed(start, metadata_timeout);
  REQUIRE(cs::test::failure_reason(committed) == "");
  REQUIRE(committed->size() == 1);
  CHECK(committed->front().offset == sent.offset + 1);
  CHECK(consumer.close().reason == "");
}

TEST_CASE("librdkafka's murmur2_random partitioner agrees with Java's for many keys", "[kafka]") {
  const auto ep = rt::service_endpoints_from_env();
  recording_producer out{ep};
  const std::int32_t partitions = require_events_topic(out.producer, ep);

  const std::string prefix = "IT-" + cs::test::unique_suffix() + "-";
  std::map<std::uint64_t, std::string> keys;
  for (std::uint64_t i = 0; i < partitioner_sample_keys; ++i) {
    keys[i] = prefix + std::to_string(i);
    rt::kafka_produce_options options;
    options.correlation_id = i;
    REQUIRE(out.producer.produce(events_topic, keys[i], event_json(keys[i]), options).reason == "");
  }
  REQUIRE(out.producer.flush(delivery_timeout).reason == "");
  REQUIRE(out.reports.size() == keys.size());

  std::set<std::int32_t> used;
  for (const auto& [id, key] : keys) {
    const auto& report = out.reports.at(id);
    INFO("key " << key);
    REQUIRE(report.status.reason == "");
    CHECK(report.key == key);
    CHECK(report.partition == rt::kafka_partition_for_key(key, partitions));
    used.insert(report.partition);
  }
  // 64 keys over 16 partitions: a partitioner stuck on few partitions would be a bug.
  constexpr std::size_t min_partitions_hit = 8;
  CHECK(used.size() >= min_partitions_hit);
}

TEST_CASE("a cooperative-sticky group member starts where its rebalance handler says",
          "[kafka]") {
  const auto ep = rt::service_endpoints_from_env();
  recording_producer out{ep};
  const std::int32_t partitions = require_events_topic(out.producer, ep);

  const std::string suffix = cs::test::unique_suffix();
  const std::string key = "IT-" + suffix;
  const std::string value = event_json(key);
  const auto sent = out.send_one(key, value);

  std::set<std::int32_t> assigned;
  std::set<std::int32_t> revoked;
  int lost_events = 0;
  auto settings = consumer_settings(ep, "candle-it-group-" + suffix);
  settings["partition.assignment.strategy"] = "cooperative-sticky";
  rt::kafka_consumer consumer{
    settings, [&](rt::kafka_rebalance_event event, std::span<rt::kafka_topic_partition> parts) {
      for (auto& p : parts) {
        switch (event) {
          case rt::kafka_rebalance_event::assigned:
            assigned.insert(p.partition);
            // Our record's partition starts at our record; the rest at their end, so nothing
            // older (from earlier runs) is read.
            p.offset = p.partition == sent.partition ? sent.offset : rt::kafka_offset_end;
            break;
          case rt::kafka_rebalance_event::revoked:
            revoked.insert(p.partition);
            break;
          case rt::kafka_rebalance_event::lost:
            ++lost_events;
            break;
        }
      }
    }};
  const std::vector<std::string> topics{events_topic};
  REQUIRE(consumer.subscribe(topics).reason == "");

  auto record = consume_until(consumer, sent.partition, sent.offset);
  REQUIRE(record.has_value());
  CHECK(record->key == key);
  CHECK(record->value == value);
  CHECK(assigned.size() == static_cast<std::size_t>(partitions));
  // The incremental (un)assign path of the wrapper is the one in use.
  CHECK(std::string{rd_kafka_rebalance_protocol(consumer.native_handle())} == "COOPERATIVE");
  auto assignment = consumer.assignment();
  REQUIRE(cs::test::failure_reason(assignment) == "");
  CHECK(assignment->size() == static_cast<std::size_t>(partitions));

  // Closing revokes everything through the handler before leaving the group.
  CHECK(consumer.close().reason == "");
  CHECK(revoked == assigned);
  CHECK(lost_events == 0);
}
