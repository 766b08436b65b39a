#pragma once
// Starts this node's node actor (actors/cluster/node_actor.hpp) from the configuration and
// publishes it on cluster.host:cluster.port: other nodes and candle-console connect there.
#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include <string>
#include <vector>

#include "actors/cluster/roles.hpp"
#include "node_pipeline.hpp"
#include "runtime/config/config.hpp"

namespace cs::node {

struct node_cluster {
  caf::actor actor;         // null when cluster.port is 0
  std::uint16_t port = 0;
  std::string endpoint;     // host:port it is published on
  std::string error;        // why it could not be published (then `actor` is null)
};

// `http_address` is this node's HTTP host:port; `seeds` come checked (parse_endpoints). The
// directory is told to ask the node actor for keys held elsewhere.
node_cluster start_node_cluster(caf::actor_system& sys, const runtime::config& cfg, node_pipeline& pipeline,
                                const std::string& http_address, const std::vector<std::string>& seeds, const cs::node_roles& roles);

} // namespace cs::node
