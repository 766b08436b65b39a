#pragma once
// COPY ... FROM STDIN in PostgreSQL's binary format, inside a libpqxx transaction: the bulk path
// of commit_checkpoint (rows go to a staging table, INSERT ... SELECT moves them) and of the store
// benchmark's ceiling.
//
// libpqxx 6.4's stream_to converts every field through its generic to_string and sends one line
// per call, and its raw line API is private; encoding the rows ourselves into one buffer and
// sending it in large chunks avoids both. Binary rather than text: the server then copies
// integers, doubles and symbols as they are instead of parsing them (text parsing was about a
// sixth of the backend's time on this path), and values are exact by construction: doubles go
// bit for bit, size sums as exact numerics.
#include <pqxx/pqxx>

#include <string>
#include <string_view>
#include <vector>

#include "messages/candle.hpp"
#include "runtime/postgres/store/checkpoint_batch.hpp"

namespace cs::runtime {

// The columns, in this order, of every row encode_copy_rows encodes. Same order as
// candle_select_columns.
inline constexpr std::string_view candle_copy_columns =
  "symbol, interval, open_time, close_time, open, high, low, close, volume, bid_size, ask_size,"
  " first_ts, first_offset, last_ts, last_offset, closed";

// Whether a row ends with its `fresh` flag after the candle_copy_columns (the staging table of
// commit_checkpoint has that column, a table like candles has not).
enum class fresh_column : bool { omit, append };

// Replaces `out` by a complete binary COPY stream (header, one tuple per row, trailer) of `rows`
// in candle_copy_columns order, `closed` from the row, not from the candle.
void encode_copy_rows(std::string& out, const std::vector<checkpoint_row>& rows,
                      fresh_column fresh = fresh_column::omit);

// Sends `data` (a complete stream from encode_copy_rows) as `COPY <target> FROM STDIN (FORMAT
// binary)` in tx's transaction. target is e.g. "pg_temp.staging (a, b)"; it is sent as is, never
// built from user input. Throws like libpqxx does, so store_connection::transact classifies it:
// pqxx::broken_connection when the connection is gone, pqxx::sql_error (with SQLSTATE) when the
// server refuses the COPY (then the transaction is aborted and must roll back). Returns the rows
// the server copied.
std::size_t copy_rows_in(pqxx::dbtransaction& tx, std::string_view target, std::string_view data);

} // namespace cs::runtime
