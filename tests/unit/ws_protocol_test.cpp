#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "actors/live_push/ws_protocol.hpp"
#include "messages/candle_json.hpp"

using namespace cs;
using namespace cs::live;
using nlohmann::json;

namespace {

const interval iv_1m = interval::fixed(ns_per_min);
const interval iv_1h = interval::fixed(ns_per_hour);
constexpr timestamp_ns nov25_noon = 1'732'536'000 * ns_per_s;

// ws_limits has no defaults (the node sets it from ws.max-frame-bytes and ws.max-subscriptions):
// the tests' own values.
constexpr ws_limits test_limits{64 * 1024, 100};

parse_result parse(std::string_view text, ws_limits limits = test_limits) { return parse_client_message(text, limits); }

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

// An error of code `e` whose message holds `needle`.
void check_error(std::string_view text, ws_errc e, std::string_view needle, ws_limits limits = test_limits) {
  const auto r = parse(text, limits);
  INFO(text);
  INFO(r.message);
  CHECK(r.error == e);
  CHECK_FALSE(r.ok());
  CHECK(contains(r.message, needle));
}

candle make_candle(bool closed) {
  candle c;
  c.symbol = "BTC-USD";
  c.iv = iv_1m;
  c.open_time = nov25_noon;
  c.close_time = nov25_noon + ns_per_min;
  c.bar = ohlcv::of_event(50000.25, 3, 4, {nov25_noon + 5, 17});
  c.bar.add(50001.5, 1, 0, {nov25_noon + 9, 18});
  c.closed = closed;
  return c;
}

} // namespace

TEST_CASE("ws: subscribe parses symbols, intervals, since and id", "[ws]") {
  const auto r = parse(R"({"op":"subscribe","id":"a1","subscriptions":[
    {"symbol":"BTCUSD","interval":"1m","since":1732536000000},{"symbol":"ETH-USD","interval":"h1"}]})");
  INFO(r.message);
  REQUIRE(r.ok());
  CHECK(r.op.kind == client_op_kind::subscribe);
  CHECK(r.id == "a1");
  CHECK(r.op.id == "a1");
  REQUIRE(r.op.subscriptions.size() == 2);
  CHECK(r.op.subscriptions[0] == subscription{{"BTCUSD", iv_1m}, nov25_noon});
  CHECK(r.op.subscriptions[1] == subscription{{"ETH-USD", iv_1h}, std::nullopt});
}

TEST_CASE("ws: since converts ms to ns up to the int64 limit", "[ws]") {
  auto since_of = [](std::string_view ms) {
    const auto r = parse(R"({"op":"subscribe","subscriptions":[{"symbol":"S","interval":"1s","since":)" +
                         std::string(ms) + "}]}");
    INFO(r.message);
    REQUIRE(r.ok());
    return r.op.subscriptions.at(0).since;
  };
  CHECK(since_of("0") == 0);
  CHECK(since_of("1") == ns_per_ms);
  CHECK(since_of("9223372036854") == 9223372036854 * ns_per_ms);
  check_error(R"({"op":"subscribe","subscriptions":[{"symbol":"S","interval":"1s","since":9223372036855}]})",
              ws_errc::bad_since, "subscriptions[0].since: '9223372036855'");
  check_error(R"({"op":"subscribe","subscriptions":[{"symbol":"S","interval":"1s","since":18446744073709551615}]})",
              ws_errc::bad_since, "whole epoch milliseconds");
  check_error(R"({"op":"subscribe","subscriptions":[{"symbol":"S","interval":"1s","since":1e30}]})",
              ws_errc::bad_since, "since");
  check_error(R"({"op":"subscribe","subscriptions":[{"symbol":"S","interval":"1s","since":-1}]})",
              ws_errc::bad_since, "'-1'");
  check_error(R"({"op":"subscribe","subscriptions":[{"symbol":"S","interval":"1s","since":1.5}]})",
              ws_errc::bad_since, "'1.5'");
  check_error(R"({"op":"subscribe","subscriptions":[{"symbol":"S","interval":"1s","since":"5"}]})",
              ws_errc::bad_since, "'5'");
}

TEST_CASE("ws: duplicates are removed keeping the first, order kept", "[ws]") {
  const auto r = parse(R"({"op":"subscribe","subscriptions":[{"symbol":"A","interval":"1m","since":1000},
    {"symbol":"B","interval":"1m"},{"symbol":"A","interval":"60s","since":2000},{"symbol":"A","interval":"1h"}]})");
  INFO(r.message);
  REQUIRE(r.ok());
  REQUIRE(r.op.subscriptions.size() == 3);
  CHECK(r.op.subscriptions[0] == subscription{{"A", iv_1m}, 1000 * ns_per_ms}); // "60s" is 1m: a duplicate
  CHECK(r.op.subscriptions[1].key == candle_key{"B", iv_1m});
  CHECK(r.op.subscriptions[2].key == candle_key{"A", iv_1h});
}

TEST_CASE("ws: unsubscribe and ping", "[ws]") {
  const auto u = parse(R"({"op":"unsubscribe","subscriptions":[{"symbol":"A","interval":"1m"}]})");
  REQUIRE(u.ok());
  CHECK(u.op.kind == client_op_kind::unsubscribe);
  CHECK_FALSE(u.id);
  CHECK(u.op.subscriptions == std::vector<subscription>{{{"A", iv_1m}, std::nullopt}});
  check_error(R"({"op":"unsubscribe","subscriptions":[{"symbol":"A","interval":"1m","since":5}]})",
              ws_errc::bad_since, "subscriptions[0].since: since is only for subscribe");

  const auto p = parse(R"({"op":"ping","id":"p"})");
  REQUIRE(p.ok());
  CHECK(p.op.kind == client_op_kind::ping);
  CHECK(p.op.id == "p");
  CHECK(p.op.subscriptions.empty());
}

TEST_CASE("ws: every error code is reachable with a message naming the problem", "[ws]") {
  ws_limits small;
  small.max_frame_bytes = 20;
  small.max_subscriptions = 2;
  check_error(R"({"op":"ping","id":"0123456789"})", ws_errc::frame_too_large, "at most 20 bytes", small);
  check_error(std::string(21, '{'), ws_errc::frame_too_large, "frame of 21 bytes", small); // before parsing
  check_error(R"({"op":"subscribe","subscriptions":[{"symbol":"A","interval":"1m"},{"symbol":"B","interval":"1m"},
    {"symbol":"C","interval":"1m"}]})", ws_errc::too_many_subscriptions, "3 entries; at most 2 per frame",
              {64 * 1024, 2});

  check_error("", ws_errc::bad_json, "JSON object");
  check_error("{\"op\":", ws_errc::bad_json, "JSON object");
  check_error("[1,2]", ws_errc::bad_json, "JSON object");
  check_error("\"ping\"", ws_errc::bad_json, "JSON object");
  check_error("{\"op\":\"ping\"} x", ws_errc::bad_json, "JSON object");
  check_error("{\"op\":\"\xff\"}", ws_errc::bad_json, "JSON object"); // invalid UTF-8 is not JSON

  check_error(R"({"id":"x"})", ws_errc::unknown_op, "op: missing; valid ops: subscribe, unsubscribe, ping");
  check_error(R"({"op":"subscrib"})", ws_errc::unknown_op, "op: 'subscrib' is not an op; valid ops:");
  check_error(R"({"op":7})", ws_errc::unknown_op, "'7'");

  check_error(R"({"op":"subscribe"})", ws_errc::bad_subscription, "subscriptions: missing; expected a non-empty array");
  check_error(R"({"op":"subscribe","subscriptions":[]})", ws_errc::bad_subscription, "non-empty array");
  check_error(R"({"op":"subscribe","subscriptions":{"symbol":"A"}})", ws_errc::bad_subscription, "non-empty array");
  check_error(R"({"op":"unsubscribe","subscriptions":[{"symbol":"A","interval":"1m"},"A"]})",
              ws_errc::bad_subscription, "subscriptions[1]: expected");

  check_error(R"({"op":"subscribe","subscriptions":[{"interval":"1m"}]})", ws_errc::bad_symbol,
              "subscriptions[0].symbol: missing; valid symbols: 1 to 32 characters");
  check_error(R"({"op":"subscribe","subscriptions":[{"symbol":"A","interval":"1m"},{"symbol":"B C","interval":"1m"}]})",
              ws_errc::bad_symbol, "subscriptions[1].symbol: 'B C' is not a symbol; valid symbols:");
  check_error(R"({"op":"subscribe","subscriptions":[{"symbol":12,"interval":"1m"}]})", ws_errc::bad_symbol, "'12'");
  check_error(R"({"op":"subscribe","subscriptions":[{"symbol":"A"}]})", ws_errc::bad_interval,
              "subscriptions[0].interval: missing; valid intervals:");
  check_error(R"({"op":"subscribe","subscriptions":[{"symbol":"A","interval":"1m"},{"symbol":"A","interval":"1m"},
    {"symbol":"A","interval":"7x"}]})", ws_errc::bad_interval,
              "subscriptions[2].interval: '7x' is not an interval; valid intervals:");
  check_error(R"({"op":"subscribe","subscriptions":[{"symbol":"A","interval":60}]})", ws_errc::bad_interval, "'60'");

  check_error(R"({"op":"ping","id":5})", ws_errc::bad_id, "id: '5' is not an id; expected a string of at most 64 bytes");
  check_error(R"({"op":"ping","id":")" + std::string(65, 'x') + "\"}", ws_errc::bad_id, "at most 64 bytes");
  CHECK(parse(R"({"op":"ping","id":")" + std::string(64, 'x') + "\"}").ok());

  // The parser never sees binary frames; the transport reports them with this code.
  CHECK(to_string(ws_errc::not_text) == "not_text");
  CHECK(to_string(ws_errc::resume_incomplete) == "resume_incomplete");
  CHECK(to_string(ws_errc::too_many_subscriptions) == "too_many_subscriptions");
}

TEST_CASE("ws: a valid id is echoed in errors found after it", "[ws]") {
  const auto r = parse(R"({"id":"req-7","op":"subscribe","subscriptions":[{"symbol":"A","interval":"7x"}]})");
  CHECK(r.error == ws_errc::bad_interval);
  CHECK(r.id == "req-7");
  const auto frame = json::parse(encode_error_message(r.error, r.message, r.id));
  CHECK(frame["type"] == "error");
  CHECK(frame["code"] == "bad_interval");
  CHECK(frame["message"] == r.message);
  CHECK(frame["id"] == "req-7");

  // A bad id is not echoed.
  const auto bad = parse(R"({"id":["x"],"op":"ping"})");
  CHECK(bad.error == ws_errc::bad_id);
  CHECK_FALSE(bad.id);
  CHECK_FALSE(json::parse(encode_error_message(bad.error, bad.message, bad.id)).contains("id"));
}

TEST_CASE("ws: deep nesting and non-ASCII text do not break parsing or encoding", "[ws]") {
  // Within the frame limit; the parser and the destructor of nlohmann::json do not recurse.
  const std::string deep = "{\"op\":" + std::string(30000, '[') + std::string(30000, ']') + "}";
  check_error(deep, ws_errc::unknown_op, "op: an array is not an op");
  check_error(R"({"op":"ping","id":{"a":1}})", ws_errc::bad_id, "id: an object is not an id");
  const auto r = parse(R"({"op":"subscribe","subscriptions":[{"symbol":"€uro","interval":"1m"}]})");
  CHECK(r.error == ws_errc::bad_symbol);
  CHECK(contains(r.message, "'???uro'")); // quoted as printable ASCII
  // Invalid UTF-8 in a message is replaced, not thrown.
  const std::string frame = encode_error_message(ws_errc::bad_json, "bad \xff byte", std::string("i\xc3"));
  const auto j = json::parse(frame);
  CHECK(j["code"] == "bad_json");
  CHECK(j["message"] == "bad \xef\xbf\xbd byte");
}

TEST_CASE("ws: a candle message is the REST candle with type first", "[ws]") {
  for (const bool closed : {false, true}) {
    const candle c = make_candle(closed);
    const std::string msg = encode_candle_message(c);
    CHECK(msg.rfind(R"({"type":"candle","symbol":"BTC-USD",)", 0) == 0);
    // Without "type" it is byte for byte the REST encoding, and decodes to the same candle.
    std::string rest = msg;
    rest.erase(1, std::string_view(R"("type":"candle",)").size());
    CHECK(rest == to_json(c));
    candle back;
    CHECK(parse_candle_json(msg, back).empty());
    CHECK(back == c);
    CHECK(json::parse(msg)["closed"] == closed);
  }
}

TEST_CASE("ws: acks and pongs", "[ws]") {
  const std::vector<subscription> subs{{{"A", iv_1m}, 5}, {{"B", interval::month()}, std::nullopt}};
  CHECK(encode_ack(client_op_kind::subscribe, subs, "x") ==
        R"({"type":"subscribed","subscriptions":[{"symbol":"A","interval":"1m"},{"symbol":"B","interval":"1M"}],"id":"x"})");
  CHECK(encode_ack(client_op_kind::unsubscribe, {}, std::nullopt) == R"({"type":"unsubscribed","subscriptions":[]})");
  CHECK(encode_pong("q\"1") == R"({"type":"pong","id":"q\"1"})");
  CHECK(encode_pong(std::nullopt) == R"({"type":"pong"})");
  CHECK(encode_error_message(ws_errc::unknown_op, "m", std::nullopt) ==
        R"({"type":"error","code":"unknown_op","message":"m"})");
}
