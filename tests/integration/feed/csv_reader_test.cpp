// CSV lines, column mapping and the event reader: quoting, header names and indexes, and bad rows
// that are counted and reported with their line numbers, never fatal.
#include <catch2/catch.hpp>

#include <sstream>

#include "column_mapping.hpp"
#include "csv_event_reader.hpp"
#include "csv_line.hpp"

namespace {
using namespace cs;
using namespace cs::feed;

std::vector<std::string> split(std::string_view line, char delimiter = ',') {
  std::vector<std::string> fields;
  const auto why = split_csv_line(line, delimiter, fields);
  INFO(line << ": " << why);
  REQUIRE(why.empty());
  return fields;
}

using fields = std::vector<std::string>;

struct read_all_result {
  std::vector<bid_ask_event> events;
  csv_read_stats stats;
};

read_all_result read_all(const std::string& text, const csv_layout& layout) {
  std::istringstream in(text);
  auto reader = csv_event_reader::open(in, layout);
  INFO((reader ? "" : reader.error().reason));
  REQUIRE(reader.ok());
  read_all_result r;
  bid_ask_event e;
  while ((*reader)->next(e)) r.events.push_back(e);
  r.stats = (*reader)->stats();
  return r;
}

std::string open_error(const std::string& text, const csv_layout& layout) {
  std::istringstream in(text);
  auto reader = csv_event_reader::open(in, layout);
  return reader ? std::string{} : reader.error().reason;
}
} // namespace

TEST_CASE("csv lines split on the delimiter with RFC 4180 quotes", "[feed][csv]") {
  CHECK(split("a,b,c") == fields{"a", "b", "c"});
  CHECK(split("a,,c,") == fields{"a", "", "c", ""});
  CHECK(split("") == fields{""});
  CHECK(split("a,b\r") == fields{"a", "b"});
  CHECK(split(R"("a,b",c)") == fields{"a,b", "c"});
  CHECK(split(R"("say ""hi""",x)") == fields{R"(say "hi")", "x"});
  CHECK(split(R"(a, "b" ,c)") == fields{"a", "b", "c"});
  CHECK(split(R"("",x)") == fields{"", "x"});
  CHECK(split("a;b;c", ';') == fields{"a", "b", "c"});
  CHECK(split("a\tb", '\t') == fields{"a", "b"});
  CHECK(split(" a , b ") == fields{" a ", " b "}); // unquoted blanks are kept; columns trim them
}

TEST_CASE("malformed quoting is reported, not guessed", "[feed][csv]") {
  std::vector<std::string> f;
  CHECK_THAT(split_csv_line(R"(a,"unterminated)", ',', f), Catch::Contains("unterminated quote in field 2"));
  CHECK_THAT(split_csv_line(R"("a"b,c)", ',', f), Catch::Contains("after the closing quote of field 1"));
}

TEST_CASE("delimiter names", "[feed][csv]") {
  CHECK(parse_delimiter(",") == ',');
  CHECK(parse_delimiter(";") == ';');
  CHECK(parse_delimiter("tab") == '\t');
  CHECK(parse_delimiter("\\t") == '\t');
  CHECK_FALSE(parse_delimiter("").has_value());
  CHECK_FALSE(parse_delimiter(",,").has_value());
  CHECK_FALSE(parse_delimiter("\"").has_value());
}

TEST_CASE("columns resolve by header name, ignoring case, or by index", "[feed][csv][columns]") {
  const fields header{"Time", " SYMBOL ", "bid", "ask", "bidSize", "askSize"};
  csv_layout l;
  l.ts_col = std::string{"time"}; // moved in: assigning short literals to members here trips
  l.bid_size_col = std::string{"bidSize"}; // GCC 12's -Wrestrict false positive (PR105329)
  l.ask_size_col = std::string{"5"};
  auto m = resolve_columns(l, &header);
  REQUIRE(m.ok());
  CHECK(m->ts == 0);
  CHECK(m->symbol == std::optional<std::size_t>{1}); // "symbol" found by default
  CHECK(m->bid == 2);
  CHECK(m->ask == 3);
  CHECK(m->bid_size == std::optional<std::size_t>{4});
  CHECK(m->ask_size == std::optional<std::size_t>{5});
  CHECK(m->min_fields == 6);
}

TEST_CASE("column errors name the flag and what the file offers", "[feed][csv][columns]") {
  const fields header{"ts", "bid", "ask"};
  csv_layout l;
  auto m = resolve_columns(l, &header);
  REQUIRE_FALSE(m.ok());
  CHECK_THAT(m.error().reason, Catch::Contains("--ts-col 'timestamp'") && Catch::Contains("ts, bid, ask"));

  l.ts_col = "ts";
  m = resolve_columns(l, &header);
  REQUIRE_FALSE(m.ok());
  CHECK_THAT(m.error().reason, Catch::Contains("--symbol-col") && Catch::Contains("--symbol SYM"));

  l.symbol = "BTCUSD";
  CHECK(resolve_columns(l, &header).ok());
  l.symbol_col = "ts";
  CHECK_THAT(resolve_columns(l, &header).error().reason, Catch::Contains("not both"));

  l.symbol_col.clear();
  l.ask_col = "7";
  CHECK_THAT(resolve_columns(l, &header).error().reason, Catch::Contains("only 3 columns"));

  csv_layout no_header;
  no_header.has_header = false;
  no_header.symbol = "X";
  CHECK_THAT(resolve_columns(no_header, nullptr).error().reason, Catch::Contains("0-based column indexes"));
  no_header.ts_col = "0";
  no_header.bid_col = "1";
  no_header.ask_col = "2";
  CHECK(resolve_columns(no_header, nullptr).ok());
}

TEST_CASE("a row becomes an event; values the node rejects are still events", "[feed][csv][columns]") {
  csv_layout l;
  l.bid_size_col = "bs";
  l.ask_size_col = "as";
  const fields header{"timestamp", "symbol", "bid", "ask", "bs", "as"};
  auto m = resolve_columns(l, &header);
  REQUIRE(m.ok());
  bid_ask_event e;
  CHECK(row_to_event(*m, {"1732500000123", " BTCUSD ", "50000.1", "50000.3", "1.5", ""}, e).empty());
  CHECK(e.symbol == "BTCUSD");
  CHECK(e.ts == 1732500000123 * ns_per_ms);
  CHECK(e.bid == 50000.1);
  CHECK(e.ask == 50000.3);
  CHECK(e.bid_size_units == 150'000'000);
  CHECK(e.ask_size_units == 0);
  // Crossed, negative, odd symbol: the node's business (DLQ), faithfully replayed.
  CHECK(row_to_event(*m, {"1", "bad sym!", "-2", "-3", "", ""}, e).empty());
  CHECK(e.bid == -2);
}

TEST_CASE("rows that cannot be encoded are refused with a reason", "[feed][csv][columns]") {
  csv_layout l;
  l.bid_size_col = "bs";
  const fields header{"timestamp", "symbol", "bid", "ask", "bs"};
  auto m = resolve_columns(l, &header);
  REQUIRE(m.ok());
  bid_ask_event e;
  CHECK_THAT(row_to_event(*m, {"1", "X", "1"}, e), Catch::Contains("at least 5 fields, found 3"));
  CHECK_THAT(row_to_event(*m, {"1", "", "1", "2", ""}, e), Catch::Contains("empty symbol"));
  CHECK_THAT(row_to_event(*m, {"1", R"(A"B)", "1", "2", ""}, e), Catch::Contains("quote"));
  CHECK_THAT(row_to_event(*m, {"x", "X", "1", "2", ""}, e), Catch::Contains("timestamp"));
  CHECK_THAT(row_to_event(*m, {"1", "X", "abc", "2", ""}, e), Catch::Contains("bid 'abc'"));
  CHECK_THAT(row_to_event(*m, {"1", "X", "1", "", ""}, e), Catch::Contains("ask ''"));
  CHECK_THAT(row_to_event(*m, {"1", "X", "nan", "2", ""}, e), Catch::Contains("bid 'nan'"));
  CHECK_THAT(row_to_event(*m, {"1", "X", "inf", "2", ""}, e), Catch::Contains("bid 'inf'"));
  CHECK_THAT(row_to_event(*m, {"1", "X", "1", "2", "-1"}, e), Catch::Contains("bid size '-1'"));
  CHECK_THAT(row_to_event(*m, {"1", "X", "1", "2", "0.123456789"}, e), Catch::Contains("8 fraction digits"));
  CHECK_THAT(row_to_event(*m, {"1", "X", "1", "2", "100000000000"}, e), Catch::Contains("too large"));
}

TEST_CASE("the reader skips bad rows, reports their line numbers, and reads on", "[feed][csv][reader]") {
  const std::string text =
    "\xEF\xBB\xBFts;sym;bid;ask\n"           // 1: header with a BOM
    "2024-11-25T12:00:00Z;AAA;1.5;1.6\n"     // 2
    "\n"                                     // 3: blank, ignored
    "2024-11-25T12:00:01Z;AAA;oops;1.6\n"    // 4: bad bid
    "2024-11-25T12:00:02Z;BBB;2.5;2.6\r\n"   // 5: CRLF
    "2024-13-25T12:00:03Z;BBB;2.5;2.6\n"     // 6: bad date
    "2024-11-25T12:00:04Z;\"C;C\";3;4\n"     // 7: quoted delimiter
    "2024-11-25T12:00:05Z;DDD\n"             // 8: short row
    "2024-11-25T12:00:06Z;DDD;\"1\n";        // 9: unterminated quote, no final newline
  csv_layout l;
  l.ts_col = "ts";
  l.symbol_col = "sym";
  l.unit = ts_unit::iso;
  l.delimiter = ';';
  const auto r = read_all(text, l);
  REQUIRE(r.events.size() == 3);
  CHECK(r.events[0].symbol == "AAA");
  CHECK(r.events[1].symbol == "BBB");
  CHECK(r.events[2].symbol == "C;C");
  CHECK(r.events[1].ts == r.events[0].ts + 2 * ns_per_s);
  CHECK(r.stats.rows == 7);
  CHECK(r.stats.events == 3);
  CHECK(r.stats.bad_rows == 4);
  REQUIRE(r.stats.first_bad.size() == 4);
  CHECK(r.stats.first_bad[0].line == 4);
  CHECK(r.stats.first_bad[1].line == 6);
  CHECK(r.stats.first_bad[2].line == 8);
  CHECK(r.stats.first_bad[3].line == 9);
  CHECK_THAT(r.stats.first_bad[0].reason, Catch::Contains("bid 'oops'"));
  CHECK_THAT(r.stats.first_bad[1].reason, Catch::Contains("no such date"));
  CHECK_THAT(r.stats.first_bad[3].reason, Catch::Contains("unterminated"));
}

TEST_CASE("only the first bad rows are kept, all are counted", "[feed][csv][reader]") {
  constexpr int bad = 25;
  std::ostringstream text_out; // (string += in a loop trips GCC 12's -Wrestrict false positive)
  text_out << "timestamp,bid,ask\n";
  for (int i = 0; i < bad; ++i) text_out << "x,1,2\n";
  text_out << "5,1,2\n";
  const std::string text = text_out.str();
  csv_layout l;
  l.symbol = "ONE";
  const auto r = read_all(text, l);
  CHECK(r.events.size() == 1);
  CHECK(r.events[0].symbol == "ONE");
  CHECK(r.events[0].ts == 5 * ns_per_ms);
  CHECK(r.stats.bad_rows == bad);
  CHECK(r.stats.first_bad.size() == csv_event_reader::kept_bad_rows);
  CHECK(r.stats.first_bad.front().line == 2);
}

TEST_CASE("files without a header use indexes", "[feed][csv][reader]") {
  csv_layout l; // strings moved in: see "columns resolve by header name"
  l.has_header = false;
  l.ts_col = std::string{"3"};
  l.symbol_col = std::string{"0"};
  l.bid_col = std::string{"1"};
  l.ask_col = std::string{"2"};
  l.unit = ts_unit::s;
  const auto r = read_all("X,1,2,10.5\nY,3,4,11\n", l);
  REQUIRE(r.events.size() == 2);
  CHECK(r.events[0].ts == 10'500 * ns_per_ms);
  CHECK(r.events[1].symbol == "Y");
}

TEST_CASE("a layout that does not fit the file fails at open", "[feed][csv][reader]") {
  csv_layout l;
  CHECK_THAT(open_error("", l), Catch::Contains("empty"));
  CHECK_THAT(open_error("a,b,c\n1,2,3\n", l), Catch::Contains("--ts-col"));
  CHECK_THAT(open_error("timestamp,\"bid\n", l), Catch::Contains("header line 1"));
}
