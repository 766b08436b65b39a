#include "messages/candle_json.hpp"

#include <simdjson.h>

#include "messages/number_format.hpp"
#include "messages/symbol.hpp"

namespace cs {

namespace od = simdjson::ondemand;

namespace {

void field(std::string& out, std::string_view name) {
  if (out.back() != '{') out.push_back(',');
  out.push_back('"');
  out.append(name).append("\":");
}

// Sizes are exact decimals: parse their literal text, not a double.
bool get_size(od::value& v, size_sum& out) {
  const std::string_view text = v.raw_json_token();
  const auto end = text.find_last_not_of(" \t\r\n");
  return end != std::string_view::npos && parse_size_sum(text.substr(0, end + 1), out);
}

template <class T>
void num_field(std::string& out, std::string_view name, T v) {
  field(out, name);
  append_number(out, v);
}

} // namespace

void append_candle_json(std::string& out, const candle& c) {
  out.push_back('{');
  // Symbols are validated to [A-Za-z0-9._:/-]: nothing to escape.
  field(out, "symbol");
  out.append("\"").append(c.symbol).append("\"");
  field(out, "interval");
  out.append("\"").append(c.iv.to_string()).append("\"");
  num_field(out, "openTime", floor_div(c.open_time, ns_per_ms));
  num_field(out, "closeTime", floor_div(c.close_time, ns_per_ms));
  num_field(out, "open", c.bar.open);
  num_field(out, "high", c.bar.high);
  num_field(out, "low", c.bar.low);
  num_field(out, "close", c.bar.close);
  num_field(out, "volume", c.bar.volume);
  field(out, "bidSize");
  append_size_sum(out, c.bar.bid_size);
  field(out, "askSize");
  append_size_sum(out, c.bar.ask_size);
  field(out, "closed");
  out.append(c.closed ? "true" : "false");
  num_field(out, "openTimeNs", c.open_time);
  num_field(out, "closeTimeNs", c.close_time);
  num_field(out, "firstTs", c.bar.first.ts);
  num_field(out, "firstOffset", c.bar.first.offset);
  num_field(out, "lastTs", c.bar.last.ts);
  num_field(out, "lastOffset", c.bar.last.offset);
  out.push_back('}');
}

std::string to_json(const candle& c) {
  std::string s;
  s.reserve(384);
  append_candle_json(s, c);
  return s;
}

std::string parse_candle_json(std::string_view json, candle& out) {
  thread_local od::parser parser;
  simdjson::padded_string padded(json);
  od::document doc;
  if (parser.iterate(padded).get(doc)) return "bad JSON";
  od::object obj;
  if (doc.get_object().get(obj)) return "not a JSON object";

  enum : unsigned {
    f_symbol = 1u << 0, f_interval = 1u << 1, f_open_ns = 1u << 2, f_close_ns = 1u << 3,
    f_open = 1u << 4, f_high = 1u << 5, f_low = 1u << 6, f_close = 1u << 7, f_volume = 1u << 8,
    f_bid = 1u << 9, f_ask = 1u << 10, f_closed = 1u << 11, f_first_ts = 1u << 12,
    f_first_off = 1u << 13, f_last_ts = 1u << 14, f_last_off = 1u << 15,
    f_all = (1u << 16) - 1,
  };
  unsigned seen = 0;
  for (auto fr : obj) {
    od::field f;
    if (std::move(fr).get(f)) return "bad JSON";
    const auto key = f.key();
    auto& v = f.value();
    std::string_view text;
    auto bad = [&](std::string_view name) { return "field '" + std::string(name) + "' has a bad value"; };
    if (key == "symbol") {
      if (v.get_string().get(text) || !is_valid_symbol(text)) return bad("symbol");
      out.symbol.assign(text);
      seen |= f_symbol;
    } else if (key == "interval") {
      if (v.get_string().get(text)) return bad("interval");
      auto iv = parse_interval(text);
      if (!iv.ok) return iv.error;
      out.iv = iv.value;
      seen |= f_interval;
    } else if (key == "openTimeNs") {
      if (v.get_int64().get(out.open_time)) return bad("openTimeNs");
      seen |= f_open_ns;
    } else if (key == "closeTimeNs") {
      if (v.get_int64().get(out.close_time)) return bad("closeTimeNs");
      seen |= f_close_ns;
    } else if (key == "open") {
      if (v.get_double().get(out.bar.open)) return bad("open");
      seen |= f_open;
    } else if (key == "high") {
      if (v.get_double().get(out.bar.high)) return bad("high");
      seen |= f_high;
    } else if (key == "low") {
      if (v.get_double().get(out.bar.low)) return bad("low");
      seen |= f_low;
    } else if (key == "close") {
      if (v.get_double().get(out.bar.close)) return bad("close");
      seen |= f_close;
    } else if (key == "volume") {
      if (v.get_uint64().get(out.bar.volume)) return bad("volume");
      seen |= f_volume;
    } else if (key == "bidSize") {
      if (!get_size(v, out.bar.bid_size)) return bad("bidSize");
      seen |= f_bid;
    } else if (key == "askSize") {
      if (!get_size(v, out.bar.ask_size)) return bad("askSize");
      seen |= f_ask;
    } else if (key == "closed") {
      if (v.get_bool().get(out.closed)) return bad("closed");
      seen |= f_closed;
    } else if (key == "firstTs") {
      if (v.get_int64().get(out.bar.first.ts)) return bad("firstTs");
      seen |= f_first_ts;
    } else if (key == "firstOffset") {
      if (v.get_int64().get(out.bar.first.offset)) return bad("firstOffset");
      seen |= f_first_off;
    } else if (key == "lastTs") {
      if (v.get_int64().get(out.bar.last.ts)) return bad("lastTs");
      seen |= f_last_ts;
    } else if (key == "lastOffset") {
      if (v.get_int64().get(out.bar.last.offset)) return bad("lastOffset");
      seen |= f_last_off;
    }
  }
  if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS) return "trailing content after the JSON object";
  if (seen != f_all) return "a required candle field is missing";
  return check_candle(out);
}

} // namespace cs
