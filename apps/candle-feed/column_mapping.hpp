#pragma once
// Which CSV columns hold the timestamp, prices, sizes and symbol, and turning one row's fields
// into an event. Columns are named by header name or by 0-based index.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "messages/bid_ask_event.hpp"
#include "runtime/result.hpp"
#include "timestamp_text.hpp"

namespace cs::feed {

// How to read a CSV file of quotes; the defaults are those of the CLI.
struct csv_layout {
  // A header name (matched exactly, else ignoring case) or a 0-based index ("0", "3").
  std::string ts_col = "timestamp";
  std::string bid_col = "bid";
  std::string ask_col = "ask";
  // Empty: a header column named "symbol" if there is one (unless `symbol` is given).
  std::string symbol_col;
  std::string bid_size_col; // empty: no sizes
  std::string ask_size_col;
  std::string symbol;       // the one symbol of a file without a symbol column
  ts_unit unit = ts_unit::ms;
  bool has_header = true;
  char delimiter = ',';
};

// Resolved column positions.
struct column_map {
  std::size_t ts = 0;
  std::size_t bid = 0;
  std::size_t ask = 0;
  std::optional<std::size_t> symbol;
  std::optional<std::size_t> bid_size;
  std::optional<std::size_t> ask_size;
  std::string fixed_symbol; // used when `symbol` is unset
  ts_unit unit = ts_unit::ms;
  std::size_t min_fields = 0; // a row needs at least this many fields
};

// Resolves `layout` against the header fields (null when the file has none). Fails naming the
// column that cannot be found or the options that contradict each other.
runtime::result<column_map> resolve_columns(const csv_layout& layout,
                                            const std::vector<std::string>* header);

// Fills symbol, bid, ask, sizes and ts of `out` from one row (partition and offset untouched).
// Returns an empty string, or why the row is unusable. Values the node itself would reject (a
// crossed quote, a negative price, a bad symbol) are NOT refused here: they are faithfully
// replayed and go to the DLQ like any invalid event. Refused are rows that cannot be encoded:
// missing or unparseable fields, non-finite prices, negative sizes, an empty symbol (no key).
std::string row_to_event(const column_map& columns, const std::vector<std::string>& fields,
                         bid_ask_event& out);

} // namespace cs::feed
