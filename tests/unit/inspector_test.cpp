// The inspector's pure parts: the shared command table (did-you-mean, word splitting, argument
// checks), symbol globs, the JSON it answers with, cluster answers merged from the members', and
// the node actors' endpoints.
#include <catch2/catch.hpp>

#include "actors/cluster/endpoint.hpp"
#include "actors/cluster/roles.hpp"
#include "actors/inspector/console_commands.hpp"
#include "actors/inspector/inspector_merge.hpp"
#include "actors/inspector/inspector_json.hpp"
#include "messages/partition_snapshot.hpp"
#include "messages/pipeline.hpp"
#include "messages/symbol.hpp"

using namespace cs;

TEST_CASE("did_you_mean: near misses and unique prefixes", "[inspector]") {
  CHECK(console::did_you_mean("inspec") == std::optional<std::string_view>("inspect"));
  CHECK(console::did_you_mean("nodse") == std::optional<std::string_view>("nodes"));
  CHECK(console::did_you_mean("part") == std::optional<std::string_view>("partitions"));
  CHECK(console::did_you_mean("chekpoint") == std::optional<std::string_view>("checkpoint"));
  CHECK_FALSE(console::did_you_mean("frobnicate"));
  CHECK_FALSE(console::did_you_mean(""));
}

TEST_CASE("split_words: quotes and escapes", "[inspector]") {
  auto w = console::split_words("  inspect \"A B\" 1m\t");
  REQUIRE(w.error.empty());
  CHECK(w.words == std::vector<std::string>{"inspect", "A B", "1m"});
  w = console::split_words(R"(actors A\*B)");
  CHECK(w.words == std::vector<std::string>{"actors", "A*B"});
  CHECK_FALSE(console::split_words("inspect \"A").error.empty());
  CHECK_FALSE(console::split_words("inspect A\\").error.empty());
  CHECK(console::split_words("").words.empty());
}

TEST_CASE("check_args: counts, partitions and counts", "[inspector]") {
  const auto& inspect = *console::find_command("inspect");
  CHECK(console::check_args(inspect, {"A", "1m"}).empty());
  CHECK_THAT(console::check_args(inspect, {"A"}), Catch::Contains("takes 2 arguments, got 1") && Catch::Contains("usage: inspect SYMBOL INTERVAL"));
  CHECK_FALSE(console::check_args(inspect, {"A", "1m", "x"}).empty());
  const auto& actors = *console::find_command("actors");
  CHECK(console::check_args(actors, {}).empty());
  CHECK(console::check_args(actors, {"A*", "1m"}).empty());
  CHECK_THAT(console::check_args(actors, {"a", "b", "c"}), Catch::Contains("0 to 2"));
  const auto& checkpoint = *console::find_command("checkpoint");
  CHECK(console::check_args(checkpoint, {"3"}).empty());
  CHECK_THAT(console::check_args(checkpoint, {"-1"}), Catch::Contains("partition number"));
  CHECK_THAT(console::check_args(checkpoint, {"3x"}), Catch::Contains("partition number"));
  const auto& watch = *console::find_command("watch");
  CHECK(watch.console_only);
  CHECK(console::check_args(watch, {"A", "1s", "5"}).empty());
  CHECK_THAT(console::check_args(watch, {"A", "1s", "0"}), Catch::Contains("positive"));
  CHECK(console::usage(actors) == "actors [SYMBOL-GLOB] [INTERVAL]");
}

TEST_CASE("symbol_glob_match: * and ?", "[inspector]") {
  CHECK(symbol_glob_match("*", "BTCUSD"));
  CHECK(symbol_glob_match("BTC*", "BTCUSD"));
  CHECK(symbol_glob_match("*USD", "BTCUSD"));
  CHECK(symbol_glob_match("B?C*D", "BTCUSD"));
  CHECK(symbol_glob_match("*C*S*", "BTCUSD"));
  CHECK(symbol_glob_match("BTCUSD", "BTCUSD"));
  CHECK_FALSE(symbol_glob_match("BTC", "BTCUSD"));
  CHECK_FALSE(symbol_glob_match("?", ""));
  CHECK_FALSE(symbol_glob_match("*X*", "BTCUSD"));
  CHECK(symbol_glob_match("*", ""));
  CHECK(symbol_glob_match("a*b*c", "aXbYbZc"));
}

TEST_CASE("partitions_answer: lag from the log end, nulls where unknown", "[inspector]") {
  const auto readers = nlohmann::json::parse(R"([
    {"partition":1,"state":"running","epoch":3,"next_offset":100,"committed_offset":90,"watermark":1780000000000000000},
    {"partition":0,"state":"restarting","epoch":2,"reason":"re-claim failed: x","watermark":)" + std::to_string(no_watermark) + "}]");
  const auto j = console::partitions_answer("n1", readers, {{1, true, 130}, {7, false, 5}});
  const auto& p = j["partitions"];
  REQUIRE(p.size() == 2);
  CHECK(p[0]["partition"] == 0);
  CHECK(p[0]["watermark"].is_null());
  CHECK(p[0]["lag"].is_null());
  CHECK(p[0]["reason"] == "re-claim failed: x");
  CHECK(p[1]["lag"] == 30);
  CHECK(p[1]["paused"] == true);
  CHECK(p[1]["log_end"] == 130);
  CHECK(p[1]["watermark"] == "2026-05-28T20:26:40Z");
}

TEST_CASE("node_counters and stats_answer sum the readers", "[inspector]") {
  const auto readers = nlohmann::json::parse(R"([{"valid":5,"late":1,"restarts":2,"state":"running"},{"valid":7,"late":0}])");
  cache_stats c;
  c.l1_hits = 4;
  const auto s = console::stats_answer("n1", console::node_counters(readers, &c));
  CHECK(s["total"]["valid"] == 12);
  CHECK(s["total"]["late"] == 1);
  CHECK(s["total"]["restarts"] == 2);
  CHECK(s["total"]["partitions"] == 2);
  CHECK(s["total"]["cache_l1_hits"] == 4);
  CHECK(s["nodes"]["n1"]["valid"] == 12);
  CHECK_FALSE(console::node_counters(readers, nullptr).contains("cache_l1_hits"));
}

TEST_CASE("inspect_answer: live candles with their first and last events", "[inspector]") {
  candle_actor_info info;
  candle c;
  c.symbol = "A";
  c.iv = interval::fixed(ns_per_min);
  c.open_time = 1'780'000'020'000'000'000;
  c.close_time = c.open_time + ns_per_min;
  c.bar = ohlcv::of_event(10.5, 1, 1, {c.open_time + 5'000'000, 42});
  info.live = {c};
  info.events_applied = 9;
  info.restarts = 1;
  info.frontier = no_frontier;
  const auto j = console::inspect_answer("n1", {"A", c.iv}, info);
  CHECK(j["interval"] == "1m");
  CHECK(j["frontier"].is_null());
  CHECK(j["restarts"] == 1);
  REQUIRE(j["live"].size() == 1);
  CHECK(j["live"][0]["open"] == 10.5);
  CHECK(j["live"][0]["first_event"]["offset"] == 42);
  CHECK(j["live"][0]["first_event"]["time"] == "2026-05-28T20:27:00.005Z");
}

TEST_CASE("endpoints: host:port lists", "[inspector][cluster]") {
  std::string host, error;
  std::uint16_t port = 0;
  CHECK(split_endpoint("127.0.0.1:18090", host, port));
  CHECK((host == "127.0.0.1" && port == 18090));
  CHECK(split_endpoint("[::1]:7", host, port));
  CHECK((host == "::1" && port == 7));
  CHECK_FALSE(split_endpoint("host", host, port));
  CHECK_FALSE(split_endpoint(":80", host, port));
  CHECK_FALSE(split_endpoint("h:0", host, port));
  CHECK_FALSE(split_endpoint("h:65536", host, port));
  CHECK_FALSE(split_endpoint("h:8x", host, port));
  CHECK(parse_endpoints(" a:1 , b:2,,", error) == std::vector<std::string>{"a:1", "b:2"});
  CHECK(error.empty());
  CHECK(parse_endpoints("", error).empty());
  CHECK(parse_endpoints("none", error).empty());
  CHECK(parse_endpoints("a:1,b", error).empty());
  CHECK(error == "'b' is not host:port");
}

namespace {
console::member_answer answer(std::string node, nlohmann::json j) { return {std::move(node), {console_errc::none, {}, j.dump()}}; }
console::member_answer refusal(std::string node, console_errc code, std::string why) { return {std::move(node), {code, std::move(why), {}}}; }
} // namespace

TEST_CASE("merge_answers: rows of every member together, down members and failures named", "[inspector][cluster]") {
  member_info gone;
  gone.name = "c";
  gone.endpoint = "h:3";
  gone.up = false;
  auto r = console::merge_answers("nodes", {answer("b", {{"nodes", {{{"name", "b"}}}}}), answer("a", {{"nodes", {{{"name", "a"}}}}})}, {gone});
  REQUIRE(r.code == console_errc::none);
  auto j = nlohmann::json::parse(r.json);
  REQUIRE(j["nodes"].size() == 3);
  CHECK(j["nodes"][0]["name"] == "a");
  CHECK(j["nodes"][0]["up"] == true);
  CHECK(j["nodes"][2]["name"] == "c");
  CHECK(j["nodes"][2]["up"] == false);

  r = console::merge_answers("partitions",
                             {answer("a", {{"partitions", {{{"partition", 2}}, {{"partition", 0}}}}}), answer("b", {{"partitions", {{{"partition", 1}}}}}),
                              refusal("c", console_errc::unavailable, "member c did not answer")},
                             {});
  j = nlohmann::json::parse(r.json);
  CHECK(j["partitions"][0]["partition"] == 0);
  CHECK(j["partitions"][2]["partition"] == 2);
  REQUIRE(j["errors"].size() == 1);
  CHECK(j["errors"][0]["node"] == "c");

  r = console::merge_answers("stats", {answer("a", console::stats_answer("a", {{"valid", 3u}})), answer("b", console::stats_answer("b", {{"valid", 4u}}))}, {});
  j = nlohmann::json::parse(r.json);
  CHECK(j["total"]["valid"] == 7);
  CHECK(j["nodes"]["a"]["valid"] == 3);
  CHECK(j["nodes"]["b"]["valid"] == 4);

  r = console::merge_answers("actors",
                             {answer("a", {{"actors", {{{"symbol", "B"}, {"interval", "1m"}}}}, {"total", 1}}),
                              answer("b", {{"actors", {{{"symbol", "A"}, {"interval", "1m"}}}}, {"total", 5}})},
                             {});
  j = nlohmann::json::parse(r.json);
  CHECK(j["total"] == 6);
  CHECK(j["shown"] == 2);
  CHECK(j["actors"][0]["symbol"] == "A");

  r = console::merge_answers("cache", {refusal("a", console_errc::unavailable, "x")}, {});
  CHECK(r.code == console_errc::unavailable);
}

TEST_CASE("merge_answers: the owner answers inspect, crash and checkpoint", "[inspector][cluster]") {
  auto r = console::merge_answers("inspect", {refusal("a", console_errc::unknown_symbol, "no A"), answer("b", {{"node", "b"}})}, {});
  CHECK(r.code == console_errc::none);
  CHECK(nlohmann::json::parse(r.json)["node"] == "b");
  r = console::merge_answers("inspect", {refusal("a", console_errc::unknown_symbol, "no A"), refusal("b", console_errc::unknown_symbol, "no B")}, {});
  CHECK(r.code == console_errc::unknown_symbol);
  r = console::merge_answers("crash", {refusal("a", console_errc::unknown_symbol, "no"), refusal("b", console_errc::not_allowed, "faults off")}, {});
  CHECK(r.code == console_errc::not_allowed);
  r = console::merge_answers("checkpoint", {refusal("a", console_errc::not_owned, "not here"), answer("b", {{"partition", 3}})}, {});
  CHECK(r.code == console_errc::none);
  r = console::merge_answers("checkpoint", {refusal("a", console_errc::not_owned, "not here")}, {});
  CHECK(r.code == console_errc::not_owned);
}

TEST_CASE("roles: aggregate, gateway, all", "[cluster]") {
  std::string error;
  auto r = parse_roles("aggregate, gateway", error);
  CHECK((error.empty() && r.aggregate && r.gateway));
  r = parse_roles("gateway", error);
  CHECK((error.empty() && !r.aggregate && r.gateway));
  CHECK(r.names() == std::vector<std::string>{"gateway"});
  r = parse_roles("all", error);
  CHECK((r.aggregate && r.gateway));
  parse_roles("gateway,cook", error);
  CHECK(error == "unknown role 'cook' (roles: aggregate, gateway, all)");
  error.clear();
  parse_roles(" , ", error);
  CHECK(error == "no role (roles: aggregate, gateway, all)");
}
