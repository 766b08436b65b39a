#pragma once
// The WebSocket protocol of /ws (docs/api.md, "Live updates"): JSON text frames.
// Client -> server:
//   {"op":"subscribe","subscriptions":[{"symbol":"S","interval":"1m","since":<ms>}...],"id":"x"}
//   {"op":"unsubscribe","subscriptions":[{"symbol":"S","interval":"1m"}...],"id":"x"}
//   {"op":"ping","id":"x"}
//   "since" (optional, epoch ms): the openTime of the last final candle the client has; every
//   later final candle is sent before live updates continue. "id" (optional, a string of at most
//   64 bytes) is echoed in the answer.
// Server -> client:
//   {"type":"candle", <the fields of a REST candle (messages/candle_json.hpp)>}  closed:false for
//       a forming candle, closed:true for a final one (its openTime is the resume position)
//   {"type":"subscribed"|"unsubscribed","subscriptions":[{"symbol","interval"}...],"id":..}
//   {"type":"pong","id":..}
//   {"type":"error","code":"<ws_errc>","message":"...","id":..}
// Thread-safety: pure functions of their arguments.
// Failure semantics: parsing never throws; a bad frame is a parse_result with an error code and
// a message naming what was wrong (and the valid forms). Only std::bad_alloc can escape.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/candle.hpp"

namespace cs::live {

// Why a client frame was refused (the "code" of the error frame).
enum class ws_errc : std::uint8_t {
  none = 0,
  bad_json,               // not a JSON object
  frame_too_large,        // longer than ws_limits::max_frame_bytes
  unknown_op,             // "op" missing or not subscribe/unsubscribe/ping
  bad_subscription,       // "subscriptions" missing, not an array, empty, or an entry not an object
  bad_symbol,             // symbol missing or not a valid symbol (messages/symbol.hpp)
  bad_interval,           // interval missing or not parseable (messages/interval.hpp)
  bad_since,              // since not an integer number of ms within the timestamp range
  bad_id,                 // id not a string of at most 64 bytes
  too_many_subscriptions, // the frame (or the session with it) would exceed the session's limit
  not_text,               // a binary frame
  resume_incomplete,      // (server side) the finals after `since` could not all be read: see the message
};
std::string_view to_string(ws_errc e);

// No defaults: the node sets each from its config key (declared once, runtime/config/keys.hpp).
struct ws_limits {
  std::size_t max_frame_bytes = 0;   // set by the node from ws.max-frame-bytes
  std::size_t max_subscriptions = 0; // per frame (the session checks its total); set by the node from ws.max-subscriptions
};

struct subscription {
  candle_key key;
  std::optional<timestamp_ns> since; // open time of the client's last final candle (ns)
  bool operator==(const subscription&) const = default;
};

enum class client_op_kind : std::uint8_t { subscribe, unsubscribe, ping };

struct client_op {
  client_op_kind kind = client_op_kind::ping;
  std::vector<subscription> subscriptions; // subscribe/unsubscribe; duplicates removed, order kept
  std::optional<std::string> id;
};

struct parse_result {
  client_op op;
  ws_errc error = ws_errc::none;
  std::string message;       // for the error frame
  std::optional<std::string> id; // echoed in the error frame when it could be read
  bool ok() const { return error == ws_errc::none; }
};

parse_result parse_client_message(std::string_view text, const ws_limits& limits);

// {"type":"candle",...}: the REST candle object with "type" first.
std::string encode_candle_message(const candle& c);
std::string encode_error_message(ws_errc e, std::string_view message, const std::optional<std::string>& id);
// {"type":"subscribed"|"unsubscribed","subscriptions":[...],"id":..}
std::string encode_ack(client_op_kind kind, const std::vector<subscription>& subs, const std::optional<std::string>& id);
std::string encode_pong(const std::optional<std::string>& id);

} // namespace cs::live
