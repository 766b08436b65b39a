// Redis through hiredis against the local server: the sorted-set operations the L2 candle cache
// relies on (a set per symbol-interval, scored by open time).
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "runtime/redis/candle_l2.hpp"
#include "runtime/redis/client.hpp"
#include "runtime/config/service_endpoints.hpp"
#include "tests/integration/test_support.hpp"

namespace {

using namespace std::chrono_literals;
namespace rt = cs::runtime;

// Open times in epoch milliseconds (exact as Redis double scores), one minute apart.
constexpr double base_open_ms = 1'732'500'000'000.0;
constexpr double minute_ms = 60'000.0;
constexpr auto key_ttl = 60s; // a crashed run leaves nothing behind for long
// Almost never listened on: connecting there shows how a refused connection is reported.
constexpr std::uint16_t closed_port = 1;

double open_ms(int minute) {
  return base_open_ms + minute * minute_ms;
}

rt::redis_client require_redis(const rt::service_endpoints& ep) {
  auto client = rt::redis_client::connect(ep.redis());
  if (!client)
    cs::test::fail_service_unavailable(
      "Redis", ep.redis_address(), client.error().reason);
  auto pong = client->ping();
  if (!pong)
    cs::test::fail_service_unavailable(
      "Redis", ep.redis_address(), pong.error().reason);
  return std::move(client).value();
}

// Deletes the test key however the test ends.
struct key_guard {
  rt::redis_client& client;
  std::string key;
  ~key_guard() { (void)client.del(key); }
};

} // namespace

TEST_CASE("ZADD and ZRANGEBYSCORE keep candles ordered by open time", "[redis]") {
  const auto ep = rt::service_endpoints_from_env();
  auto client = require_redis(ep);
  const std::string key = "candlestream:it:" + cs::test::unique_suffix() + ":BTCUSD:1m";
  key_guard guard{client, key};

  // Inserted out of order: the set orders by score, not by insertion.
  const std::vector<rt::redis_scored_member> members{
    {open_ms(3), "candle-3"}, {open_ms(0), "candle-0"}, {open_ms(4), "candle-4"},
    {open_ms(1), "candle-1"}, {open_ms(2), "candle-2"}};
  auto added = client.zadd(key, members);
  REQUIRE(cs::test::failure_reason(added) == "");
  CHECK(*added == static_cast<std::int64_t>(members.size()));
  auto fresh = client.expire(key, key_ttl);
  REQUIRE(cs::test::failure_reason(fresh) == "");
  CHECK(*fresh);

  auto range = client.zrangebyscore(key, open_ms(1), open_ms(3));
  REQUIRE(cs::test::failure_reason(range) == "");
  CHECK(*range == std::vector<std::string>{"candle-1", "candle-2", "candle-3"});

  auto page = client.zrangebyscore(key, open_ms(0), open_ms(4), rt::redis_limit{1, 2});
  REQUIRE(cs::test::failure_reason(page) == "");
  CHECK(*page == std::vector<std::string>{"candle-1", "candle-2"});

  // Re-adding a member moves it and does not count as added.
  const std::vector<rt::redis_scored_member> moved{{open_ms(5), "candle-0"}};
  auto re_added = client.zadd(key, moved);
  REQUIRE(cs::test::failure_reason(re_added) == "");
  CHECK(*re_added == 0);
  auto all = client.zrangebyscore(key, -std::numeric_limits<double>::infinity(),
                                  std::numeric_limits<double>::infinity());
  REQUIRE(cs::test::failure_reason(all) == "");
  CHECK(*all
        == std::vector<std::string>{"candle-1", "candle-2", "candle-3", "candle-4", "candle-0"});

  auto trimmed = client.zremrangebyscore(key, open_ms(0), open_ms(2));
  REQUIRE(cs::test::failure_reason(trimmed) == "");
  CHECK(*trimmed == 2);

  auto removed = client.del(key);
  REQUIRE(cs::test::failure_reason(removed) == "");
  CHECK(*removed == 1);
  auto empty = client.zrangebyscore(key, open_ms(0), open_ms(5));
  REQUIRE(cs::test::failure_reason(empty) == "");
  CHECK(empty->empty());
}

TEST_CASE("Redis errors and nil replies come back as values", "[redis]") {
  const auto ep = rt::service_endpoints_from_env();
  auto client = require_redis(ep);
  const std::string key = "candlestream:it:" + cs::test::unique_suffix() + ":missing";

  auto nil = client.command({"GET", key});
  REQUIRE(cs::test::failure_reason(nil) == "");
  CHECK(nil->type == rt::redis_reply::kind::nil);

  auto bad_score = client.command({"ZADD", key, "not-a-score", "member"});
  REQUIRE_FALSE(bad_score.ok());
  CHECK_THAT(bad_score.error().reason, Catch::Contains("ZADD") && Catch::Contains("float"));
  // An error reply leaves the connection usable.
  CHECK(client.connected());
  CHECK(client.ping().ok());

  auto binary = client.command({"ECHO", std::string_view{"a\0b", 3}});
  REQUIRE(cs::test::failure_reason(binary) == "");
  CHECK(binary->str == std::string("a\0b", 3));
}

TEST_CASE("a refused Redis connection is a failure value, not an exception", "[redis]") {
  rt::redis_options options;
  options.host = "127.0.0.1";
  options.port = closed_port;
  auto client = rt::redis_client::connect(options);
  REQUIRE_FALSE(client.ok());
  CHECK_THAT(client.error().reason, Catch::Contains("127.0.0.1:1"));
}

TEST_CASE("a Redis connection killed by the server is reported and reconnect() recovers",
          "[redis]") {
  const auto ep = rt::service_endpoints_from_env();
  auto victim = require_redis(ep);
  auto admin = require_redis(ep);
  auto id = victim.command({"CLIENT", "ID"});
  REQUIRE(cs::test::failure_reason(id) == "");
  const std::string victim_id = std::to_string(id->integer);
  auto killed = admin.command({"CLIENT", "KILL", "ID", victim_id});
  REQUIRE(cs::test::failure_reason(killed) == "");
  CHECK(killed->integer == 1);

  auto lost = victim.ping();
  REQUIRE_FALSE(lost.ok());
  CHECK_FALSE(victim.connected());
  // Broken stays broken until the owner decides to reconnect (e.g. after a backoff).
  CHECK_THAT(victim.ping().error().reason, Catch::Contains("reconnect"));
  REQUIRE(cs::test::failure_reason(victim.reconnect()) == "");
  CHECK(victim.connected());
  CHECK(victim.ping().ok());
}

namespace {

cs::candle l2_candle(const std::string& symbol, cs::timestamp_ns open_time) {
  cs::candle c;
  c.symbol = symbol;
  c.iv = cs::interval::fixed(cs::ns_per_min);
  c.open_time = open_time;
  c.close_time = c.iv.bucket_end(open_time);
  c.bar.open = c.bar.high = c.bar.low = c.bar.close = 101.25;
  c.bar.volume = 2;
  c.bar.first = {open_time, 1};
  c.bar.last = {open_time + 1, 2};
  c.closed = true;
  return c;
}

} // namespace

TEST_CASE("L2 writes call the script by digest, and load it again after Redis forgot it", "[redis][l2]") {
  const auto ep = rt::service_endpoints_from_env();
  auto client = require_redis(ep);
  const rt::candle_l2 l2{key_ttl};
  const cs::candle_key key{"L2IT" + cs::test::unique_suffix(), cs::interval::fixed(cs::ns_per_min)};
  key_guard guard{client, rt::candle_l2::series_key(key)};
  const cs::timestamp_ns block = 1'732'500'000'000 * cs::ns_per_ms;
  const cs::timestamp_ns minute = cs::ns_per_min;

  // Two spans that continue each other; the second comes after Redis lost its scripts (a restart
  // or SCRIPT FLUSH), so it would fail with NOSCRIPT unless the write loads the script first.
  REQUIRE(l2.write(client, key, {{block, block, block + 2 * minute, {l2_candle(key.symbol, block), l2_candle(key.symbol, block + minute)}}}, 0));
  REQUIRE(client.command({"SCRIPT", "FLUSH"}));
  std::vector<rt::l2_series_write> many{{key, {{block, block + 2 * minute, block + 3 * minute, {l2_candle(key.symbol, block + 2 * minute)}}}, 0}};
  auto refused = l2.write_many(client, many);
  REQUIRE(refused);
  CHECK(*refused == 0);

  auto read = l2.read(client, key, {{block, block + 10 * minute}});
  REQUIRE(read);
  REQUIRE(read->size() == 1);
  CHECK(read->front().covered);
  CHECK(read->front().covered_to == block + 3 * minute);
  REQUIRE(read->front().candles.size() == 3);
  CHECK(read->front().candles[2] == l2_candle(key.symbol, block + 2 * minute));
}
