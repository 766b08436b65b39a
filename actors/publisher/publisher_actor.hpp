#pragma once
// The publisher actor (docs/design.md §5): the node's Kafka producer for final candles
// (candles-completed, key = symbol), invalid events (market-events-dlq) and late events
// (market-events-late), with the reason and source position in headers. Idempotent producer,
// acks=all. A checkpoint commits only after this actor confirmed Kafka acknowledged everything.
// Runs detached: flush() blocks until the broker answers. Interface: publisher_hdl
// (messages/protocols.hpp); a request that Kafka did not fully acknowledge fails with
// pipeline_errc::publish_failed, naming the first refusal.
#include <caf/stateful_actor.hpp>

#include <memory>

#include "messages/protocols.hpp"
#include "messages/time.hpp"
#include "runtime/kafka/producer.hpp"

namespace cs {

struct publisher_topics {
  std::string candles;
  std::string dlq;
  std::string late;
};

struct publisher_state {
  std::unique_ptr<runtime::kafka_producer> producer;
  std::uint64_t failed_deliveries = 0; // since the current request began
  std::string first_failure;           // of the current request
  std::uint64_t published = 0;
  static inline const char* name = "publisher";
};

publisher_hdl::behavior_type publisher_actor(publisher_hdl::stateful_pointer<publisher_state> self, runtime::kafka_config settings,
                              publisher_topics topics, duration_ns flush_timeout);

} // namespace cs
