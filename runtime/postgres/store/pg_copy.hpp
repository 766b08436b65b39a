#pragma once
// COPY ... FROM STDIN in PostgreSQL's text format, inside a libpqxx transaction: the bulk path of
// commit_checkpoint (rows go to a staging table, one INSERT ... SELECT moves them) and of the
// store benchmark's ceiling.
//
// libpqxx 6.4's stream_to converts every field through its generic to_string and sends one line
// per call, and its raw line API is private; encoding the rows ourselves (std::to_chars into one
// buffer) and sending the buffer in large chunks avoids both. The values are exact: doubles are
// the shortest text that reads back to the same double, size sums exact decimals.
#include <pqxx/pqxx>

#include <string>
#include <string_view>
#include <vector>

#include "messages/candle.hpp"
#include "runtime/postgres/store/checkpoint_batch.hpp"

namespace cs::runtime {

// The columns, in this order, of every row copy_candle_rows encodes. Same order as
// candle_select_columns.
inline constexpr std::string_view candle_copy_columns =
  "symbol, interval, open_time, close_time, open, high, low, close, volume, bid_size, ask_size,"
  " first_ts, first_offset, last_ts, last_offset, closed";

// Appends one text-format line per row (closed from the row, not from the candle) to `out`.
// Text is escaped (backslash, tab, newline, carriage return), so any symbol is safe.
void append_copy_rows(std::string& out, const std::vector<checkpoint_row>& rows);

// Sends `data` (complete text-format lines) as `COPY <target> FROM STDIN` in tx's transaction.
// target is e.g. "pg_temp.staging (a, b)"; it is sent as is, never built from user input.
// Throws like libpqxx does, so store_connection::transact classifies it: pqxx::broken_connection
// when the connection is gone, pqxx::sql_error (with SQLSTATE) when the server refuses the COPY
// (then the transaction is aborted and must roll back). Returns the rows the server copied.
std::size_t copy_from_text(pqxx::dbtransaction& tx, std::string_view target, std::string_view data);

} // namespace cs::runtime
