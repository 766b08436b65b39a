// Connection loss: a call on a dead connection fails with kind connection, and the next call
// reconnects by itself (statements re-prepared, session settings re-applied). An unreachable
// server makes open() fail with kind connection, not throw.
#include "tests/integration/store/store_test_support.hpp"

namespace {

using namespace cs::test::store;

constexpr std::int32_t partition_0 = 0;
// Almost never listened on: connecting there shows how a refused connection is reported.
constexpr std::uint16_t closed_port = 1;

} // namespace

TEST_CASE("after the server kills the store's connection the next call reconnects",
          "[store][connection]") {
  run_names names;
  cleanup_guard cleanup{names};
  auto store = open_store(connection_string({}, "cs-store-it-" + names.suffix));
  const int old_pid = require_ok(store.backend_pid());
  const bool killed = require_ok(cleanup.admin().transact([&](pqxx::work& tx) {
    return tx.exec_params1("SELECT pg_terminate_backend($1)", old_pid)[0].as<bool>();
  }));
  REQUIRE(killed);

  const auto lost = store.claim_partition(names.topic, partition_0, "node-a");
  REQUIRE_FALSE(lost.ok());
  CHECK(lost.error().code == rt::pg_errc::connection);

  // Reconnects first, then runs; prepared statements work on the new connection.
  const auto claim = require_ok(store.claim_partition(names.topic, partition_0, "node-a"));
  CHECK(claim.epoch == 1);
  CHECK(require_ok(store.backend_pid()) != old_pid);
  cs::partition_snapshot state;
  state.next_offset = 3;
  const candle c = make_candle(names.symbol("A"), one_minute, base_time, {}, true);
  CHECK(require_ok(store.commit_checkpoint(names.topic, partition_0, claim.epoch, state, {c}, {}))
        == rt::checkpoint_outcome::committed);
  // Exact doubles after reconnecting too (extra_float_digits is a session setting).
  const auto back = require_ok(store.all_candles(names.symbol_prefix));
  REQUIRE(back.size() == 1);
  CHECK(back[0] == c);
}

TEST_CASE("an unreachable server makes open fail with kind connection", "[store][connection]") {
  auto params = rt::service_endpoints_from_env().postgres();
  params.port = closed_port;
  const auto store = rt::candle_store::open(rt::pg_connection_string(params));
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().code == rt::pg_errc::connection);
  CHECK_THAT(store.error().reason, Catch::Contains("connect"));
}
