// PostgreSQL through libpqxx against the local server: the idempotent candle upsert
// (ON CONFLICT (symbol, interval, open_time)) and the ordered range read that checkpoints and
// history queries are built on.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/postgres/client.hpp"
#include "runtime/config/service_endpoints.hpp"
#include "tests/integration/test_support.hpp"

namespace {

namespace rt = cs::runtime;

constexpr std::int64_t ns_per_minute = 60'000'000'000;
constexpr std::int64_t base_open_ns = 1'732'500'000'000'000'000;
// Almost never listened on: connecting there shows how a refused connection is reported.
constexpr std::uint16_t closed_port = 1;
// SQLSTATE undefined_table.
constexpr const char* sqlstate_undefined_table = "42P01";

std::int64_t open_ns(int minute) {
  return base_open_ns + minute * ns_per_minute;
}

struct candle_row {
  std::int64_t open_time = 0;
  double open = 0;
  double high = 0;
  double low = 0;
  double close = 0;
  std::int64_t volume = 0;
  bool closed = false;
  bool operator==(const candle_row&) const = default;
};

std::string where(const rt::service_endpoints& ep) {
  return ep.postgres_address();
}

rt::pg_client require_postgres(const rt::service_endpoints& ep) {
  auto client = rt::pg_client::connect(ep.postgres());
  if (!client)
    cs::test::fail_service_unavailable("PostgreSQL", where(ep), client.error().reason);
  return std::move(client).value();
}

} // namespace

TEST_CASE("a prepared candle upsert is idempotent and a range read is ordered", "[postgres]") {
  const auto ep = rt::service_endpoints_from_env();
  auto pg = require_postgres(ep);
  // TEMP: private to this connection and dropped with it, even if the test dies midway.
  const std::string table = "it_candles_" + cs::test::unique_suffix();
  auto created = pg.transact([&](pqxx::work& tx) {
    tx.exec0("CREATE TEMP TABLE " + table
             + " (symbol text NOT NULL, interval text NOT NULL, open_time bigint NOT NULL,"
               " open double precision NOT NULL, high double precision NOT NULL,"
               " low double precision NOT NULL, close double precision NOT NULL,"
               " volume bigint NOT NULL, closed boolean NOT NULL,"
               " PRIMARY KEY (symbol, interval, open_time))");
  });
  REQUIRE(cs::test::failure_reason(created) == "");

  // RETURNING (xmax = 0) is true for a fresh insert and false when ON CONFLICT updated the row.
  REQUIRE(cs::test::failure_reason(pg.prepare("it_upsert_candle",
                     "INSERT INTO " + table
                       + " (symbol, interval, open_time, open, high, low, close, volume, closed)"
                         " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                         " ON CONFLICT (symbol, interval, open_time) DO UPDATE SET"
                         " open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low,"
                         " close = EXCLUDED.close, volume = EXCLUDED.volume,"
                         " closed = EXCLUDED.closed"
                         " RETURNING (xmax = 0) AS inserted"))
          == "");
  REQUIRE(cs::test::failure_reason(pg.prepare("it_candle_range",
                     "SELECT open_time, open, high, low, close, volume, closed FROM " + table
                       + " WHERE symbol = $1 AND interval = $2"
                         " AND open_time >= $3 AND open_time < $4 ORDER BY open_time"))
          == "");

  const std::string symbol = "BTCUSD";
  const std::string interval = "1m";
  auto upsert = [&](pqxx::work& tx, const candle_row& c) {
    return tx.exec_prepared1("it_upsert_candle", symbol, interval, c.open_time, c.open, c.high,
                             c.low, c.close, c.volume, c.closed)[0]
      .as<bool>();
  };
  auto read_range = [&](int from_minute, int to_minute) {
    return pg.transact([&](pqxx::work& tx) {
      std::vector<candle_row> rows;
      for (const auto& r : tx.exec_prepared("it_candle_range", symbol, interval,
                                            open_ns(from_minute), open_ns(to_minute)))
        rows.push_back({r[0].as<std::int64_t>(), r[1].as<double>(), r[2].as<double>(),
                        r[3].as<double>(), r[4].as<double>(), r[5].as<std::int64_t>(),
                        r[6].as<bool>()});
      return rows;
    });
  };

  // Prices with no short binary form: the round trip must keep every bit of the double.
  const candle_row m0{open_ns(0), 50000.1, 50010.3, 49990.7, 50005.2, 3, true};
  const candle_row m1{open_ns(1), 50005.2, 50020.9, 50001.1, 50011.4, 5, false};
  const candle_row m2{open_ns(2), 50011.4, 50011.4, 50011.4, 50011.4, 1, false};
  auto first = pg.transact([&](pqxx::work& tx) {
    // Out of order on purpose: the read must order by open_time, not by insertion.
    return std::vector<bool>{upsert(tx, m2), upsert(tx, m0), upsert(tx, m1)};
  });
  REQUIRE(cs::test::failure_reason(first) == "");
  CHECK(*first == std::vector<bool>{true, true, true});

  // Same key, new values: the replayed/extended candle replaces the stored one.
  const candle_row m1_final{open_ns(1), 50005.2, 50033.3, 49999.9, 50030.0, 7, true};
  auto second = pg.transact([&](pqxx::work& tx) { return upsert(tx, m1_final); });
  REQUIRE(cs::test::failure_reason(second) == "");
  CHECK_FALSE(*second);
  // Upserting identical values again changes nothing: replays are harmless.
  auto again = pg.transact([&](pqxx::work& tx) { return upsert(tx, m1_final); });
  REQUIRE(cs::test::failure_reason(again) == "");
  CHECK_FALSE(*again);

  auto all = read_range(0, 3);
  REQUIRE(cs::test::failure_reason(all) == "");
  REQUIRE(all->size() == 3);
  CHECK(all->at(0) == m0);
  CHECK(all->at(1) == m1_final);
  CHECK(all->at(2) == m2);

  // Half-open range [from, to): minute 2 is excluded.
  auto middle = read_range(1, 2);
  REQUIRE(cs::test::failure_reason(middle) == "");
  REQUIRE(middle->size() == 1);
  CHECK(middle->front() == m1_final);

  auto dropped = pg.transact([&](pqxx::work& tx) { tx.exec0("DROP TABLE " + table); });
  CHECK(cs::test::failure_reason(dropped) == "");
}

TEST_CASE("PostgreSQL failures come back as classified values", "[postgres]") {
  const auto ep = rt::service_endpoints_from_env();
  auto pg = require_postgres(ep);

  auto missing = pg.transact([](pqxx::work& tx) {
    tx.exec("SELECT * FROM it_no_such_table_" + cs::test::unique_suffix());
  });
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == rt::pg_errc::sql);
  CHECK(missing.error().sqlstate == sqlstate_undefined_table);
  // A failed transaction is rolled back; the connection stays usable.
  auto one = pg.transact([](pqxx::work& tx) { return tx.exec1("SELECT 1")[0].as<int>(); });
  REQUIRE(cs::test::failure_reason(one) == "");
  CHECK(*one == 1);

  REQUIRE(cs::test::failure_reason(pg.reconnect()) == "");
  CHECK(pg.is_open());

  auto params = ep.postgres();
  params.port = closed_port;
  auto refused = rt::pg_client::connect(rt::pg_connection_string(params));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == rt::pg_errc::connection);
}

TEST_CASE("a PostgreSQL connection terminated by the server is reported and reconnect() recovers",
          "[postgres]") {
  const auto ep = rt::service_endpoints_from_env();
  auto victim = require_postgres(ep);
  auto admin = require_postgres(ep);
  REQUIRE(cs::test::failure_reason(victim.prepare("it_plus_one", "SELECT $1::int + 1")) == "");
  auto pid = victim.transact([](pqxx::work& tx) {
    return tx.exec1("SELECT pg_backend_pid()")[0].as<int>();
  });
  REQUIRE(cs::test::failure_reason(pid) == "");
  auto terminated = admin.transact([&](pqxx::work& tx) {
    return tx.exec_params1("SELECT pg_terminate_backend($1)", *pid)[0].as<bool>();
  });
  REQUIRE(cs::test::failure_reason(terminated) == "");
  REQUIRE(*terminated);

  auto lost = victim.transact([](pqxx::work& tx) { return tx.exec1("SELECT 1")[0].as<int>(); });
  REQUIRE_FALSE(lost.ok());
  CHECK(lost.error().code == rt::pg_errc::connection);
  REQUIRE(cs::test::failure_reason(victim.reconnect()) == "");
  // Prepared statements come back with the new connection.
  auto two = victim.transact([](pqxx::work& tx) {
    return tx.exec_prepared1("it_plus_one", 1)[0].as<int>();
  });
  REQUIRE(cs::test::failure_reason(two) == "");
  CHECK(*two == 2);
}

TEST_CASE("pg_connection_string quotes every value", "[postgres]") {
  rt::pg_connection_params params;
  params.host = "db host";
  params.port = 5432;
  params.user = "o'brien";
  params.database = "candles";
  params.password = R"(back\slash)";
  params.application_name = "it";
  const std::string expected =
    R"(host='db host' port='5432' user='o\'brien' dbname='candles' password='back\\slash')"
    " connect_timeout='"
    + std::to_string(rt::pg_connection_params::default_connect_timeout.count())
    + "' application_name='it'";
  CHECK(rt::pg_connection_string(params) == expected);
}
