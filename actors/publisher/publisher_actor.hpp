#pragma once
// The publisher actor (docs/design.md §5): the node's Kafka producer for final candles
// (candles-completed, key = symbol), invalid events (market-events-dlq) and late events
// (market-events-late), with the reason and source position in headers. Idempotent producer,
// acks=all. A checkpoint commits only after this actor confirmed Kafka acknowledged everything
// of its request. Runs detached: it blocks while Kafka answers. Interface: publisher_hdl
// (messages/protocols.hpp). A request fails with pipeline_errc::publish_failed, naming its first
// failure and its failures by error code, when one of its own records was not acknowledged
// (delivery reports are matched to the request that sent them) or when `flush_timeout` passed
// since it began (the bound of the whole request). A DLQ or late record too large for Kafka is
// published with its payload cut, or dropped and counted; it never fails its request
// (publisher_core.hpp, publish_job.hpp, oversize_records.hpp).
#include <caf/stateful_actor.hpp>

#include <memory>

#include "actors/publisher/publisher_core.hpp"
#include "messages/protocols.hpp"
#include "messages/time.hpp"
#include "runtime/kafka/producer.hpp"

namespace cs {

struct publisher_state {
  // Declared before the producer, which is destroyed first: its destructor still serves
  // delivery reports, into the core.
  std::unique_ptr<publisher_core<runtime::kafka_producer>> core;
  std::unique_ptr<runtime::kafka_producer> producer;
  static inline const char* name = "publisher";
};

publisher_hdl::behavior_type publisher_actor(publisher_hdl::stateful_pointer<publisher_state> self, runtime::kafka_config settings,
                              publisher_topics topics, duration_ns flush_timeout);

// The same actor, sharing its counters (truncated and dropped records, stale reports, failed
// requests) with the caller: publisher_hdl's stats answer only the published count.
publisher_hdl::behavior_type counted_publisher_actor(publisher_hdl::stateful_pointer<publisher_state> self,
                                                     runtime::kafka_config settings, publisher_topics topics,
                                                     duration_ns flush_timeout, std::shared_ptr<publisher_counters> counters);

} // namespace cs
