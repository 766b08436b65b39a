#pragma once
// The publisher actor (DESIGN §5): the node's Kafka producer for final candles
// (candles-completed, key = symbol), invalid events (market-events-dlq) and late events
// (market-events-late), with the reason and source position in headers. Idempotent producer,
// acks=all. A checkpoint commits only after this actor confirmed Kafka acknowledged everything.
// Runs detached: flush() blocks until the broker answers.
//   (publish_atom, publish_request) -> bool   true when every record was acknowledged
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <memory>

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
  std::uint64_t published = 0;
  static inline const char* name = "publisher";
};

caf::behavior publisher_actor(caf::stateful_actor<publisher_state>* self, runtime::kafka_config settings,
                              publisher_topics topics, duration_ns flush_timeout);

} // namespace cs
