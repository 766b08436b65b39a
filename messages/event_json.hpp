#pragma once
// Encodes a bid/ask event as the JSON payload of `market-events` (docs/design.md §3), the inverse of
// event_decoder: decoding the result gives back the same event (prices bit for bit).
#include <string>

#include "messages/bid_ask_event.hpp"

namespace cs {

enum class event_time_field { millis, nanos }; // "timestamp" (ms) or "timestampNs"

// Appends the payload; sizes are written only when non-zero.
void append_event_json(std::string& out, const bid_ask_event& e, event_time_field time_field);
std::string to_json(const bid_ask_event& e, event_time_field time_field = event_time_field::millis);

} // namespace cs
