#pragma once
// How replay turns a CSV event into the record it produces, shared with `reference --csv` so that
// both see byte-identical payloads: key = symbol; payload = event JSON with "timestamp" (ms) when
// the time is a whole millisecond, else "timestampNs" so that no precision is lost.
#include <string>

#include "messages/bid_ask_event.hpp"
#include "messages/event_json.hpp"

namespace cs::feed {

inline event_time_field time_field_for(timestamp_ns ts) {
  return floor_div(ts, ns_per_ms) * ns_per_ms == ts ? event_time_field::millis : event_time_field::nanos;
}

inline void encode_event_payload(const bid_ask_event& e, std::string& payload) {
  payload.clear();
  append_event_json(payload, e, time_field_for(e.ts));
}

} // namespace cs::feed
