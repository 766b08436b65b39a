#include <catch2/catch.hpp>

#include "actors/http_gateway/answer_cache.hpp"

using namespace cs;
using cs::gateway::answer_cache;

TEST_CASE("the answer cache is bounded by bytes, expires by TTL and evicts the least recently used", "[answer_cache]") {
  answer_cache c(1000, 10 * ns_per_s);
  CHECK_FALSE(c.get("a", 0));
  c.put("a", std::string(100, 'x'), 0);
  c.put("b", std::string(100, 'y'), 0);
  REQUIRE(c.get("a", ns_per_s));
  CHECK(*c.get("a", ns_per_s) == std::string(100, 'x'));
  // Filling past 1000 bytes evicts "b" (least recently used), keeps "a".
  for (int i = 0; i < 8; ++i) c.put(std::string(1, static_cast<char>('0' + i)).append("-key"), std::string(100, 'z'), ns_per_s);
  CHECK(c.get("a", 2 * ns_per_s));
  CHECK_FALSE(c.get("b", 2 * ns_per_s));
  CHECK(c.counters().bytes <= 1000);
  CHECK(c.counters().evictions > 0);
  // TTL: gone at insert + ttl.
  CHECK_FALSE(c.get("a", 10 * ns_per_s));
  // An answer larger than an eighth of the cache is not kept; a zero-sized cache keeps nothing.
  c.put("big", std::string(200, 'q'), 11 * ns_per_s);
  CHECK_FALSE(c.get("big", 11 * ns_per_s));
  answer_cache off(0, ns_per_s);
  off.put("a", "x", 0);
  CHECK_FALSE(off.get("a", 0));
  const auto n = c.counters();
  CHECK(n.hits == 3);
}
