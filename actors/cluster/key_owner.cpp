#include "actors/cluster/key_owner.hpp"

#include <algorithm>

namespace cs {

namespace {

bool reads(const member_view& m, std::int32_t partition) {
  return std::find(m.partitions.begin(), m.partitions.end(), partition) != m.partitions.end();
}

} // namespace

key_owner locate_owner(std::int32_t partition, const member_view& self, const std::vector<member_view>& members) {
  if (partition < 0) return {};
  if (reads(self, partition)) return {partition, self.name, owner_state::serving};
  for (const auto& m : members)
    if (m.up && reads(m, partition)) return {partition, m.name, m.answering ? owner_state::serving : owner_state::not_answering};
  // No member that is up reads it: the one that last did is down, or it is between owners.
  for (const auto& m : members)
    if (!m.up && reads(m, partition)) return {partition, m.name, owner_state::down};
  return {partition, {}, owner_state::moving};
}

std::string describe_owner(const key_owner& owner) {
  const auto p = "partition " + std::to_string(owner.partition);
  switch (owner.state) {
    case owner_state::unknown: return "the owner is not known (the events topic's partition count is not known to this node)";
    case owner_state::serving: return p + " is read by " + owner.node;
    case owner_state::not_answering: return p + " is read by " + owner.node + ", which did not answer in time";
    case owner_state::down:
      return p + " was read by " + owner.node + ", which is down; the consumer group moves it to another node within its session timeout";
    case owner_state::moving: return p + " is moving: no node reads it while the consumer group rebalances";
  }
  return p;
}

} // namespace cs
