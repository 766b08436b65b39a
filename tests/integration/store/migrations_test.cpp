// Schema migrations: applied once, idempotent on every later open, safe when two nodes start
// together; and the storage options (pg_partman premake and retention) applied at open.
#include <pqxx/pqxx>

#include <optional>
#include <set>
#include <thread>

#include "tests/integration/store/store_test_support.hpp"

namespace {

using namespace cs::test::store;

constexpr int expected_migration_count = 5;

// CREATE / DROP DATABASE cannot run inside a transaction block.
void run_outside_transaction(rt::pg_client& admin, const std::string& sql) {
  try {
    pqxx::nontransaction tx{admin.connection()};
    tx.exec0(sql);
  } catch (const std::exception& e) {
    FAIL("`" << sql << "` failed: " << e.what());
  }
}

// A database of its own, dropped at the end even if the test fails (FORCE: stores still open).
class scratch_database {
public:
  scratch_database() : name_("cs_store_it_" + cs::test::unique_suffix()), admin_(admin_client()) {
    run_outside_transaction(admin_, "CREATE DATABASE " + name_);
  }
  scratch_database(const scratch_database&) = delete;
  scratch_database& operator=(const scratch_database&) = delete;
  ~scratch_database() {
    try {
      pqxx::nontransaction tx{admin_.connection()};
      tx.exec0("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (...) {
      // Best effort: the test result matters more than a leftover scratch database.
    }
  }
  const std::string& name() const { return name_; }

private:
  std::string name_;
  rt::pg_client admin_;
};

struct partition_bounds {
  std::int64_t count = 0;
  std::int64_t min_upper = 0; // of the daily partitions (the default one has no bounds)
  std::int64_t max_lower = 0;
};

partition_bounds daily_partitions(rt::pg_client& db) {
  return require_ok(db.transact([](pqxx::work& tx) {
    const auto row = tx.exec1(
      "WITH b AS (SELECT (regexp_match(pg_get_expr(c.relpartbound, c.oid),"
      "   'FROM \\(''(-?\\d+)''\\) TO \\(''(-?\\d+)''\\)')) AS m"
      "  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
      "  WHERE i.inhparent = 'candles'::regclass)"
      " SELECT count(m), min(m[2]::bigint), max(m[1]::bigint) FROM b WHERE m IS NOT NULL");
    return partition_bounds{row[0].as<std::int64_t>(), row[1].as<std::int64_t>(),
                            row[2].as<std::int64_t>()};
  }));
}

std::int64_t now_ns(rt::pg_client& db) {
  return require_ok(db.transact([](pqxx::work& tx) {
    return tx.exec1("SELECT (extract(epoch FROM now()) * 1000000000)::bigint")[0].as<std::int64_t>();
  }));
}

} // namespace

TEST_CASE("opening the store again applies no migration and keeps one row per version",
          "[store][migrations]") {
  auto first = open_store();
  auto second = open_store();
  CHECK(second.applied_migrations().empty());
  CHECK(second.storage_kind() == first.storage_kind());

  auto admin = admin_client();
  const auto rows = require_ok(admin.transact([](pqxx::work& tx) {
    std::vector<std::pair<int, std::string>> out;
    for (const auto& r : tx.exec("SELECT version, name FROM schema_migrations ORDER BY version"))
      out.emplace_back(r[0].as<int>(), r[1].as<std::string>());
    return out;
  }));
  REQUIRE(rows.size() == static_cast<std::size_t>(expected_migration_count));
  CHECK(rows[0] == std::pair<int, std::string>{1, "partition_checkpoint"});
  CHECK(rows[1] == std::pair<int, std::string>{2, "candles"});
  CHECK(rows[2] == std::pair<int, std::string>{3, "candle_series"});
  CHECK(rows[3] == std::pair<int, std::string>{4, "candle_series_byte_order"});
  CHECK(rows[4] == std::pair<int, std::string>{5, "candle_series_last_floor"});
}

TEST_CASE("on a fresh database two nodes opening at once apply every migration exactly once",
          "[store][migrations]") {
  scratch_database db;
  const std::string conn = connection_string(db.name());
  std::optional<rt::result<rt::candle_store, rt::pg_error>> a, b;
  {
    std::jthread node_a{[&] { a.emplace(rt::candle_store::open(conn)); }};
    std::jthread node_b{[&] { b.emplace(rt::candle_store::open(conn)); }};
  }
  REQUIRE(cs::test::failure_reason(*a) == "");
  REQUIRE(cs::test::failure_reason(*b) == "");

  std::multiset<int> applied;
  for (const auto* store : {&a->value(), &b->value()})
    applied.insert(store->applied_migrations().begin(), store->applied_migrations().end());
  CHECK(applied == std::multiset<int>{1, 2, 3, 4, 5});
  CHECK(a->value().storage_kind() == rt::candle_storage::partman);

  auto admin = admin_client(conn);
  const auto count = require_ok(admin.transact([](pqxx::work& tx) {
    return tx.exec1("SELECT count(*) FROM schema_migrations")[0].as<int>();
  }));
  CHECK(count == expected_migration_count);

  auto third = open_store(conn);
  CHECK(third.applied_migrations().empty());
}

TEST_CASE("pg_partman premake and retention follow the store options", "[store][partman]") {
  scratch_database db;
  const std::string conn = connection_string(db.name());
  constexpr std::int64_t ns_per_day_i = cs::ns_per_day;

  // Created by the migration with pg_partman's default premake (4 days back and ahead).
  rt::store_options keep_all;
  keep_all.retention = std::chrono::days{0};
  keep_all.maintenance_on_open = false;
  auto store = open_store(conn, keep_all);
  REQUIRE(store.storage_kind() == rt::candle_storage::partman);
  auto admin = admin_client(conn);
  const auto before = daily_partitions(admin);
  const std::int64_t now = now_ns(admin);
  CHECK(before.min_upper < now - ns_per_day_i);

  rt::store_options tight;
  tight.retention = std::chrono::days{1};
  constexpr int wider_premake = 6;
  tight.partman_premake = wider_premake;
  auto reopened = open_store(conn, tight); // maintenance_on_open applies both
  const auto after = daily_partitions(admin);
  INFO("partitions before " << before.count << ", after " << after.count);
  // Retention dropped every partition that ended more than a day ago...
  CHECK(after.min_upper >= now - ns_per_day_i);
  // ...and premake reaches further ahead than pg_partman's default of 4 days.
  CHECK(after.max_lower >= now + (wider_premake - 1) * ns_per_day_i);

  const auto config = require_ok(admin.transact([](pqxx::work& tx) {
    const auto r = tx.exec1("SELECT premake, retention, retention_keep_table, epoch,"
                            " ignore_default_data, infinite_time_partitions"
                            " FROM partman.part_config WHERE parent_table = 'public.candles'");
    return std::tuple{r[0].as<int>(), r[1].as<std::string>(), r[2].as<bool>(), r[3].as<std::string>(),
                      r[4].as<bool>(), r[5].as<bool>()};
  }));
  CHECK(std::get<0>(config) == wider_premake);
  CHECK(std::get<1>(config) == "1 days");
  CHECK_FALSE(std::get<2>(config));
  CHECK(std::get<3>(config) == "nanoseconds");
  CHECK(std::get<4>(config));
  CHECK(std::get<5>(config));

  // Retention zero means keep everything (NULL retention).
  auto relaxed = open_store(conn, keep_all);
  const auto retention_null = require_ok(admin.transact([](pqxx::work& tx) {
    return tx.exec1("SELECT retention IS NULL FROM partman.part_config"
                    " WHERE parent_table = 'public.candles'")[0].as<bool>();
  }));
  CHECK(retention_null);
}
