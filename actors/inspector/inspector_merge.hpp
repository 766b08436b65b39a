#pragma once
// One cluster-wide console answer from every member's own (inspector_actor.cpp asks each member
// for its part). Pure: no CAF calls, no I/O. Thread-safe (no shared state).
#include <string>
#include <vector>

#include "messages/cluster_messages.hpp"
#include "messages/console_messages.hpp"

namespace cs::console {

struct member_answer {
  std::string node;
  console_reply reply;
};

// nodes, partitions, actors, stats, cache: the members' rows together (sorted, summed), members
// that are down listed in `nodes`, members that failed to answer under "errors".
// inspect, crash, checkpoint: the one member that holds the key or partition answers; the others'
// unknown_symbol / not_owned are no answer. Every member failing is `unavailable`.
console_reply merge_answers(const std::string& command, const std::vector<member_answer>& parts, const std::vector<member_info>& down);

} // namespace cs::console
