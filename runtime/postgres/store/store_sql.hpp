#pragma once
// The prepared statements of candle_store: name and SQL, declared once per connection (and again
// by every reconnect).
#include <string>

#include "runtime/postgres/store/candle_rows.hpp"

namespace cs::runtime::store_sql {

// Bumps the epoch of (topic $1, partition $2) and records owner $3; a missing row is created as
// if it had epoch 0 and was bumped, so the first owner gets epoch 1. The row lock it takes
// orders this claim against a concurrent checkpoint of the previous owner.
inline constexpr const char* claim_name = "cs_store_claim";
inline constexpr const char* claim_sql =
  "INSERT INTO partition_checkpoint AS pc (topic, partition, epoch, owner, updated_at)"
  " VALUES ($1, $2, 1, $3, now())"
  " ON CONFLICT (topic, partition) DO UPDATE"
  " SET epoch = pc.epoch + 1, owner = EXCLUDED.owner, updated_at = now()"
  " RETURNING epoch, next_offset, watermark, max_event_ts";

inline const std::string load_live_name = "cs_store_load_live";
inline const std::string load_live_sql =
  "SELECT " + std::string{candle_select_columns}
  + " FROM candles WHERE source_topic = $1 AND source_partition = $2 AND NOT closed"
    " ORDER BY symbol COLLATE \"C\", interval COLLATE \"C\", open_time";

// Fencing: lands only while epoch $3 is still current. $7 is cs::no_watermark, stored as NULL.
inline constexpr const char* advance_name = "cs_store_advance";
inline constexpr const char* advance_sql =
  "UPDATE partition_checkpoint SET next_offset = $4,"
  " watermark = NULLIF($5::bigint, $7::bigint), max_event_ts = NULLIF($6::bigint, $7::bigint),"
  " updated_at = now()"
  " WHERE topic = $1 AND partition = $2 AND epoch = $3";

// What an upsert does with a key that is already stored: take the new values, unless that would
// turn a final row (closed) back into a live one; a late live upsert of a final candle changes
// nothing.
inline constexpr const char* upsert_conflict_sql =
  " ON CONFLICT (symbol, interval, open_time) DO UPDATE SET"
  " close_time = EXCLUDED.close_time, open = EXCLUDED.open, high = EXCLUDED.high,"
  " low = EXCLUDED.low, close = EXCLUDED.close, volume = EXCLUDED.volume,"
  " bid_size = EXCLUDED.bid_size, ask_size = EXCLUDED.ask_size,"
  " first_ts = EXCLUDED.first_ts, first_offset = EXCLUDED.first_offset,"
  " last_ts = EXCLUDED.last_ts, last_offset = EXCLUDED.last_offset, closed = EXCLUDED.closed,"
  " source_topic = EXCLUDED.source_topic, source_partition = EXCLUDED.source_partition,"
  " updated_at = EXCLUDED.updated_at"
  " WHERE NOT c.closed OR EXCLUDED.closed";

inline constexpr const char* upsert_insert_sql =
  "INSERT INTO candles AS c (symbol, interval, open_time, close_time, open, high, low, close,"
  " volume, bid_size, ask_size, first_ts, first_offset, last_ts, last_offset, closed,"
  " source_topic, source_partition, updated_at)";

// Small batches: one statement, one array per column ($1..$16, see candle_columns), source topic
// $17 and partition $18. One round trip.
inline constexpr const char* upsert_name = "cs_store_upsert";
inline const std::string upsert_sql =
  std::string{upsert_insert_sql} +
  " SELECT u.*, $17::text, $18::integer, now()"
  " FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::float8[], $6::float8[],"
  " $7::float8[], $8::float8[], $9::bigint[], $10::numeric[], $11::numeric[], $12::bigint[],"
  " $13::bigint[], $14::bigint[], $15::bigint[], $16::boolean[]) AS u" +
  upsert_conflict_sql;

// Large batches: the rows are COPYed into this session's staging table (text format, columns
// pg_copy.hpp's candle_copy_columns and then `fresh`), then two statements move them with source
// topic $1 and partition $2: rows not known to be stored (fresh, see stored_live_keys.hpp) by a
// plain INSERT, about twice as fast as the upsert, which takes the others. A fresh row that is
// there after all makes the INSERT fail with unique_violation; commit_checkpoint then writes the
// batch again with every row through the upsert. The table exists once per connection (created
// after every (re)connect, see candle_store::ensure_staging) and empties itself at every commit; a
// rolled-back transaction leaves nothing in it either. Its column types are those of candles, so
// values convert exactly as they would going straight in. pg_temp. names the session's own schema
// explicitly: a permanent table of the same name can never be picked up instead.
inline constexpr const char* staging_table = "pg_temp.cs_candle_staging";
inline const std::string create_staging_sql =
  std::string{"CREATE TEMP TABLE IF NOT EXISTS cs_candle_staging ("}
  + "symbol text, interval text, open_time bigint, close_time bigint, open double precision,"
    " high double precision, low double precision, close double precision, volume bigint,"
    " bid_size numeric(40,8), ask_size numeric(40,8), first_ts bigint, first_offset bigint,"
    " last_ts bigint, last_offset bigint, closed boolean, fresh boolean) ON COMMIT DELETE ROWS";
inline const std::string insert_from_staging_sql =
  std::string{upsert_insert_sql} + " SELECT " + std::string{candle_select_columns}
  + ", $1::text, $2::integer, now() FROM " + staging_table;
inline constexpr const char* insert_staged_name = "cs_store_insert_staged";
inline const std::string insert_staged_sql = insert_from_staging_sql + " WHERE fresh";
inline constexpr const char* upsert_staged_name = "cs_store_upsert_staged";
inline const std::string upsert_staged_sql = insert_from_staging_sql + " WHERE NOT fresh" + upsert_conflict_sql;

// The rows of a checkpoint batch that can change candle_series ($1 symbols, $2 intervals, $3 open
// times; see known_series.hpp) widen their series' first bucket and last-bucket floor; rows that
// would not change are not touched.
inline constexpr const char* series_name = "cs_store_series";
inline constexpr const char* series_sql =
  "INSERT INTO candle_series AS s (symbol, interval, first_open_time, last_open_time)"
  " SELECT u.symbol, u.interval, min(u.open_time), max(u.open_time)"
  " FROM unnest($1::text[], $2::text[], $3::bigint[]) AS u(symbol, interval, open_time)"
  " GROUP BY u.symbol, u.interval"
  " ON CONFLICT (symbol, interval) DO UPDATE SET"
  " first_open_time = LEAST(s.first_open_time, EXCLUDED.first_open_time),"
  " last_open_time = GREATEST(s.last_open_time, EXCLUDED.last_open_time)"
  " WHERE EXCLUDED.first_open_time < s.first_open_time OR EXCLUDED.last_open_time > s.last_open_time";

// Joined to each series s: its newest open time. candle_series.last_open_time is a floor of it,
// so this is one backward probe of the candles' primary key in the partitions from the floor on
// (pruned at run time). A series whose candles retention dropped keeps its stored bounds, as it
// did before the floor: a listing must not scan past such series to fill its page.
inline const std::string series_bounds_from =
  " FROM candle_series s LEFT JOIN LATERAL (SELECT c.open_time AS newest FROM candles c"
  " WHERE c.symbol = s.symbol AND c.interval = s.interval AND c.open_time >= s.last_open_time"
  " ORDER BY c.open_time DESC LIMIT 1) l ON true";
inline const std::string series_bounds_select =
  "SELECT s.symbol, s.interval, s.first_open_time, COALESCE(l.newest, s.last_open_time)";

// Series whose symbol starts with $1, in byte order, at most $2 rows. The range bounds let the
// byte-order index (migration 0004) seek to the prefix and stop after it: symbols are ASCII, so
// every one that starts with $1 sorts below $1 followed by the highest code point.
inline constexpr const char* list_series_name = "cs_store_list_series";
inline const std::string list_series_sql =
  series_bounds_select + series_bounds_from +
  " WHERE s.symbol COLLATE \"C\" >= $1 AND s.symbol COLLATE \"C\" < $1 || chr(1114111) AND starts_with(s.symbol, $1)"
  " ORDER BY s.symbol COLLATE \"C\", s.interval COLLATE \"C\" LIMIT $2";

// The series ($1 symbol, $2 interval), if it ever had candles.
inline constexpr const char* find_series_name = "cs_store_find_series";
inline const std::string find_series_sql =
  series_bounds_select + series_bounds_from + " WHERE s.symbol = $1 AND s.interval = $2";

inline constexpr const char* load_checkpoint_name = "cs_store_load_checkpoint";
inline constexpr const char* load_checkpoint_sql =
  "SELECT epoch, next_offset, watermark, max_event_ts, owner FROM partition_checkpoint"
  " WHERE topic = $1 AND partition = $2";

// [from $3, to $4) of symbol $1, interval $2; at most $5 rows, oldest or newest first.
inline const std::string range_oldest_name = "cs_store_range_oldest";
inline const std::string range_oldest_sql =
  "SELECT " + std::string{candle_select_columns}
  + " FROM candles WHERE symbol = $1 AND interval = $2 AND open_time >= $3 AND open_time < $4"
    " ORDER BY open_time LIMIT $5";
inline const std::string range_newest_name = "cs_store_range_newest";
inline const std::string range_newest_sql =
  "SELECT " + std::string{candle_select_columns}
  + " FROM candles WHERE symbol = $1 AND interval = $2 AND open_time >= $3 AND open_time < $4"
    " ORDER BY open_time DESC LIMIT $5";

// Tests and tools: every candle whose symbol starts with $1 ("" matches all).
// Byte order (COLLATE "C") in both listings, whatever the database collation, so callers can
// compare with a plain std::string sort.
inline const std::string by_prefix_name = "cs_store_by_prefix";
inline const std::string by_prefix_sql =
  "SELECT " + std::string{candle_select_columns}
  + " FROM candles WHERE starts_with(symbol, $1)"
    " ORDER BY symbol COLLATE \"C\", interval COLLATE \"C\", open_time";
inline constexpr const char* count_by_prefix_name = "cs_store_count_by_prefix";
inline constexpr const char* count_by_prefix_sql =
  "SELECT count(*) FROM candles WHERE starts_with(symbol, $1)";

} // namespace cs::runtime::store_sql
