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

// Where a key's partition is read, as this node knows it: what a gateway says when no node
// answered for the key (docs/design.md §5, cluster).
enum class owner_state : std::uint8_t {
  unknown,       // the events topic's partition count is not known (Kafka was unreachable at start)
  serving,       // a node that is up reads the partition (and answered: the key has no actor there)
  not_answering, // a node that is up reads it but did not answer the last lookup in time
  down,          // the node that read it is down; the consumer group has not moved it yet
  moving,        // no node reads it: the group is rebalancing
};

std::string to_string(owner_state s);

struct key_owner {
  std::int32_t partition = -1;
  std::string node; // the node that reads (or last read) the partition; empty when none
  owner_state state = owner_state::unknown;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, key_owner& x) {
  return f(caf::meta::type_name("key_owner"), x.partition, x.node, x.state);
}

} // namespace cs
