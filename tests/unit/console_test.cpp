#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include "actors/inspector/console_commands.hpp"
#include "apps/candle-console/console_completion.hpp"
#include "apps/candle-console/console_help.hpp"
#include "apps/candle-console/console_line.hpp"
#include "apps/candle-console/console_options.hpp"
#include "apps/candle-console/console_render.hpp"
#include "apps/candle-console/console_watch.hpp"

using namespace cs;
using namespace cs::console;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// Each cell of `row` starts in the column where the header's matching title starts.
void check_aligned(const std::string& header, const std::string& row, const std::vector<std::pair<std::string, std::string>>& title_cell) {
  for (const auto& [title, value] : title_cell) {
    INFO(title << " / " << value << "\n" << header << "\n" << row);
    const auto at = header.find(title);
    REQUIRE(at != std::string::npos);
    CHECK(row.substr(at, value.size()) == value);
    if (at > 0) CHECK(row[at - 1] == ' ');
  }
}

} // namespace

TEST_CASE("render_table pads columns to their widest cell", "[console][render]") {
  CHECK(render_table({{"A", "BB"}, {{"xxx", "y"}, {"z"}}}) == "A    BB\nxxx  y\nz\n");
  CHECK(render_table({{"A"}, {}}) == "A\n");
  // Width counts code points, not bytes.
  CHECK(render_table({{"S", "N"}, {{"é", "1"}}}) == "S  N\né  1\n");
}

TEST_CASE("cells of every JSON type", "[console][render]") {
  using nlohmann::json;
  CHECK(cell(json(nullptr)) == "-");
  CHECK(cell(json("x y")) == "x y");
  CHECK(cell(json(true)) == "yes");
  CHECK(cell(json(false)) == "no");
  CHECK(cell(json(42)) == "42");
  CHECK(cell(json(-3)) == "-3");
  CHECK(cell(json(0.25)) == "0.25");
  CHECK(cell(json::array()) == "-");
  CHECK(cell(json{0, 1, 2}) == "0,1,2");
  CHECK(cell(json{{"a", 1}}) == R"({"a":1})");
  CHECK(cell(json{{"a", 1}}, "a") == "1");
  CHECK(cell(json{{"a", 1}}, "b") == "-");
  CHECK(cell(json(3), "a") == "-");
}

TEST_CASE("nodes: one aligned row per node", "[console][render]") {
  const auto text = render_answer("nodes", R"({"nodes":[
    {"name":"node-1","roles":["reader","http"],"console":"10.0.0.1:4700","http":"10.0.0.1:8080","uptime_seconds":3723,"partitions":[0,1],"intervals":["1s","1m"],"faults":false},
    {"name":"node-2","roles":["reader"],"console":"10.0.0.2:4700","http":"10.0.0.2:8080","uptime_seconds":59,"partitions":[],"intervals":["1s","1m"],"faults":true}]})");
  const auto l = lines(text);
  REQUIRE(l.size() == 3);
  CHECK(l[0].starts_with("NODE"));
  check_aligned(l[0], l[1],
                {{"NODE", "node-1"}, {"ROLES", "reader,http"}, {"CONSOLE", "10.0.0.1:4700"}, {"HTTP", "10.0.0.1:8080"}, {"UPTIME", "1h02m"},
                 {"PARTITIONS", "0,1"}, {"INTERVALS", "1s,1m"}, {"FAULTS", "no"}});
  check_aligned(l[0], l[2], {{"NODE", "node-2"}, {"UPTIME", "59s"}, {"PARTITIONS", "-"}, {"FAULTS", "yes"}});
  CHECK(render_answer("nodes", R"({"nodes":[]})") == "no nodes\n");
}

TEST_CASE("partitions: nulls as dashes", "[console][render]") {
  const auto l = lines(render_answer("partitions", R"({"partitions":[
    {"partition":0,"node":"node-1","state":"reading","epoch":3,"next_offset":1200,"committed_offset":1100,"watermark":"2024-11-25T12:00:00Z","log_end":1250,"lag":50,"paused":false},
    {"partition":1,"node":"node-2","state":"claiming","epoch":1,"next_offset":0,"committed_offset":0,"watermark":null,"log_end":null,"lag":null,"paused":true}]})"));
  REQUIRE(l.size() == 3);
  check_aligned(l[0], l[1],
                {{"PARTITION", "0"}, {"NODE", "node-1"}, {"STATE", "reading"}, {"EPOCH", "3"}, {"NEXT", "1200"}, {"COMMITTED", "1100"},
                 {"WATERMARK", "2024-11-25T12:00:00Z"}, {"LOG_END", "1250"}, {"LAG", "50"}, {"PAUSED", "no"}});
  check_aligned(l[0], l[2], {{"WATERMARK", "-"}, {"LOG_END", "-"}, {"LAG", "-"}, {"PAUSED", "yes"}});
}

TEST_CASE("actors: rows and how many matched", "[console][render]") {
  const auto text = render_answer("actors", R"({"actors":[{"symbol":"BTCUSD","interval":"1m","node":"node-1"},
    {"symbol":"ETHUSD","interval":"1m","node":"node-2"}],"total":5,"shown":2})");
  const auto l = lines(text);
  REQUIRE(l.size() == 4);
  check_aligned(l[0], l[1], {{"SYMBOL", "BTCUSD"}, {"INTERVAL", "1m"}, {"NODE", "node-1"}});
  CHECK(l[3] == "showing 2 of 5 candle actors");
  CHECK(lines(render_answer("actors", R"({"actors":[{"symbol":"A","interval":"1s","node":"n"}],"total":1,"shown":1})")).back() == "1 candle actor");
  CHECK(render_answer("actors", R"({"actors":[],"total":0,"shown":0})") == "no candle actors match\n");
}

TEST_CASE("inspect: the actor's state, then its live candles", "[console][render]") {
  const auto text = render_answer("inspect", R"({"node":"node-1","symbol":"BTCUSD","interval":"1m",
    "live":[{"open_time":"2024-11-25T12:00:00Z","close_time":"2024-11-25T12:01:00Z","open":100.5,"high":101,"low":99.75,"close":100,"volume":42,
             "first_event":{"time":"2024-11-25T12:00:00.125Z","offset":10},"last_event":{"time":"2024-11-25T12:00:59.5Z","offset":57}}],
    "events_applied":1234,"late":2,"pending_finals":1,"frontier":"2024-11-25T12:00:00Z","mailbox":0,"watchers":3,"restarts":0})");
  const auto l = lines(text);
  REQUIRE(l.size() == 13);
  CHECK(l[0] == "node:           node-1");
  CHECK(l[1] == "symbol:         BTCUSD");
  CHECK(l[3] == "events_applied: 1234");
  CHECK(l[9] == "restarts:       0");
  CHECK(l[10] == "live candles:");
  CHECK(l[11].starts_with("  OPEN_TIME"));
  check_aligned(l[11], l[12],
                {{"OPEN_TIME", "2024-11-25T12:00:00Z"}, {"OPEN ", "100.5"}, {"HIGH", "101"}, {"LOW", "99.75"}, {"CLOSE ", "100"},
                 {"VOLUME", "42"}, {"FIRST_EVENT", "2024-11-25T12:00:00.125Z @10"}, {"LAST_EVENT", "2024-11-25T12:00:59.5Z @57"}});
  // No live candle, frontier null.
  const auto empty = render_answer("inspect", R"({"node":"n","symbol":"S","interval":"1s","live":[],"frontier":null})");
  CHECK_THAT(empty, Contains("frontier: -"));
  CHECK_THAT(empty, Contains("live candles: none"));
}

TEST_CASE("stats: a counter per row, the sum and each node as columns", "[console][render]") {
  const auto l = lines(render_answer("stats", R"({"total":{"events_valid":30,"late":1},
    "nodes":{"node-1":{"events_valid":10,"late":1},"node-2":{"events_valid":20}}})"));
  REQUIRE(l.size() == 3);
  check_aligned(l[0], l[1], {{"COUNTER", "events_valid"}, {"TOTAL", "30"}, {"node-1", "10"}, {"node-2", "20"}});
  check_aligned(l[0], l[2], {{"COUNTER", "late"}, {"TOTAL", "1"}, {"node-1", "1"}, {"node-2", "-"}});
}

TEST_CASE("cache: a row per node and tier", "[console][render]") {
  const auto l = lines(render_answer("cache", R"({"nodes":{"node-1":{
    "l1":{"size":100,"hits":90,"misses":10,"hit_rate":0.9,"evictions":5},
    "l2":{"up":true,"hits":8,"misses":2,"hit_rate":0.8,"errors":0},
    "postgres":{"reads":2,"errors":0}}}})"));
  REQUIRE(l.size() == 4);
  check_aligned(l[0], l[1], {{"NODE", "node-1"}, {"TIER", "l1"}, {"SIZE", "100"}, {"HITS", "90"}, {"HIT_RATE", "0.9"}, {"EVICTIONS", "5"}, {"UP", "-"}});
  check_aligned(l[0], l[2], {{"TIER", "l2"}, {"UP", "yes"}, {"HIT_RATE", "0.8"}, {"ERRORS", "0"}, {"SIZE", "-"}});
  check_aligned(l[0], l[3], {{"TIER", "postgres"}, {"READS", "2"}, {"ERRORS", "0"}, {"HITS", "-"}});
}

TEST_CASE("checkpoint and crash as key: value lines", "[console][render]") {
  CHECK(render_answer("checkpoint", R"({"partition":3,"node":"node-2","committed_offset":1200})") ==
        "partition:        3\nnode:             node-2\ncommitted_offset: 1200\n");
  CHECK(render_answer("crash", R"({"crashed":true,"node":"node-1","symbol":"BTCUSD","interval":"1m"})") ==
        "crashed:  yes\nnode:     node-1\nsymbol:   BTCUSD\ninterval: 1m\n");
}

TEST_CASE("fields a newer node adds are shown, not dropped", "[console][render]") {
  const auto nodes = lines(render_answer("nodes", R"({"nodes":[{"name":"n1","zone":"eu-1"}],"leader":"n1"})"));
  REQUIRE(nodes.size() == 3);
  check_aligned(nodes[0], nodes[1], {{"NODE", "n1"}, {"ROLES", "-"}, {"ZONE", "eu-1"}});
  CHECK(nodes[2] == "leader: n1");
  CHECK_THAT(render_answer("inspect", R"({"node":"n","symbol":"S","interval":"1s","live":[],"gc":{"runs":2}})"), Contains("gc:\n  runs: 2\n"));
  CHECK_THAT(render_answer("checkpoint", R"({"partition":1,"node":"n","committed_offset":5,"took_ms":12})"), Contains("took_ms:          12"));
}

TEST_CASE("the generic renderer takes any JSON", "[console][render]") {
  CHECK(render_answer("future", R"({"b":1,"a":"x"})") == "a: x\nb: 1\n");
  CHECK(render_answer("future", R"({"list":[{"k":1},{"k":2,"j":true}],"nested":{"deep":{"x":null}}})") ==
        "list:\n  K  J\n  1  -\n  2  yes\nnested:\n  deep:\n    x: -\n");
  CHECK(render_answer("future", "[1,2,3]") == "1,2,3\n");
  CHECK(render_answer("future", "7") == "7\n");
  CHECK(render_answer("future", "{}") == "(empty)\n");
  // Not JSON: shown as sent.
  CHECK(render_answer("nodes", "not json") == "not json\n");
  // A known command with an unexpected shape falls back to the generic layout.
  CHECK(render_answer("nodes", R"({"nodes":"none yet"})") == "nodes: none yet\n");
  CHECK(render_answer("stats", "[]") == "-\n");
  CHECK(render_answer("cache", R"({"nodes":{"n":"down"}})") == "NODE  TIER\nn     down\n");
  CHECK(render_answer("inspect", R"({"node":"n","live":"x"})") == "node: n\nlive: x\n");
}

TEST_CASE("errors as text and as JSON", "[console][errors]") {
  CHECK(format_error(console_errc::unknown_symbol, "no candle actor for X 1m") == "error (unknown_symbol): no candle actor for X 1m");
  CHECK(format_error(console_errc::timeout, "no answer from h:1 within 5s") == "error (timeout): no answer from h:1 within 5s");
  const auto j = nlohmann::json::parse(format_error_json(console_errc::bad_argument, "say \"what\"\n"));
  CHECK(j == nlohmann::json{{"error", {{"code", "bad_argument"}, {"message", "say \"what\"\n"}}}});
  CHECK(format_error_json(console_errc::unreachable, "x").find('\n') == std::string::npos);
  // Invalid UTF-8 from a typed argument does not throw.
  CHECK_NOTHROW(format_error_json(console_errc::unknown_command, "unknown command '\xff'"));
}

TEST_CASE("--json prints each answer on one line", "[console][render]") {
  CHECK(one_line_json(R"({"a":1})") == R"({"a":1})");
  CHECK(one_line_json("{\n  \"a\": 1\n}") == R"({"a":1})");
  CHECK(one_line_json("not\njson") == "not json");
}

TEST_CASE("timeouts: units and plain seconds", "[console][options]") {
  CHECK(parse_timeout("5s") == 5000ms);
  CHECK(parse_timeout("500ms") == 500ms);
  CHECK(parse_timeout("5") == 5000ms);
  CHECK(parse_timeout("2.5") == 2500ms);
  CHECK(parse_timeout("0.25s") == 250ms);
  CHECK(parse_timeout("1m") == 60000ms);
  CHECK_FALSE(parse_timeout(""));
  CHECK_FALSE(parse_timeout("s"));
  CHECK_FALSE(parse_timeout("0"));
  CHECK_FALSE(parse_timeout("0s"));
  CHECK_FALSE(parse_timeout("-1s"));
  CHECK_FALSE(parse_timeout("+1s"));
  CHECK_FALSE(parse_timeout("5 s"));
  CHECK_FALSE(parse_timeout("5h"));
  CHECK_FALSE(parse_timeout("abc"));
  CHECK_FALSE(parse_timeout("0.0001"));
  CHECK_FALSE(parse_timeout("1e9"));
  CHECK_FALSE(parse_timeout("100000"));
  CHECK(format_timeout(5000ms) == "5s");
  CHECK(format_timeout(500ms) == "500ms");
  CHECK(format_timeout(2500ms) == "2.5s");
  CHECK(format_timeout(1050ms) == "1.05s");
}

TEST_CASE("endpoints: host:port", "[console][options]") {
  const auto e = parse_endpoint("node-1.local:4700");
  REQUIRE(e);
  CHECK(e->host == "node-1.local");
  CHECK(e->port == 4700);
  const auto v6 = parse_endpoint("[::1]:4700");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(to_string(*v6) == "[::1]:4700");
  CHECK(to_string(*e) == "node-1.local:4700");
  CHECK_FALSE(parse_endpoint("node-1"));
  CHECK_FALSE(parse_endpoint(":4700"));
  CHECK_FALSE(parse_endpoint("h:"));
  CHECK_FALSE(parse_endpoint("h:0"));
  CHECK_FALSE(parse_endpoint("h:65536"));
  CHECK_FALSE(parse_endpoint("h:47x"));
  CHECK_FALSE(parse_endpoint("::1:4700"));
  CHECK_FALSE(parse_endpoint("[::1]4700"));
}

TEST_CASE("lines are checked before anything is sent", "[console][line]") {
  CHECK(parse_line("").what == parsed_line::kind::empty);
  CHECK(parse_line("   ").what == parsed_line::kind::empty);
  CHECK(parse_line("# a comment").what == parsed_line::kind::empty);

  const auto inspect = parse_line("  inspect BTCUSD 1m ");
  CHECK(inspect.what == parsed_line::kind::remote);
  CHECK(inspect.command == "inspect");
  CHECK(inspect.args == std::vector<std::string>{"BTCUSD", "1m"});

  const auto typo = parse_line("inspct BTCUSD 1m");
  CHECK(typo.what == parsed_line::kind::invalid);
  CHECK(typo.code == console_errc::unknown_command);
  CHECK(typo.message == "unknown command 'inspct' (did you mean 'inspect'?)");
  CHECK(parse_line("zzzzzzzz").message == "unknown command 'zzzzzzzz' (help lists the commands)");

  const auto few = parse_line("inspect BTCUSD");
  CHECK(few.code == console_errc::bad_argument);
  CHECK_THAT(few.message, Contains("usage: inspect SYMBOL INTERVAL"));
  CHECK(parse_line("checkpoint x").code == console_errc::bad_argument);
  CHECK(parse_line("watch A 1m 0").code == console_errc::bad_argument);
  CHECK(parse_line("nodes \"unclosed").code == console_errc::bad_argument);

  CHECK(parse_line("help").what == parsed_line::kind::help);
  CHECK(parse_line("help inspect").what == parsed_line::kind::help);
  CHECK(parse_line("quit").what == parsed_line::kind::quit);
  CHECK(parse_line("exit").what == parsed_line::kind::quit);
  const auto watch = parse_line("watch BTCUSD 1m 3");
  CHECK(watch.what == parsed_line::kind::watch);
  CHECK(watch.args.size() == 3);
  CHECK(parse_line("actors \"BTC*\"").args == std::vector<std::string>{"BTC*"});
}

TEST_CASE("help lists every command and explains one", "[console][help]") {
  const auto all = help_all(false);
  CHECK(all.code == console_errc::none);
  for (const auto& c : commands()) {
    CHECK_THAT(all.text, Contains(usage(c)));
    CHECK_THAT(all.text, Contains(std::string(c.summary)));
  }
  const auto one = help_one("inspect", false);
  CHECK(one.code == console_errc::none);
  CHECK(one.text.starts_with("usage: inspect SYMBOL INTERVAL\n"));
  CHECK_THAT(one.text, Contains("live candles"));
  for (const auto& l : lines(one.text)) CHECK(l.size() <= 78);
  const auto unknown = help_one("inpsect", false);
  CHECK(unknown.code == console_errc::unknown_command);
  CHECK(unknown.text == "unknown command 'inpsect' (did you mean 'inspect'?)");
  const auto json_all = nlohmann::json::parse(help_all(true).text);
  CHECK(json_all.at("commands").size() == commands().size());
  CHECK(nlohmann::json::parse(help_one("watch", true).text).at("usage") == "watch SYMBOL INTERVAL [COUNT]");
}

TEST_CASE("watch prints a line when a live candle changes", "[console][watch]") {
  watch_tracker w("BTCUSD", "1m");
  const std::string a = R"({"symbol":"BTCUSD","interval":"1m","events_applied":10,"live":[
    {"open_time":"2024-11-25T12:00:00Z","open":100,"high":101,"low":99.5,"close":100.5,"volume":42}]})";
  auto first = w.update(a, "12:00:01.250", false);
  REQUIRE(first.size() == 1);
  CHECK(first[0] == "12:00:01.250 BTCUSD 1m 2024-11-25T12:00:00Z 100 101 99.5 100.5 42 events=10");
  CHECK(w.update(a, "12:00:01.450", false).empty());
  const std::string b = R"({"symbol":"BTCUSD","interval":"1m","events_applied":11,"live":[
    {"open_time":"2024-11-25T12:00:00Z","open":100,"high":101,"low":99.5,"close":100.5,"volume":42},
    {"open_time":"2024-11-25T12:01:00Z","open":100.5,"high":100.5,"low":100.5,"close":100.5,"volume":1}]})";
  auto second = w.update(b, "12:01:00.050", false);
  REQUIRE(second.size() == 1);
  CHECK(second[0] == "12:01:00.050 BTCUSD 1m 2024-11-25T12:01:00Z 100.5 100.5 100.5 100.5 1 events=11");
  auto as_json = watch_tracker("BTCUSD", "1m").update(b, "12:01:00.050", true);
  REQUIRE(as_json.size() == 2);
  const auto j = nlohmann::json::parse(as_json[1]);
  CHECK(j.at("time") == "12:01:00.050");
  CHECK(j.at("candle").at("volume") == 1);
  CHECK(j.at("events_applied") == 11);
  CHECK(w.update("not json", "x", false).empty());
  CHECK(w.update(R"({"live":[]})", "x", false).empty());
  CHECK(format_clock(std::chrono::system_clock::now()).size() == 12);
}

TEST_CASE("completion: commands, then arguments by kind", "[console][completion]") {
  completion_sources from;
  std::vector<std::string> asked;
  from.symbols = [&](std::string_view prefix) {
    asked.emplace_back(prefix);
    return std::vector<std::string>{"BTCUSD", "BTCEUR", "ETHUSD"};
  };
  from.intervals = {"1s", "1m", "15m", "1h"};
  from.partitions = {"0", "1", "10"};
  CHECK(complete_word("", "in", from) == std::vector<std::string>{"inspect"});
  CHECK(complete_word("", "e", from) == std::vector<std::string>{"exit"});
  CHECK(complete_word("inspect ", "BTC", from) == std::vector<std::string>{"BTCEUR", "BTCUSD"});
  CHECK(asked == std::vector<std::string>{"BTC"});
  CHECK(complete_word("inspect BTCUSD ", "1", from) == std::vector<std::string>{"15m", "1h", "1m", "1s"});
  CHECK(complete_word("checkpoint ", "1", from) == std::vector<std::string>{"1", "10"});
  CHECK(complete_word("help ", "wa", from) == std::vector<std::string>{"watch"});
  CHECK(complete_word("actors ", "B*", from).empty());
  CHECK(complete_word("nodes ", "", from).empty());
  CHECK(complete_word("watch BTCUSD 1m ", "", from).empty());
  CHECK(complete_word("nosuch ", "", from).empty());

  const std::string nodes = R"({"nodes":[{"name":"a","intervals":["1s","1m"],"partitions":[10,2]},{"name":"b","intervals":["1m","1h"],"partitions":[1]}]})";
  CHECK(intervals_of_nodes(nodes) == std::vector<std::string>{"1s", "1m", "1h"});
  CHECK(partitions_of_nodes(nodes) == std::vector<std::string>{"1", "2", "10"});
  CHECK(symbols_of_actors(R"({"actors":[{"symbol":"B","interval":"1m"},{"symbol":"A"},{"symbol":"B"}]})") == std::vector<std::string>{"A", "B"});
  CHECK(symbols_of_actors("garbage").empty());
  CHECK(intervals_of_nodes("{}").empty());
}
