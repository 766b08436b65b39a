#pragma once
// What the candles table turned out to be, the store_options applied to it at every start, and
// periodic maintenance. The storage itself is chosen by migrations/0002_candles.sql.
#include <string>
#include <vector>

#include "runtime/postgres/client.hpp"
#include "runtime/result.hpp"
#include "runtime/postgres/store/storage_kind.hpp"
#include "runtime/postgres/store/store_connection.hpp"
#include "runtime/postgres/store/store_options.hpp"

namespace cs::runtime {

struct storage_info {
  candle_storage kind = candle_storage::plain;
  std::string partman_schema; // where pg_partman lives, when kind == partman
  std::string parent_table;   // schema-qualified candles table, as pg_partman names it
  std::vector<std::string> notes; // warnings for the node's log
};

result<storage_info, pg_error> detect_storage(store_connection& conn);

// Sets retention / premake (pg_partman) or compression / retention policies (TimescaleDB) from
// options; no-op for a plain table. Serialised with migrations by the schema advisory lock.
result<void, pg_error> apply_storage_options(store_connection& conn, const storage_info& info,
                                             const store_options& options);

// pg_partman: creates the premade partitions and drops those past retention. Nothing to do for
// TimescaleDB (its policies run in background workers) or a plain table.
result<void, pg_error> run_storage_maintenance(store_connection& conn, const storage_info& info);

} // namespace cs::runtime
