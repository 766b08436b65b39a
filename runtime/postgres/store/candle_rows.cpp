#include "runtime/postgres/store/candle_rows.hpp"

#include <charconv>
#include <stdexcept>

#include "messages/interval.hpp"
#include "messages/size_units.hpp"
#include "runtime/postgres/store/pg_array.hpp"

namespace cs::runtime {

namespace {

// Column positions of candle_select_columns.
enum column : int {
  col_symbol,
  col_interval,
  col_open_time,
  col_close_time,
  col_open,
  col_high,
  col_low,
  col_close,
  col_volume,
  col_bid_size,
  col_ask_size,
  col_first_ts,
  col_first_offset,
  col_last_ts,
  col_last_offset,
  col_closed,
};

[[noreturn]] void bad_row(const pqxx::row& row, std::string_view column_name, std::string_view why) {
  std::string where = "candles row";
  if (!row[col_symbol].is_null())
    where.append(" ").append(row[col_symbol].c_str());
  if (!row[col_interval].is_null())
    where.append(" ").append(row[col_interval].c_str());
  if (!row[col_open_time].is_null())
    where.append(" open_time ").append(row[col_open_time].c_str());
  throw std::runtime_error(where + ": column " + std::string{column_name} + ": " + std::string{why});
}

std::string_view text_of(const pqxx::row& row, int col, std::string_view name) {
  const auto field = row[col];
  if (field.is_null())
    bad_row(row, name, "NULL");
  return {field.c_str(), field.size()};
}

// from_chars instead of field::as<>: exact for doubles and independent of the C++ locale.
template <class T>
T number_of(const pqxx::row& row, int col, std::string_view name) {
  const std::string_view text = text_of(row, col, name);
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size())
    bad_row(row, name, "not a number: " + std::string{text});
  return value;
}

size_sum size_of(const pqxx::row& row, int col, std::string_view name) {
  size_sum sum;
  const std::string_view text = text_of(row, col, name);
  if (!parse_size_sum(text, sum))
    bad_row(row, name, "not a size sum: " + std::string{text});
  return sum;
}

} // namespace

candle candle_from_row(const pqxx::row& row) {
  candle c;
  c.symbol = std::string{text_of(row, col_symbol, "symbol")};
  const auto iv = parse_interval(text_of(row, col_interval, "interval"));
  if (!iv.ok)
    bad_row(row, "interval", iv.error);
  c.iv = iv.value;
  c.open_time = number_of<std::int64_t>(row, col_open_time, "open_time");
  c.close_time = number_of<std::int64_t>(row, col_close_time, "close_time");
  c.bar.open = number_of<double>(row, col_open, "open");
  c.bar.high = number_of<double>(row, col_high, "high");
  c.bar.low = number_of<double>(row, col_low, "low");
  c.bar.close = number_of<double>(row, col_close, "close");
  const auto volume = number_of<std::int64_t>(row, col_volume, "volume");
  if (volume < 0)
    bad_row(row, "volume", "negative");
  c.bar.volume = static_cast<std::uint64_t>(volume);
  c.bar.bid_size = size_of(row, col_bid_size, "bid_size");
  c.bar.ask_size = size_of(row, col_ask_size, "ask_size");
  c.bar.first = {number_of<std::int64_t>(row, col_first_ts, "first_ts"),
                 number_of<std::int64_t>(row, col_first_offset, "first_offset")};
  c.bar.last = {number_of<std::int64_t>(row, col_last_ts, "last_ts"),
                number_of<std::int64_t>(row, col_last_offset, "last_offset")};
  const std::string_view closed = text_of(row, col_closed, "closed");
  c.closed = closed == "t";
  if (const auto problem = check_candle(c); !problem.empty())
    bad_row(row, "*", problem);
  return c;
}

candle_columns encode_candle_columns(const std::vector<checkpoint_row>& rows) {
  const std::size_t n = rows.size();
  pg_array_literal symbol{n}, interval{n}, open_time{n}, close_time{n};
  pg_array_literal open{n}, high{n}, low{n}, close{n}, volume{n}, bid_size{n}, ask_size{n};
  pg_array_literal first_ts{n}, first_offset{n}, last_ts{n}, last_offset{n}, closed{n};
  for (const auto& row : rows) {
    const candle& c = *row.value;
    symbol.add_text(c.symbol);
    interval.add_text(c.iv.to_string());
    open_time.add(c.open_time);
    close_time.add(c.close_time);
    open.add(c.bar.open);
    high.add(c.bar.high);
    low.add(c.bar.low);
    close.add(c.bar.close);
    volume.add(static_cast<std::int64_t>(c.bar.volume));
    bid_size.add_raw(format_size_sum(c.bar.bid_size));
    ask_size.add_raw(format_size_sum(c.bar.ask_size));
    first_ts.add(c.bar.first.ts);
    first_offset.add(c.bar.first.offset);
    last_ts.add(c.bar.last.ts);
    last_offset.add(c.bar.last.offset);
    closed.add(row.closed);
  }
  return {symbol.take(),   interval.take(), open_time.take(),    close_time.take(),
          open.take(),     high.take(),     low.take(),          close.take(),
          volume.take(),   bid_size.take(), ask_size.take(),     first_ts.take(),
          first_offset.take(), last_ts.take(), last_offset.take(), closed.take()};
}

} // namespace cs::runtime
