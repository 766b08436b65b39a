#pragma once
// The top of a node's supervision tree. Partition readers supervise their candle actors
// (restart from the last checkpoint, with intensity and backoff); the node's singletons
// (directory, db_writer, publisher, kafka_consumer) have no state worth restarting in place:
// if one of them dies, the node escalates to its process supervisor (systemd, the test, the
// operator) by shutting down with an error, after the surviving partitions checkpoint. Kafka then
// moves its partitions to the other nodes, which resume from PostgreSQL.
#include <caf/event_based_actor.hpp>

#include <functional>
#include <string>
#include <vector>

namespace cs {

using escalation_handler = std::function<void(const std::string& why)>;

// A watched singleton and the name the log gives it when it fails.
struct supervised_child {
  std::string name;
  caf::actor actor;
};

caf::behavior root_supervisor(caf::event_based_actor* self, std::vector<supervised_child> children,
                              escalation_handler escalate);

} // namespace cs
