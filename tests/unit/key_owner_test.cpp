#include <catch2/catch.hpp>

#include "actors/cluster/key_owner.hpp"

using namespace cs;

namespace {
const member_view self{"node-a", true, true, {0, 1}};
} // namespace

TEST_CASE("locate_owner: this node or an answering member reads the partition: serving") {
  const std::vector<member_view> members{{"node-b", true, true, {2, 3}}};
  auto o = locate_owner(1, self, members);
  CHECK((o.partition == 1 && o.node == "node-a" && o.state == owner_state::serving));
  o = locate_owner(3, self, members);
  CHECK((o.node == "node-b" && o.state == owner_state::serving));
  CHECK(describe_owner(o) == "partition 3 is read by node-b");
}

TEST_CASE("locate_owner: a member that is up but missed its last lookup: not answering") {
  const auto o = locate_owner(2, self, {{"node-b", true, false, {2, 3}}});
  CHECK((o.node == "node-b" && o.state == owner_state::not_answering));
  CHECK(describe_owner(o).find("did not answer") != std::string::npos);
}

TEST_CASE("locate_owner: the member that last read it is down, unless an up member took it over") {
  const member_view down{"node-b", false, false, {2, 3}};
  auto o = locate_owner(2, self, {down});
  CHECK((o.partition == 2 && o.node == "node-b" && o.state == owner_state::down));
  CHECK(describe_owner(o).find("node-b, which is down") != std::string::npos);
  // node-c took partition 2 over while node-b's last announcement still lists it.
  o = locate_owner(2, self, {down, {"node-c", true, true, {2}}});
  CHECK((o.node == "node-c" && o.state == owner_state::serving));
}

TEST_CASE("locate_owner: nobody reads it: moving; no partition: unknown") {
  auto o = locate_owner(5, self, {{"node-b", true, true, {2, 3}}});
  CHECK((o.partition == 5 && o.node.empty() && o.state == owner_state::moving));
  CHECK(describe_owner(o).find("moving") != std::string::npos);
  o = locate_owner(-1, self, {});
  CHECK(o.state == owner_state::unknown);
}
