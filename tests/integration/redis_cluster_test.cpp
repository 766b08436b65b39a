// The L2 cache on a real Redis Cluster (runtime/redis/cluster_client.hpp): six redis-servers (3
// masters, 3 replicas) that the test starts itself with `deploy/services start-one redis-cluster`
// on its own ports (CANDLE_REDIS_CLUSTER_BASE_PORT, default 17100), apart from the single Redis
// other tests use. Series spread over every master; a slot migrated under the client (ASK, then
// MOVED); a master killed with SIGKILL while reads and writes go on: reads are right or fail
// (the cache then reads PostgreSQL), never wrong, and the client finds the replica that took over.
#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "runtime/redis/candle_l2.hpp"
#include "runtime/redis/cluster_client.hpp"
#include "tests/integration/test_support.hpp"

namespace {

using namespace std::chrono_literals;
namespace rt = cs::runtime;

constexpr const char* default_base_port = "17100";
constexpr int cluster_size = 6;
constexpr auto key_ttl = 120s; // a crashed run leaves nothing behind for long
constexpr cs::timestamp_ns block = 1'732'500'000'000 * cs::ns_per_ms;
constexpr cs::timestamp_ns minute = cs::ns_per_min;
// One L2 block as candle_l2 sees it (its size is the caller's): wider than the minutes the
// failover test writes at most (one per round of its bounded loop).
constexpr cs::timestamp_ns block_span = 1000 * minute;
constexpr std::size_t series_count = 48; // enough that every master gets some (checked)

std::uint16_t base_port() {
  // Set here when unset, so that deploy/services (our child) and the test agree on the ports.
  ::setenv("CANDLE_REDIS_CLUSTER_BASE_PORT", default_base_port, 0);
  return static_cast<std::uint16_t>(std::stoi(std::getenv("CANDLE_REDIS_CLUSTER_BASE_PORT")));
}

std::string run_dir() {
  const char* d = std::getenv("RUN_DIR");
  return d != nullptr ? d : std::string(CANDLE_SOURCE_DIR) + "/.run";
}

// Starts the instances that are not running and waits until the cluster is healthy (idempotent).
void start_cluster() {
  const auto port = base_port();
  const std::string cmd = std::string("'") + CANDLE_SOURCE_DIR + "/deploy/services' start-one redis-cluster";
  if (std::system(cmd.c_str()) != 0)
    FAIL("the test's Redis Cluster on 127.0.0.1:" << port << "-" << port + cluster_size - 1
                                                  << " did not start: `" << cmd << "` failed (logs: " << run_dir()
                                                  << "/logs/redis-cluster-*.log; redis-server must be installed: deploy/install-deps)");
}

rt::redis_cluster_client connect_cluster() {
  start_cluster();
  rt::redis_cluster_options o;
  for (int i = 0; i < cluster_size; ++i) o.seeds.push_back({"127.0.0.1", static_cast<std::uint16_t>(base_port() + i)});
  o.node.connect_timeout = o.node.command_timeout = 500ms;
  auto c = rt::redis_cluster_client::connect(o);
  if (!c) cs::test::fail_service_unavailable("the test's Redis Cluster", "127.0.0.1:" + std::to_string(base_port()), c.error().reason);
  return std::move(c).value();
}

rt::redis_client admin(const rt::redis_node_address& node) {
  rt::redis_options o;
  o.host = node.host;
  o.port = node.port;
  auto c = rt::redis_client::connect(o);
  if (!c) cs::test::fail_service_unavailable("Redis Cluster node", node.to_string(), c.error().reason);
  return std::move(c).value();
}

cs::candle l2_candle(const std::string& symbol, cs::timestamp_ns open_time) {
  cs::candle c;
  c.symbol = symbol;
  c.iv = cs::interval::fixed(cs::ns_per_min);
  c.open_time = open_time;
  c.close_time = c.iv.bucket_end(open_time);
  // Prices that differ per series and minute, so a candle of the wrong series or bucket shows.
  c.bar.open = c.bar.high = c.bar.low = c.bar.close = 100.0 + static_cast<double>(symbol.size() + open_time / minute % 977);
  c.bar.volume = 2;
  c.bar.first = {open_time, 1};
  c.bar.last = {open_time + 1, 2};
  c.closed = true;
  return c;
}

cs::candle_key key_of(const std::string& symbol) { return {symbol, cs::interval::fixed(cs::ns_per_min)}; }

std::vector<std::string> symbols(const std::string& prefix) {
  const auto suffix = cs::test::unique_suffix();
  std::vector<std::string> out;
  for (std::size_t i = 0; i < series_count; ++i) out.push_back(prefix + suffix + "S" + std::to_string(i));
  return out;
}

// One final span [from, to) (whole minutes from the block start) of one series.
rt::l2_series_write span(const std::string& symbol, int from, int to) {
  rt::l2_block_write b{block, block + from * minute, block + to * minute, {}};
  for (int m = from; m < to; ++m) b.candles.push_back(l2_candle(symbol, block + m * minute));
  return {key_of(symbol), {b}, 0};
}

// "" when the read block is right for a series whose minutes [0, written) were written (some
// writes may have been lost in a failover): every candle is the one written for its bucket, and
// coverage vouches only for candles that are there. Else what is wrong.
std::string check_block(const rt::l2_block_read& b, const std::string& symbol, int written) {
  std::set<cs::timestamp_ns> seen;
  for (const auto& c : b.candles) {
    if (c.open_time < block || c.open_time >= block + written * minute) return "a candle never written: " + std::to_string(c.open_time);
    if (!(c == l2_candle(symbol, c.open_time))) return "a wrong candle at " + std::to_string(c.open_time);
    seen.insert(c.open_time);
  }
  if (!b.covered) return "";
  if (b.covered_to > block + written * minute) return "coverage beyond what was written";
  for (auto t = block; t < b.covered_to; t += minute)
    if (!seen.contains(t)) return "coverage vouches for a missing candle at " + std::to_string(t);
  return "";
}

// Reads one series, requires it complete up to `written` minutes.
void require_complete(rt::redis_cluster_client& client, const rt::candle_l2& l2, const std::string& symbol, int written) {
  auto r = l2.read(client, key_of(symbol), {{block, block + block_span}});
  REQUIRE(cs::test::failure_reason(r) == "");
  REQUIRE(r->size() == 1);
  const auto& b = r->front();
  INFO(symbol);
  CHECK(check_block(b, symbol, written) == "");
  CHECK(b.covered);
  CHECK(b.covered_to == block + written * minute);
  CHECK(b.candles.size() == static_cast<std::size_t>(written));
}

} // namespace

TEST_CASE("no reachable seed is cluster_unavailable, not an exception", "[redis][cluster]") {
  rt::redis_cluster_options o;
  o.seeds = {{"127.0.0.1", 1}};
  auto c = rt::redis_cluster_client::connect(o);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().code == rt::redis_errc::cluster_unavailable);
  CHECK_THAT(c.error().reason, Catch::Contains("127.0.0.1:1"));
  CHECK_FALSE(rt::parse_redis_seed_list("127.0.0.1:1,nope").ok());
  CHECK(rt::parse_redis_seed_list(" a:1, b:2").value().size() == 2);
}

TEST_CASE("L2 series spread over every master are written in one call and read back", "[redis][cluster][l2]") {
  auto client = connect_cluster();
  CHECK(client.slots().masters.size() == 3);
  CHECK(client.slots().uncovered() == 0);
  const rt::candle_l2 l2{key_ttl};
  const auto names = symbols("CLW");
  std::set<std::string> masters;
  for (const auto& s : names) masters.insert(client.slots().node_of(rt::redis_key_slot(rt::candle_l2::series_key(key_of(s))))->to_string());
  REQUIRE(masters.size() == 3);

  std::vector<rt::l2_series_write> first, second;
  for (const auto& s : names) first.push_back(span(s, 0, 3));
  auto refused = l2.write_many(client, first);
  REQUIRE(cs::test::failure_reason(refused) == "");
  CHECK(*refused == 0);
  for (const auto& s : names) require_complete(client, l2, s, 3);

  // A span that continues the first one moves coverage; single-series write() too.
  for (const auto& s : names) second.push_back(span(s, 3, 5));
  refused = l2.write_many(client, second);
  REQUIRE(cs::test::failure_reason(refused) == "");
  CHECK(*refused == 0);
  REQUIRE(l2.write(client, key_of(names[0]), span(names[0], 5, 6).blocks, 0));
  require_complete(client, l2, names[0], 6);
  for (std::size_t i = 1; i < names.size(); ++i) require_complete(client, l2, names[i], 5);
}

TEST_CASE("a slot migrated under the client is followed through ASK, then MOVED", "[redis][cluster][l2]") {
  auto client = connect_cluster();
  const rt::candle_l2 l2{key_ttl};
  const auto suffix = cs::test::unique_suffix();
  const std::string a = "CLM" + suffix + "A";
  const auto slot = rt::redis_key_slot(rt::candle_l2::series_key(key_of(a)));
  // A second series on the same slot that does not exist yet: the migrating source answers ASK.
  std::string b;
  for (int i = 0; i < 1'000'000 && b.empty(); ++i) {
    const std::string candidate = "CLM" + suffix + "B" + std::to_string(i);
    if (rt::redis_key_slot(rt::candle_l2::series_key(key_of(candidate))) == slot) b = candidate;
  }
  REQUIRE_FALSE(b.empty());

  REQUIRE(l2.write(client, key_of(a), span(a, 0, 2).blocks, 0));
  const auto source = *client.slots().node_of(slot);
  rt::redis_node_address target;
  for (const auto& m : client.slots().masters)
    if (!(m == source)) target = m;
  auto src = admin(source);
  auto tgt = admin(target);
  const auto src_id = src.command({"CLUSTER", "MYID"}).value().str;
  const auto tgt_id = tgt.command({"CLUSTER", "MYID"}).value().str;
  const auto slot_text = std::to_string(slot);
  REQUIRE(tgt.command({"CLUSTER", "SETSLOT", slot_text, "IMPORTING", src_id}));
  REQUIRE(src.command({"CLUSTER", "SETSLOT", slot_text, "MIGRATING", tgt_id}));

  // Migrating: `a` is still on the source, `b` is created on the target (ASK, ASKING, the script).
  REQUIRE(cs::test::failure_reason(l2.write(client, key_of(b), span(b, 0, 3).blocks, 0)) == "");
  require_complete(client, l2, b, 3);
  require_complete(client, l2, a, 2);
  auto on_target = tgt.command({"ASKING"}) ? tgt.command({"EXISTS", rt::candle_l2::series_key(key_of(b))}) : rt::redis_error{};
  REQUIRE(on_target);
  CHECK(on_target->integer == 1);

  // Move every key of the slot (this run's and any a crashed run left), then hand the slot over.
  auto keys = src.command({"CLUSTER", "GETKEYSINSLOT", slot_text, "1000"});
  REQUIRE(keys);
  std::vector<std::string> migrate = {"MIGRATE", target.host, std::to_string(target.port), "", "0", "5000", "KEYS"};
  for (const auto& k : keys->elements) migrate.push_back(k.str);
  if (migrate.size() > 7) {
    std::vector<std::string_view> argv(migrate.begin(), migrate.end());
    REQUIRE(cs::test::failure_reason(src.command(argv)) == "");
  }
  for (auto* node : {&tgt, &src}) REQUIRE(node->command({"CLUSTER", "SETSLOT", slot_text, "NODE", tgt_id}));
  for (const auto& m : client.slots().masters)
    if (!(m == source) && !(m == target)) REQUIRE(admin(m).command({"CLUSTER", "SETSLOT", slot_text, "NODE", tgt_id}));

  // The client's table still names the source: MOVED sends it to the target and updates the table.
  require_complete(client, l2, a, 2);
  CHECK(*client.slots().node_of(slot) == target);
  std::vector<rt::l2_series_write> more{span(a, 2, 4), span(b, 3, 4)};
  auto refused = l2.write_many(client, more);
  REQUIRE(cs::test::failure_reason(refused) == "");
  CHECK(*refused == 0);
  require_complete(client, l2, a, 4);
  require_complete(client, l2, b, 4);
}

TEST_CASE("a master killed mid-stream: reads stay right or fail, and the replica takes over", "[redis][cluster][l2]") {
  auto client = connect_cluster();
  const rt::candle_l2 l2{key_ttl};
  const auto names = symbols("CLK");
  std::vector<int> written(names.size(), 0);
  auto write_minute = [&](int m) {
    std::vector<rt::l2_series_write> w;
    for (const auto& s : names) w.push_back(span(s, m, m + 1));
    auto r = l2.write_many(client, w);
    for (auto& n : written) n = m + 1; // attempted: some may be lost, which check_block allows
    return r;
  };
  for (int m = 0; m < 3; ++m) REQUIRE(cs::test::failure_reason(write_minute(m)) == "");

  const auto victim = *client.slots().node_of(rt::redis_key_slot(rt::candle_l2::series_key(key_of(names[0]))));
  std::ifstream pid_file(run_dir() + "/pids/redis-cluster-" + std::to_string(victim.port) + ".pid");
  pid_t pid = 0;
  REQUIRE(pid_file >> pid);
  REQUIRE(::kill(pid, SIGKILL) == 0);
  const auto killed_at = std::chrono::steady_clock::now();

  // Keep writing and reading until a whole round succeeds after the failover (bounded).
  std::size_t read_errors = 0, rounds = 0;
  bool recovered = false;
  int minute_index = 3;
  const auto deadline = killed_at + 20s;
  while (!recovered && std::chrono::steady_clock::now() < deadline && minute_index < 900) {
    ++rounds;
    auto w = write_minute(minute_index++);
    bool clean = w.ok() && *w == 0;
    for (std::size_t i = 0; i < names.size(); ++i) {
      auto r = l2.read(client, key_of(names[i]), {{block, block + block_span}});
      if (!r) {
        ++read_errors;
        clean = false;
        continue;
      }
      REQUIRE(r->size() == 1);
      INFO(names[i] << " round " << rounds);
      REQUIRE(check_block(r->front(), names[i], written[i]) == "");
    }
    recovered = clean && client.connected() && std::find(client.slots().masters.begin(), client.slots().masters.end(), victim) == client.slots().masters.end();
    if (!recovered) std::this_thread::sleep_for(100ms);
  }
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - killed_at);
  INFO("killed " << victim.to_string() << "; " << rounds << " rounds, " << read_errors << " failed reads, " << took.count() << " ms");
  CHECK(read_errors > 0); // the window between the kill and the failover was exercised
  REQUIRE(recovered);
  CHECK(client.slots().masters.size() == 3);
  CHECK(client.slots().uncovered() == 0);

  // After the failover, a series written without a gap reads complete again: rewrite it whole
  // (as the cache does from PostgreSQL after a miss) on a fresh key-space of minutes.
  for (const auto& s : names) REQUIRE(l2.write(client, key_of(s), span(s, 0, minute_index).blocks, 0));
  for (const auto& s : names) {
    auto r = l2.read(client, key_of(s), {{block, block + block_span}});
    REQUIRE(cs::test::failure_reason(r) == "");
    CHECK(check_block(r->front(), s, minute_index) == "");
    CHECK(r->front().candles.size() == static_cast<std::size_t>(minute_index));
  }
  // The killed instance rejoins (as a replica of the one that took over) for the next test.
  start_cluster();
}
