#pragma once
// How the candles table is stored. Chosen once, by the migration that creates the table, from the
// extensions the server offers (see migrations/0002_candles.sql).
#include <cstdint>
#include <string_view>

namespace cs::runtime {

enum class candle_storage : std::uint8_t {
  plain,       // an ordinary table: no time partitioning, no retention
  partman,     // native range partitions of one day on open_time, managed by pg_partman
  timescaledb, // a hypertable with 1-day chunks, compression and retention policies
};

// "plain", "partman", "timescaledb".
std::string_view to_string(candle_storage kind);

} // namespace cs::runtime
