#include "messages/event_json.hpp"

#include "messages/number_format.hpp"
#include "messages/size_units.hpp"

namespace cs {
namespace {
// Size units back to the decimal text of the original size ("1.25"), exactly.
void append_size(std::string& out, std::int64_t units) {
  append_size_sum(out, size_sum::of(static_cast<unsigned __int128>(units)));
}
} // namespace

void append_event_json(std::string& out, const bid_ask_event& e, event_time_field time_field) {
  out.append(R"({"symbol":")").append(e.symbol).append(R"(","bid":)");
  append_number(out, e.bid);
  out.append(R"(,"ask":)");
  append_number(out, e.ask);
  if (time_field == event_time_field::nanos) {
    out.append(R"(,"timestampNs":)");
    append_number(out, e.ts);
  } else {
    out.append(R"(,"timestamp":)");
    append_number(out, floor_div(e.ts, ns_per_ms));
  }
  if (e.bid_size_units > 0) {
    out.append(R"(,"bidSize":)");
    append_size(out, e.bid_size_units);
  }
  if (e.ask_size_units > 0) {
    out.append(R"(,"askSize":)");
    append_size(out, e.ask_size_units);
  }
  out.push_back('}');
}

std::string to_json(const bid_ask_event& e, event_time_field time_field) {
  std::string s;
  s.reserve(128);
  append_event_json(s, e, time_field);
  return s;
}

} // namespace cs
