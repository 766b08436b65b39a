#include "runtime/postgres/store/storage_setup.hpp"

#include "messages/time.hpp"
#include "runtime/postgres/store/migration_runner.hpp"

namespace cs::runtime {

namespace {

std::string days_interval(std::chrono::days days) {
  return std::to_string(days.count()) + " days";
}

std::int64_t days_in_ns(std::chrono::days days) {
  return days.count() * cs::ns_per_day;
}

void apply_partman_options(pqxx::work& tx, const storage_info& info, const store_options& options) {
  // NULL retention: keep every partition.
  const bool keep_all = options.retention.count() <= 0;
  const std::string retention = keep_all ? std::string{} : days_interval(options.retention);
  tx.exec_params0("UPDATE " + tx.quote_name(info.partman_schema)
                    + ".part_config SET premake = $2, retention = $3,"
                      " retention_keep_table = false, retention_keep_index = false,"
                      " infinite_time_partitions = true, ignore_default_data = true"
                      " WHERE parent_table = $1",
                  info.parent_table, options.partman_premake,
                  keep_all ? nullptr : retention.c_str());
}

// Untested here (no TimescaleDB on the development server); kept to the documented 2.x API.
void apply_timescaledb_options(pqxx::work& tx, const store_options& options) {
  // Policies cannot be altered in place: replace them.
  tx.exec("SELECT remove_compression_policy('candles', if_exists => true)");
  tx.exec_params("SELECT add_compression_policy('candles', compress_after => $1::bigint)",
                 days_in_ns(options.timescaledb_compress_after));
  tx.exec("SELECT remove_retention_policy('candles', if_exists => true)");
  if (options.retention.count() > 0)
    tx.exec_params("SELECT add_retention_policy('candles', drop_after => $1::bigint)",
                   days_in_ns(options.retention));
}

} // namespace

result<storage_info, pg_error> detect_storage(store_connection& conn) {
  return conn.transact([](pqxx::work& tx) {
    const auto row = tx.exec1(
      "SELECT current_schema(),"
      " EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass('candles')),"
      " (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
      "   WHERE e.extname = 'pg_partman'),"
      " EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'),"
      " EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'),"
      " EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_partman'),"
      " format('%I.candles', current_schema())");
    storage_info info;
    const std::string schema = row[0].as<std::string>();
    // Spelled as the migration handed it to pg_partman's create_parent.
    info.parent_table = row[6].as<std::string>();
    const bool partitioned = row[1].as<bool>();
    const bool timescale_installed = row[3].as<bool>();
    const bool timescale_available = row[4].as<bool>();
    const bool partman_available = row[5].as<bool>();

    if (timescale_installed) {
      const auto hyper = tx.exec_params(
        "SELECT 1 FROM timescaledb_information.hypertables"
        " WHERE hypertable_schema = $1 AND hypertable_name = 'candles'",
        schema);
      if (!hyper.empty())
        info.kind = candle_storage::timescaledb;
    }
    if (info.kind == candle_storage::plain && !row[2].is_null() && partitioned) {
      info.partman_schema = row[2].as<std::string>();
      const auto managed = tx.exec_params(
        "SELECT 1 FROM " + tx.quote_name(info.partman_schema) + ".part_config WHERE parent_table = $1",
        info.parent_table);
      if (!managed.empty())
        info.kind = candle_storage::partman;
    }

    if (info.kind == candle_storage::plain) {
      info.partman_schema.clear();
      info.notes.push_back(std::string{"warning: candles is a plain table: "}
                           + (partman_available || timescale_available
                                ? "an extension is available now but was not when the table was created"
                                : "neither pg_partman nor timescaledb is available on the server")
                           + "; no time partitioning and no retention");
    }
    if (timescale_available && info.kind != candle_storage::timescaledb)
      info.notes.push_back("note: timescaledb is available but candles uses "
                           + std::string{to_string(info.kind)}
                           + ": storage is chosen once, when the table is created");
    return info;
  });
}

result<void, pg_error> apply_storage_options(store_connection& conn, const storage_info& info,
                                             const store_options& options) {
  if (info.kind == candle_storage::plain)
    return {};
  return conn.transact([&](pqxx::work& tx) {
    // Two nodes starting together would otherwise interleave remove/add of TimescaleDB policies.
    tx.exec_params("SELECT pg_advisory_xact_lock($1)", schema_lock_key);
    if (info.kind == candle_storage::partman)
      apply_partman_options(tx, info, options);
    else
      apply_timescaledb_options(tx, options);
  });
}

result<void, pg_error> run_storage_maintenance(store_connection& conn, const storage_info& info) {
  if (info.kind != candle_storage::partman)
    return {};
  return conn.transact([&](pqxx::work& tx) {
    // Dropping many partitions after a long downtime may take a while.
    tx.exec0("SET LOCAL statement_timeout = 0");
    // pg_partman takes its own try-lock: a concurrent run on another node returns at once.
    tx.exec_params("SELECT " + tx.quote_name(info.partman_schema)
                     + ".run_maintenance(p_parent_table => $1, p_jobmon => false)",
                   info.parent_table);
  });
}

} // namespace cs::runtime
