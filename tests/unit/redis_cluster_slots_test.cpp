// Redis Cluster routing's pure part (runtime/redis/cluster_slots.hpp): key slots with hash tags,
// CLUSTER SLOTS replies, MOVED/ASK errors and which argument a command routes by. Expected slots
// are Redis' own (its documentation and `CLUSTER KEYSLOT` on redis-server 7.0).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "runtime/redis/cluster_slots.hpp"

namespace {

namespace rt = cs::runtime;
using kind = rt::redis_reply::kind;

rt::redis_reply integer(std::int64_t v) { return {kind::integer, v, {}, {}}; }
rt::redis_reply text(std::string s) { return {kind::string, 0, std::move(s), {}}; }
rt::redis_reply array(std::vector<rt::redis_reply> e) { return {kind::array, 0, {}, std::move(e)}; }
rt::redis_reply node(std::string host, std::int64_t port) { return array({text(std::move(host)), integer(port), text("id")}); }

} // namespace

TEST_CASE("CRC16 is the XMODEM variant Redis Cluster specifies", "[redis][cluster]") {
  CHECK(rt::redis_crc16("123456789") == 0x31C3);
  CHECK(rt::redis_crc16("") == 0);
}

TEST_CASE("a key's slot follows Redis' hash tag rules", "[redis][cluster]") {
  CHECK(rt::redis_key_slot("foo") == 12182);
  CHECK(rt::redis_key_slot("bar") == 5061);
  CHECK(rt::redis_key_slot("123456789") == (0x31C3 % 16384));
  // The first non-empty {...} alone is hashed.
  CHECK(rt::redis_key_slot("{user1000}.following") == rt::redis_key_slot("{user1000}.followers"));
  CHECK(rt::redis_key_slot("{user1000}.following") == rt::redis_key_slot("user1000"));
  CHECK(rt::redis_key_slot("foo{bar}{zap}") == rt::redis_key_slot("bar"));
  CHECK(rt::redis_key_slot("foo{{bar}}zap") == rt::redis_key_slot("{bar"));
  // An empty first tag means no tag: the whole key is hashed.
  CHECK(rt::redis_key_slot("foo{}{bar}") == rt::redis_crc16("foo{}{bar}") % 16384);
  CHECK(rt::redis_key_slot("foo{bar") == rt::redis_crc16("foo{bar") % 16384);
  // The L2's series keys: one series, one slot.
  CHECK(rt::redis_key_slot("cs:l2:{SYM000|1m}") == rt::redis_key_slot("SYM000|1m"));
}

TEST_CASE("node addresses split at the last colon", "[redis][cluster]") {
  CHECK(rt::parse_redis_node_address("127.0.0.1:7000") == rt::redis_node_address{"127.0.0.1", 7000});
  CHECK(rt::parse_redis_node_address("::1:7000") == rt::redis_node_address{"::1", 7000});
  CHECK(rt::parse_redis_node_address("10.0.0.1:7000@17000") == rt::redis_node_address{"10.0.0.1", 7000});
  CHECK_FALSE(rt::parse_redis_node_address("127.0.0.1"));
  CHECK_FALSE(rt::parse_redis_node_address(":7000"));
  CHECK_FALSE(rt::parse_redis_node_address("h:0"));
  CHECK_FALSE(rt::parse_redis_node_address("h:70000"));
  CHECK_FALSE(rt::parse_redis_node_address("h:7x"));
}

TEST_CASE("a CLUSTER SLOTS reply maps every slot to its master", "[redis][cluster]") {
  const auto reply = array({
    array({integer(0), integer(5460), node("127.0.0.1", 7000), node("127.0.0.1", 7003)}),
    array({integer(5461), integer(10922), node("", 7001), node("127.0.0.1", 7004)}),
    array({integer(10923), integer(16000), node("127.0.0.1", 7002)}),
    array({integer(16001), integer(16383), node("127.0.0.1", 7000)}),
  });
  auto t = rt::parse_cluster_slots(reply, "10.1.1.1");
  REQUIRE(t.ok());
  CHECK(t->masters.size() == 3); // 7000 twice is one master
  CHECK(t->uncovered() == 0);
  CHECK(*t->node_of(0) == rt::redis_node_address{"127.0.0.1", 7000});
  CHECK(*t->node_of(5460) == rt::redis_node_address{"127.0.0.1", 7000});
  CHECK(*t->node_of(5461) == rt::redis_node_address{"10.1.1.1", 7001}); // unknown host: the one asked
  CHECK(*t->node_of(16000) == rt::redis_node_address{"127.0.0.1", 7002});
  CHECK(*t->node_of(16383) == rt::redis_node_address{"127.0.0.1", 7000});
}

TEST_CASE("a partial CLUSTER SLOTS reply leaves slots uncovered", "[redis][cluster]") {
  auto t = rt::parse_cluster_slots(array({array({integer(100), integer(199), node("h", 1)})}), "h");
  REQUIRE(t.ok());
  CHECK(t->uncovered() == 16384 - 100);
  CHECK(t->node_of(99) == nullptr);
  CHECK(t->node_of(100) != nullptr);
  CHECK(t->node_of(200) == nullptr);
  auto empty = rt::parse_cluster_slots(array({}), "h");
  REQUIRE(empty.ok());
  CHECK(empty->uncovered() == 16384);
}

TEST_CASE("malformed CLUSTER SLOTS replies are unexpected_reply errors", "[redis][cluster]") {
  const std::vector<rt::redis_reply> bad = {
    text("nope"),
    array({array({integer(0), integer(10)})}),
    array({array({integer(10), integer(0), node("h", 1)})}),
    array({array({integer(0), integer(16384), node("h", 1)})}),
    array({array({integer(0), integer(1), array({text("h")})})}),
    array({array({integer(0), integer(1), node("h", 0)})}),
    array({array({integer(0), integer(1), node("h", 65536)})}),
  };
  for (const auto& r : bad) {
    auto t = rt::parse_cluster_slots(r, "h");
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().code == rt::redis_errc::unexpected_reply);
  }
}

TEST_CASE("MOVED and ASK errors name the slot and its node", "[redis][cluster]") {
  CHECK(rt::parse_redis_redirect("MOVED 3999 127.0.0.1:6381") == rt::redis_redirect{false, 3999, {"127.0.0.1", 6381}});
  CHECK(rt::parse_redis_redirect("ASK 3999 127.0.0.1:6381") == rt::redis_redirect{true, 3999, {"127.0.0.1", 6381}});
  CHECK_FALSE(rt::parse_redis_redirect("ERR unknown command"));
  CHECK_FALSE(rt::parse_redis_redirect("MOVED 16384 127.0.0.1:6381"));
  CHECK_FALSE(rt::parse_redis_redirect("MOVED x 127.0.0.1:6381"));
  CHECK_FALSE(rt::parse_redis_redirect("MOVED 1"));
  CHECK_FALSE(rt::parse_redis_redirect("MOVED 1 nohost"));
  CHECK_FALSE(rt::parse_redis_redirect("CLUSTERDOWN The cluster is down"));
  // From a redis_client reason.
  CHECK(rt::redis_error_text("redis EVALSHA: MOVED 1 h:2") == "MOVED 1 h:2");
  CHECK(rt::redis_error_text("redis GET: ERR a: b") == "ERR a: b");
  CHECK(rt::redis_error_text("other") == "other");
}

TEST_CASE("commands route by their key argument", "[redis][cluster]") {
  using argv = std::vector<std::string>;
  CHECK(rt::redis_command_key(argv{"ZRANGEBYSCORE", "k", "0", "1"}) == "k");
  CHECK(rt::redis_command_key(argv{"del", "k"}) == "k");
  CHECK(rt::redis_command_key(argv{"EVALSHA", "sha", "1", "k", "a"}) == "k");
  CHECK(rt::redis_command_key(argv{"eval", "return 1", "0"}) == std::nullopt);
  CHECK(rt::redis_command_key(argv{"EVAL", "s", "x", "k"}) == std::nullopt);
  CHECK(rt::redis_command_key(argv{"SCRIPT", "LOAD", "return 1"}) == std::nullopt);
  CHECK(rt::redis_command_key(argv{"cluster", "slots"}) == std::nullopt);
  CHECK(rt::redis_command_key(argv{"PING"}) == std::nullopt);
  CHECK(rt::redis_command_key(argv{}) == std::nullopt);
}

TEST_CASE("a MOVED slot is assigned to its new master", "[redis][cluster]") {
  auto t = rt::parse_cluster_slots(array({array({integer(0), integer(16383), node("h", 1)})}), "h");
  REQUIRE(t.ok());
  t->assign(42, {"h", 2});
  CHECK(*t->node_of(42) == rt::redis_node_address{"h", 2});
  CHECK(*t->node_of(41) == rt::redis_node_address{"h", 1});
  t->assign(43, {"h", 2});
  CHECK(t->masters.size() == 2);
}
