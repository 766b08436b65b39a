#pragma once
// What the nodes of a cluster tell each other about themselves (actors/cluster/node_actor.hpp).
#include <caf/actor_control_block.hpp>
#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "messages/time.hpp"

namespace cs {

struct member_info {
  std::string name;                     // node.name: unique in a cluster
  std::string endpoint;                 // host:port of its node actor (peers and candle-console)
  std::string http;                     // host:port of its HTTP API
  std::vector<std::string> roles;
  std::vector<std::int32_t> partitions; // the partitions it reads, as of its last announcement
  timestamp_ns started_at = 0;          // tells a restarted node (new node id) from the old one
  caf::strong_actor_ptr handle;         // its node actor (a node_hdl)
  bool up = true;                       // as the answering node sees it
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, member_info& x) {
  return f(caf::meta::type_name("member_info"), x.name, x.endpoint, x.http, x.roles, x.partitions, x.started_at, x.handle, x.up);
}

} // namespace cs
