#pragma once
// Tunables of candle_store. The storage ones (retention, premake, compression) are settings of the
// shared database: every node applies its values when it opens the store, so the last node to
// start wins. Keep them equal on all nodes (they come from the one config file). The defaults
// that are also config keys (postgres.retention, postgres.known-series) serve tools and tests that
// open a store without a config; tests/unit/config_test.cpp names any drift from the keys.
#include <chrono>
#include <cstddef>

namespace cs::runtime {

struct store_options {
  static constexpr std::chrono::days default_retention{90};
  static constexpr int default_partman_premake = 4;
  static constexpr std::chrono::days default_compress_after{7};
  static constexpr std::chrono::seconds default_statement_timeout{30};
  static constexpr std::size_t default_known_series = 1'000'000;
  static constexpr std::size_t default_copy_min_rows = 200;

  // Candles whose open_time is older than this are dropped, a whole day at a time: pg_partman
  // drops daily partitions in run_maintenance(), TimescaleDB's retention policy drops chunks.
  // Rows parked in pg_partman's default partition (buckets older than the first partition, or
  // far in the future) are never dropped. Zero keeps everything. No effect on a plain table.
  std::chrono::days retention = default_retention;

  // pg_partman: daily partitions kept ready ahead of today. Maintenance must run at least once
  // within this many days, or new candles land in the default partition (still correct, slower,
  // and never dropped by retention).
  int partman_premake = default_partman_premake;

  // TimescaleDB: chunks older than this are compressed. Must exceed the longest time a candle
  // can stay live (allowed lateness plus the longest interval), since live rows are rewritten.
  std::chrono::days timescaledb_compress_after = default_compress_after;

  // Upper bound for one statement of a checkpoint or query, so a stuck server turns into an
  // error the caller retries instead of a hung actor. Zero: no limit. Migrations and maintenance
  // run without it (they may wait for a lock or drop many partitions).
  std::chrono::seconds statement_timeout = default_statement_timeout;

  // Series a connection remembers as stored in candle_series (see known_series.hpp): checkpoints
  // send the series upsert only rows that can change it. About 70 bytes each.
  std::size_t known_series = default_known_series;

  // Checkpoints with at least this many rows COPY them into a staging table and upsert from
  // there; smaller ones send one array per column in a single statement (fewer round trips).
  // Both write the same rows (see README "Choices" for the measurements behind the default).
  std::size_t copy_min_rows = default_copy_min_rows;

  // Run pg_partman maintenance once in open(), so partitions exist even if the node was down
  // longer than partman_premake days.
  bool maintenance_on_open = true;
};

} // namespace cs::runtime
