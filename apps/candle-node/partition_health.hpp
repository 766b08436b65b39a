#pragma once
// Readiness of the partitions assigned to this node: ready only while every one of them is
// running (claimed and taking records). Any other reader phase (claiming, restarting, stalled,
// fenced, revoking) makes the node not ready, naming the partition and the reason, because its
// candles are not advancing. Pure: reads the kafka_consumer actor's stats JSON.
#include <nlohmann/json.hpp>

#include "dependency_checks.hpp"

namespace cs::node {

// `partitions`: the array the kafka_consumer actor answers to stats_atom (one object per
// reader, with "partition", "state" and "reason").
dependency_state partition_health(const nlohmann::json& partitions);

} // namespace cs::node
