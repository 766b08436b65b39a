#pragma once
// The node actor: a node's face to the rest of the cluster and to candle-console, published on
// cluster.host:cluster.port over CAF's middleman (docs/design.md §5, cluster membership).
//
// Membership: it joins through the configured seeds (re-trying every tick until a seed answers),
// and connects to every member the seed knows and joins it too, so the cluster is a full mesh of
// node actors, each link direct (a member is never learnt from a third node's view: a member seen
// going down comes back only when this node reaches it again). It monitors each member: with CAF's heartbeats on (cluster.heartbeat-interval,
// cluster.connection-timeout) a dead, paused or cut-off member's handle goes down within the
// connection timeout and the member is marked down. A restarted member (new node id, later
// start time) joins again through its seeds and replaces the old entry; a member that went down
// is re-tried every tick, so a healed link reconnects by itself. Every tick it also joins each
// member again (its answer lists the members it knows: nodes that joined at the same moment learn
// of each other that way). Every tick it reads this
// node's partitions (the poll thread's assignment) and announces a change to every member.
//
// Keys held elsewhere: the directory delegates a lookup it cannot answer here; the node actor asks
// every member's node actor (find_local, each with cluster.request-timeout) and answers with the
// first that holds the key. When none does, `where` names the member that reads the key's
// partition (or last did, if it is down), for the gateway's 503. Console commands go to the
// inspector, its child.
//
// Failure semantics: a member that does not answer in time is skipped for that request, never
// waited for again; nothing here blocks an actor.
#include <caf/stateful_actor.hpp>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "actors/cluster/endpoint.hpp"
#include "actors/inspector/inspector_actor.hpp"
#include "messages/protocols.hpp"

namespace cs {

struct node_actor_settings {
  member_info self;               // name, endpoint, http, roles (handle and partitions: filled here)
  std::vector<std::string> seeds; // host:port of node actors to join through (this node's own is skipped)
  duration_ns timeout = 0;        // of each request to another node
  duration_ns tick = 0;           // announce partitions, re-try seeds
  std::int32_t partition_count = 0; // of the events topic, for `where` (0: not known)
  inspector_settings inspector;
};

struct node_actor_state {
  struct member {
    member_info info;
    node_hdl handle;
    std::vector<std::int32_t> last_partitions; // its partitions when it went down
    bool answering = true;                      // its last find_local answered in time
  };
  member_info self;
  std::map<std::string, member> members; // by name, this node excluded
  std::set<std::string> connecting;      // endpoints with a connect or join in flight
  static inline const char* name = "node";
};

node_hdl::behavior_type node_actor(node_hdl::stateful_pointer<node_actor_state> self, node_actor_settings settings,
                                   inspector_peers peers);

} // namespace cs
