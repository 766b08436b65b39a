#include "messages/event_decoder.hpp"

#include <simdjson.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <vector>

#include "messages/size_units.hpp"
#include "messages/symbol.hpp"

namespace cs {

namespace od = simdjson::ondemand;

std::string_view to_string(reject_reason r) {
  switch (r) {
    case reject_reason::none: return "none";
    case reject_reason::bad_json: return "bad_json";
    case reject_reason::missing_field: return "missing_field";
    case reject_reason::wrong_type: return "wrong_type";
    case reject_reason::bad_price: return "bad_price";
    case reject_reason::crossed_quote: return "crossed_quote";
    case reject_reason::bad_symbol: return "bad_symbol";
    case reject_reason::bad_size: return "bad_size";
    case reject_reason::timestamp_out_of_range: return "timestamp_out_of_range";
    case reject_reason::future_timestamp: return "future_timestamp";
    case reject_reason::too_large: return "too_large";
  }
  return "unknown";
}

std::string decode_status::describe() const {
  std::string s(to_string(reason));
  if (!field.empty()) s.append(": ").append(field);
  return s;
}

struct event_decoder::impl {
  event_decoder_limits limits;
  od::parser parser;
  std::vector<char> buffer; // payload copy followed by simdjson's required padding
};

event_decoder::event_decoder(event_decoder_limits limits) : impl_(std::make_unique<impl>()) {
  impl_->limits = limits;
  impl_->buffer.resize(limits.max_payload_bytes + simdjson::SIMDJSON_PADDING);
  // Allocate the parser's internal buffers once, not on the first event.
  if (impl_->parser.allocate(limits.max_payload_bytes) != simdjson::SUCCESS)
    throw std::runtime_error("event_decoder: cannot allocate the JSON parser");
}

event_decoder::~event_decoder() = default;
event_decoder::event_decoder(event_decoder&&) noexcept = default;
event_decoder& event_decoder::operator=(event_decoder&&) noexcept = default;

namespace {

// Earliest accepted event time, 1900-01-01T00:00:00Z: keeps every bucket computation far from
// int64 overflow and rejects obvious unit mistakes (seconds sent as nanoseconds, negatives).
constexpr timestamp_ns min_event_timestamp = -2'208'988'800LL * ns_per_s;
constexpr std::int64_t max_ms = std::numeric_limits<std::int64_t>::max() / ns_per_ms;

decode_status reject(reject_reason r, std::string_view field = {}) { return {r, field}; }

reject_reason type_error(simdjson::error_code e) {
  return e == simdjson::INCORRECT_TYPE || e == simdjson::NUMBER_ERROR || e == simdjson::NUMBER_OUT_OF_RANGE
           ? reject_reason::wrong_type
           : reject_reason::bad_json;
}

bool valid_price(double p) { return std::isfinite(p) && p > 0; }
bool valid_size(double s) { return std::isfinite(s) && s >= 0 && s <= max_event_size; }

} // namespace

decode_status event_decoder::decode(std::string_view payload, timestamp_ns now, bid_ask_event& out) {
  auto& st = *impl_;
  if (payload.size() > st.limits.max_payload_bytes) return reject(reject_reason::too_large);
  std::memcpy(st.buffer.data(), payload.data(), payload.size());

  od::document doc;
  if (st.parser.iterate(st.buffer.data(), payload.size(), st.buffer.size()).get(doc))
    return reject(reject_reason::bad_json);
  od::object obj;
  if (doc.get_object().get(obj)) return reject(reject_reason::bad_json);

  enum : unsigned { f_symbol = 1, f_bid = 2, f_ask = 4, f_ts = 8, f_ts_ns = 16 };
  unsigned seen = 0;
  std::string_view symbol;
  double bid_size = 0, ask_size = 0;
  std::int64_t ts_ms = 0, ts_ns = 0;

  for (auto field_result : obj) {
    od::field field;
    if (std::move(field_result).get(field)) return reject(reject_reason::bad_json);
    const auto key = field.key();
    auto& value = field.value();
    simdjson::error_code e = simdjson::SUCCESS;
    if (key == "symbol") {
      if ((e = value.get_string().get(symbol))) return reject(type_error(e), "symbol");
      seen |= f_symbol;
    } else if (key == "bid") {
      if ((e = value.get_double().get(out.bid))) return reject(type_error(e), "bid");
      seen |= f_bid;
    } else if (key == "ask") {
      if ((e = value.get_double().get(out.ask))) return reject(type_error(e), "ask");
      seen |= f_ask;
    } else if (key == "timestamp") {
      if ((e = value.get_int64().get(ts_ms))) return reject(type_error(e), "timestamp");
      seen |= f_ts;
    } else if (key == "timestampNs") {
      if ((e = value.get_int64().get(ts_ns))) return reject(type_error(e), "timestampNs");
      seen |= f_ts_ns;
    } else if (key == "bidSize") {
      if ((e = value.get_double().get(bid_size))) return reject(type_error(e), "bidSize");
    } else if (key == "askSize") {
      if ((e = value.get_double().get(ask_size))) return reject(type_error(e), "askSize");
    }
    // Unknown fields are skipped by the iteration itself.
  }
  // Trailing content after the object ("{...} junk") is malformed JSON.
  if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS) return reject(reject_reason::bad_json);

  if (!(seen & f_symbol)) return reject(reject_reason::missing_field, "symbol");
  if (!(seen & f_bid)) return reject(reject_reason::missing_field, "bid");
  if (!(seen & f_ask)) return reject(reject_reason::missing_field, "ask");
  if (!(seen & (f_ts | f_ts_ns))) return reject(reject_reason::missing_field, "timestamp");
  if (!is_valid_symbol(symbol)) return reject(reject_reason::bad_symbol, "symbol");
  if (!valid_price(out.bid)) return reject(reject_reason::bad_price, "bid");
  if (!valid_price(out.ask)) return reject(reject_reason::bad_price, "ask");
  if (out.bid > out.ask) return reject(reject_reason::crossed_quote);
  if (!valid_size(bid_size)) return reject(reject_reason::bad_size, "bidSize");
  if (!valid_size(ask_size)) return reject(reject_reason::bad_size, "askSize");
  if (seen & f_ts_ns) {
    out.ts = ts_ns;
  } else {
    if (ts_ms > max_ms || ts_ms < -max_ms) return reject(reject_reason::timestamp_out_of_range, "timestamp");
    out.ts = ts_ms * ns_per_ms;
  }
  if (out.ts < min_event_timestamp) return reject(reject_reason::timestamp_out_of_range, "timestamp");
  if (out.ts > now && out.ts - now > st.limits.max_future_skew)
    return reject(reject_reason::future_timestamp, (seen & f_ts_ns) ? "timestampNs" : "timestamp");

  out.symbol.assign(symbol);
  out.bid_size_units = to_size_units(bid_size);
  out.ask_size_units = to_size_units(ask_size);
  return {};
}

} // namespace cs
