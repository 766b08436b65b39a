#pragma once
// JSON encoding of candles for HTTP, WebSocket and the candles-completed topic:
//   {"symbol":"BTCUSD","interval":"1m","openTime":1732500000000,"closeTime":1732500060000,
//    "open":50000.2,"high":50001,"low":49999.5,"close":50000.7,"volume":42,"bidSize":12.5,
//    "askSize":3,"closed":true,"openTimeNs":...,"closeTimeNs":...,"firstTs":...,"firstOffset":...,
//    "lastTs":...,"lastOffset":...}
// Times without the Ns suffix are epoch milliseconds for people and charts; the *Ns fields and the
// positions make the encoding exact: decode(encode(c)) == c, prices bit for bit (shortest
// round-trip formatting), sizes as exact decimals.
#include <string>
#include <string_view>

#include "messages/candle.hpp"

namespace cs {

// Appends the JSON object for `c` to `out`.
void append_candle_json(std::string& out, const candle& c);
std::string to_json(const candle& c);

// Parses what append_candle_json wrote. Returns an empty string on success, else the reason.
std::string parse_candle_json(std::string_view json, candle& out);

} // namespace cs
