#pragma once
// Reads quotes from a CSV stream row by row. Rows that cannot be turned into an event are counted,
// the first few kept with their line numbers for the report, and skipped: a bad row never stops
// the read.
#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <vector>

#include "column_mapping.hpp"
#include "messages/bid_ask_event.hpp"
#include "runtime/result.hpp"

namespace cs::feed {

struct bad_row {
  std::uint64_t line = 0; // 1-based, counting the header
  std::string reason;
};

struct csv_read_stats {
  std::uint64_t rows = 0;     // data rows seen (blank lines excluded)
  std::uint64_t events = 0;   // rows turned into events
  std::uint64_t bad_rows = 0;
  std::vector<bad_row> first_bad; // the first `kept_bad_rows` of them
};

class csv_event_reader {
public:
  static constexpr std::size_t kept_bad_rows = 10;

  // Reads the header (when the layout says there is one) and resolves the columns; fails when the
  // layout does not fit the file. `in` must outlive the reader.
  static runtime::result<std::unique_ptr<csv_event_reader>> open(std::istream& in, const csv_layout& layout);

  // The next good row as an event (symbol, prices, sizes, ts; partition/offset untouched);
  // false at the end of the stream.
  bool next(bid_ask_event& out);
  const csv_read_stats& stats() const { return stats_; }
  std::uint64_t line() const { return line_; }

private:
  csv_event_reader(std::istream& in, char delimiter) : in_(&in), delimiter_(delimiter) {}
  // Reads the next non-blank line into line_text_; false at the end.
  bool read_line();
  void reject(std::string reason);

  std::istream* in_;
  char delimiter_;
  column_map columns_;
  std::uint64_t line_ = 0;
  std::string line_text_;
  std::vector<std::string> fields_;
  csv_read_stats stats_;
};

} // namespace cs::feed
