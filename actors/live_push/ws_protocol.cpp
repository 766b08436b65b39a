#include "actors/live_push/ws_protocol.hpp"

#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "messages/candle_json.hpp"
#include "messages/symbol.hpp"
#include "messages/quoted_value.hpp"

namespace cs::live {
namespace {

// Insertion order for what we write, so that "type" comes first.
using out_json = nlohmann::ordered_json;
using in_json = nlohmann::json;

constexpr std::size_t max_id_bytes = 64;
// Largest `since` whose nanoseconds fit in timestamp_ns.
constexpr std::int64_t max_since_ms = std::numeric_limits<timestamp_ns>::max() / ns_per_ms;

constexpr std::string_view valid_ops = "valid ops: subscribe, unsubscribe, ping";
constexpr std::string_view subscription_form =
  R"(expected a non-empty array of objects {"symbol":"BTCUSD","interval":"1m","since":<epoch ms, optional>})";

std::string dump(const out_json& j) {
  // `replace`: a client's text echoed in a message must not throw, whatever its bytes.
  return j.dump(-1, ' ', false, out_json::error_handler_t::replace);
}

// A JSON value as a message quotes it: strings by their text, scalars by their JSON, arrays and
// objects by their kind (dumping them would recurse as deep as the client nested them).
std::string quote_value(const in_json& v) {
  if (v.is_string()) return quoted_value(v.get_ref<const std::string&>());
  if (v.is_structured()) return std::string("an ").append(v.type_name());
  return quoted_value(std::string_view(v.dump()));
}

parse_result fail(parse_result r, ws_errc e, std::string message) {
  r.error = e;
  r.message = std::move(message);
  return r;
}

// One entry of "subscriptions"; `where` is "subscriptions[i]". Empty message: ok.
std::pair<ws_errc, std::string> parse_entry(const in_json& e, const std::string& where, client_op_kind kind,
                                            subscription& out) {
  if (!e.is_object()) return {ws_errc::bad_subscription, where + ": " + std::string(subscription_form)};

  const auto sym = e.find("symbol");
  if (sym == e.end())
    return {ws_errc::bad_symbol, where + ".symbol: missing; valid symbols: " + std::string(valid_symbol_form)};
  if (!sym->is_string() || !is_valid_symbol(sym->get_ref<const std::string&>()))
    return {ws_errc::bad_symbol,
            where + ".symbol: " + quote_value(*sym) + " is not a symbol; valid symbols: " + std::string(valid_symbol_form)};
  out.key.symbol = sym->get<std::string>();

  const auto iv = e.find("interval");
  if (iv == e.end()) return {ws_errc::bad_interval, where + ".interval: missing; " + std::string(valid_interval_forms)};
  auto parsed = iv->is_string() ? parse_interval(iv->get_ref<const std::string&>()) : interval_parse_result{};
  if (!parsed.ok)
    return {ws_errc::bad_interval,
            where + ".interval: " + quote_value(*iv) + " is not an interval; " + std::string(valid_interval_forms)};
  out.key.iv = parsed.value;

  const auto since = e.find("since");
  if (since == e.end()) return {};
  if (kind != client_op_kind::subscribe)
    return {ws_errc::bad_since, where + ".since: since is only for subscribe"};
  // A number too large for uint64 parses as a float: refused as not an integer.
  const bool in_range = since->is_number_unsigned()
                          ? since->get<std::uint64_t>() <= static_cast<std::uint64_t>(max_since_ms)
                          : since->is_number_integer() && since->get<std::int64_t>() >= 0;
  if (!in_range)
    return {ws_errc::bad_since, where + ".since: " + quote_value(*since) +
                                  " is not a time; expected whole epoch milliseconds from 0 through " +
                                  std::to_string(max_since_ms)};
  out.since = since->get<std::int64_t>() * ns_per_ms;
  return {};
}

} // namespace

std::string_view to_string(ws_errc e) {
  switch (e) {
    case ws_errc::none: return "none";
    case ws_errc::bad_json: return "bad_json";
    case ws_errc::frame_too_large: return "frame_too_large";
    case ws_errc::unknown_op: return "unknown_op";
    case ws_errc::bad_subscription: return "bad_subscription";
    case ws_errc::bad_symbol: return "bad_symbol";
    case ws_errc::bad_interval: return "bad_interval";
    case ws_errc::bad_since: return "bad_since";
    case ws_errc::bad_id: return "bad_id";
    case ws_errc::too_many_subscriptions: return "too_many_subscriptions";
    case ws_errc::not_text: return "not_text";
    case ws_errc::resume_incomplete: return "resume_incomplete";
  }
  return "unknown";
}

parse_result parse_client_message(std::string_view text, const ws_limits& limits) {
  parse_result r;
  // Before parsing: the limit bounds the parser's work.
  if (text.size() > limits.max_frame_bytes)
    return fail(std::move(r), ws_errc::frame_too_large,
                "frame of " + std::to_string(text.size()) + " bytes; at most " +
                  std::to_string(limits.max_frame_bytes) + " bytes");

  const in_json j = in_json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return fail(std::move(r), ws_errc::bad_json, R"(expected a JSON object such as {"op":"ping"})");

  // The id first, so that the error frames of the other checks can echo it.
  if (const auto id = j.find("id"); id != j.end()) {
    if (!id->is_string() || id->get_ref<const std::string&>().size() > max_id_bytes)
      return fail(std::move(r), ws_errc::bad_id,
                  "id: " + quote_value(*id) + " is not an id; expected a string of at most 64 bytes");
    r.id = id->get<std::string>();
    r.op.id = r.id;
  }

  const auto op = j.find("op");
  if (op == j.end()) return fail(std::move(r), ws_errc::unknown_op, "op: missing; " + std::string(valid_ops));
  const std::string* name = op->is_string() ? &op->get_ref<const std::string&>() : nullptr;
  if (name && *name == "ping") {
    r.op.kind = client_op_kind::ping;
    return r;
  }
  if (!name || (*name != "subscribe" && *name != "unsubscribe"))
    return fail(std::move(r), ws_errc::unknown_op, "op: " + quote_value(*op) + " is not an op; " + std::string(valid_ops));
  r.op.kind = *name == "subscribe" ? client_op_kind::subscribe : client_op_kind::unsubscribe;

  const auto subs = j.find("subscriptions");
  if (subs == j.end() || !subs->is_array() || subs->empty())
    return fail(std::move(r), ws_errc::bad_subscription,
                std::string(subs == j.end() ? "subscriptions: missing; " : "subscriptions: ")
                  .append(subscription_form));
  if (subs->size() > limits.max_subscriptions)
    return fail(std::move(r), ws_errc::too_many_subscriptions,
                "subscriptions: " + std::to_string(subs->size()) + " entries; at most " +
                  std::to_string(limits.max_subscriptions) + " per frame");

  std::set<candle_key> seen;
  for (std::size_t i = 0; i < subs->size(); ++i) {
    subscription s;
    auto [e, message] = parse_entry((*subs)[i], "subscriptions[" + std::to_string(i) + "]", r.op.kind, s);
    if (e != ws_errc::none) return fail(std::move(r), e, std::move(message));
    // A repeated key keeps its first entry (and its `since`).
    if (seen.insert(s.key).second) r.op.subscriptions.push_back(std::move(s));
  }
  return r;
}

std::string encode_candle_message(const candle& c) {
  // The REST encoding is written by hand for exactness; splice "type" in after its '{'.
  std::string out = to_json(c);
  out.insert(1, R"("type":"candle",)");
  return out;
}

std::string encode_error_message(ws_errc e, std::string_view message, const std::optional<std::string>& id) {
  out_json j{{"type", "error"}, {"code", to_string(e)}, {"message", message}};
  if (id) j["id"] = *id;
  return dump(j);
}

std::string encode_ack(client_op_kind kind, const std::vector<subscription>& subs, const std::optional<std::string>& id) {
  out_json list = out_json::array();
  for (const subscription& s : subs) list.push_back({{"symbol", s.key.symbol}, {"interval", s.key.iv.to_string()}});
  out_json j{{"type", kind == client_op_kind::unsubscribe ? "unsubscribed" : "subscribed"}, {"subscriptions", std::move(list)}};
  if (id) j["id"] = *id;
  return dump(j);
}

std::string encode_pong(const std::optional<std::string>& id) {
  out_json j{{"type", "pong"}};
  if (id) j["id"] = *id;
  return dump(j);
}

} // namespace cs::live
