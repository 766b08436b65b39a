#pragma once
// Which node reads a key's partition, from what the members announced: the answer behind a
// gateway's 503 for a key no node answered for (the owner is down, not answering, or the
// partition is moving) as opposed to its 404 (the owner answered: no such key). Pure; thread-safe.
#include <cstdint>
#include <string>
#include <vector>

#include "messages/cluster_messages.hpp"

namespace cs {

struct member_view {
  std::string name;
  bool up = true;
  bool answering = true;                // its last find_local answered in time
  std::vector<std::int32_t> partitions; // announced; for a member that is down, its last announcement
};

// `self` is this node (always up and answering).
key_owner locate_owner(std::int32_t partition, const member_view& self, const std::vector<member_view>& members);

// "partition 3 is read by node-b, which is down: ..." for an error message.
std::string describe_owner(const key_owner& owner);

} // namespace cs
