#pragma once
// cs::candle <-> rows of the candles table: the column list every SELECT uses, a row decoded into
// a candle, and a batch encoded as one array literal per column for the unnest() upsert.
#include <pqxx/pqxx>

#include <string>
#include <string_view>
#include <vector>

#include "messages/candle.hpp"
#include "runtime/postgres/store/checkpoint_batch.hpp"

namespace cs::runtime {

// SELECT list understood by candle_from_row, in this order.
inline constexpr std::string_view candle_select_columns =
  "symbol, interval, open_time, close_time, open, high, low, close, volume, bid_size, ask_size,"
  " first_ts, first_offset, last_ts, last_offset, closed";

// Decodes a row selected with candle_select_columns. Throws std::runtime_error naming the row and
// the column when the stored data is not a sound candle (bad interval text, size, check_candle).
candle candle_from_row(const pqxx::row& row);

// One array literal per column of the upsert, in the order of the statement's unnest().
struct candle_columns {
  std::string symbol, interval, open_time, close_time;
  std::string open, high, low, close, volume, bid_size, ask_size;
  std::string first_ts, first_offset, last_ts, last_offset, closed;
};

candle_columns encode_candle_columns(const std::vector<checkpoint_row>& rows);

} // namespace cs::runtime
