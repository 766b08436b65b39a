#include "actors/kafka_consumer/gap_verifier.hpp"

#include <caf/all.hpp>

#include <chrono>
#include <memory>

#include "messages/atoms.hpp"
#include "runtime/kafka/consumer.hpp"
#include "runtime/log/log.hpp"

namespace cs {
namespace {

constexpr std::string_view component = "gap_verifier";
constexpr std::chrono::milliseconds broker_timeout{5000};
constexpr std::chrono::milliseconds poll_step{200};

// The first offset a fresh fetch of `partition` from `start` returns, or -1.
std::int64_t first_offset_from(runtime::kafka_consumer& c, const std::string& topic, std::int32_t partition,
                               std::int64_t start) {
  const runtime::kafka_topic_partition at{topic, partition, start};
  if (auto s = c.assign(std::span(&at, 1)); !s) {
    runtime::log_warn(component, "assign: " + s.reason);
    return -1;
  }
  std::int64_t first = -1;
  std::vector<runtime::kafka_record> records;
  const auto deadline = std::chrono::steady_clock::now() + broker_timeout;
  while (first < 0 && std::chrono::steady_clock::now() < deadline) {
    records.clear();
    (void)c.poll_batch(records, 16, poll_step); // transient errors: librdkafka retries
    for (const auto& r : records)
      if (r.partition == partition && r.offset >= start) {
        first = r.offset;
        break;
      }
  }
  (void)c.assign({});
  return first;
}

} // namespace

caf::behavior gap_verifier_actor(caf::event_based_actor* self, runtime::kafka_config settings, std::string topic) {
  // Only records, no group: nothing is committed, and isolation.level stays the librdkafka
  // default (read_committed), as for the group consumer, so both see the same records.
  settings["enable.partition.eof"] = "false";
  auto consumer = std::make_shared<runtime::kafka_consumer>(settings);
  (void)self;
  return {
    [=](gap_atom, std::int32_t partition, std::int64_t from, std::int64_t seen) {
      gap_evidence e{from, seen, -1, -1};
      if (auto w = consumer->query_watermarks(topic, partition, broker_timeout); w)
        e.log_start = w->low;
      else
        runtime::log_warn(component, "watermarks of " + topic + "[" + std::to_string(partition) + "]: " + w.error().reason);
      if (e.log_start >= 0 && gap_fetch_start(e) < seen) e.first_fetched = first_offset_from(*consumer, topic, partition, gap_fetch_start(e));
      return judge_gap(e);
    },
  };
}

} // namespace cs
