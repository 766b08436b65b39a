#pragma once
// Builds PostgreSQL array literals ("{1,2,3}", "{\"a\",\"b\"}") so that a whole batch of rows
// travels as one parameter per column and one statement inserts them all (INSERT ... SELECT FROM
// unnest($1::bigint[], ...)): thousands of candles per round trip instead of one each.
#include <cstdint>
#include <string>
#include <string_view>

namespace cs::runtime {

class pg_array_literal {
public:
  explicit pg_array_literal(std::size_t expected_elements = 0);

  void add(std::int64_t value);
  // Shortest text that reads back to the same double (std::to_chars), so float8 is exact.
  void add(double value);
  void add(bool value);
  // Always quoted, with " and \ escaped: safe for any text, also "NULL" or with commas.
  void add_text(std::string_view value);
  // An unquoted element that is already valid literal text (e.g. a decimal "12.5").
  void add_raw(std::string_view literal);

  // The finished literal; the builder is empty afterwards.
  std::string take();

private:
  void separate();

  std::string text_;
  bool empty_ = true;
};

} // namespace cs::runtime
