#include "actors/http_gateway/api_json.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "messages/candle_json.hpp"

namespace cs::api {
namespace {

// Insertion order, so that bodies read in the documented order.
using json = nlohmann::ordered_json;

std::string dump(const json& j) {
  // `replace`: a client's invalid UTF-8 echoed in a message must not throw.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::int64_t to_ms(timestamp_ns t) { return floor_div(t, ns_per_ms); }
std::int64_t to_s(timestamp_ns t) { return floor_div(t, ns_per_s); }

json price(const filled_bar& b, double v) { return b.has_prices ? json(v) : json(nullptr); }

// Shortest first, then by kind, so that "1W" precedes "1M" and 7d precedes 1w.
bool shorter(const interval& a, const interval& b) {
  return a.nominal_length() != b.nominal_length() ? a.nominal_length() < b.nominal_length() : a < b;
}

std::vector<std::string> udf_resolutions(std::vector<interval> ivs) {
  std::sort(ivs.begin(), ivs.end(), shorter);
  ivs.erase(std::unique(ivs.begin(), ivs.end()), ivs.end());
  std::vector<std::string> out;
  for (const interval& iv : ivs)
    if (auto r = to_udf_resolution(iv); !r.empty()) out.push_back(std::move(r));
  return out;
}

} // namespace

std::string encode_error(std::string_view code, std::string_view message) {
  return dump(json{{"error", {{"code", code}, {"message", message}}}});
}

std::string encode_error(const api_error& e) { return encode_error(e.code, e.message); }

void append_bar_json(std::string& out, const filled_bar& bar) {
  const candle& c = bar.c;
  if (!bar.filled) {
    append_candle_json(out, c);
    return;
  }
  json j;
  j["symbol"] = c.symbol;
  j["interval"] = c.iv.to_string();
  j["openTime"] = to_ms(c.open_time);
  j["closeTime"] = to_ms(c.close_time);
  j["open"] = price(bar, c.bar.open);
  j["high"] = price(bar, c.bar.high);
  j["low"] = price(bar, c.bar.low);
  j["close"] = price(bar, c.bar.close);
  j["volume"] = 0;
  j["bidSize"] = 0;
  j["askSize"] = 0;
  j["closed"] = c.closed;
  j["openTimeNs"] = c.open_time;
  j["closeTimeNs"] = c.close_time;
  j["filled"] = true;
  out.append(dump(j));
}

namespace {

// {"symbol":..,"interval":..,"candles":[<items>],"next":..} with the items' JSON spliced in: candle
// JSON is already encoded and must stay byte-exact. The first match of the slot is the key:
// inside an encoded string every '"' is escaped.
template <class AppendItems>
std::string candle_list(std::string_view symbol, interval iv, const std::optional<std::string>& next,
                        std::size_t size_hint, AppendItems&& append_items) {
  json envelope;
  envelope["symbol"] = symbol;
  envelope["interval"] = iv.to_string();
  envelope["candles"] = json::array();
  envelope["next"] = next ? json(*next) : json(nullptr);
  const std::string shell = dump(envelope);
  constexpr std::string_view slot = "\"candles\":[]";
  const auto cut = shell.find(slot) + slot.size() - 1;
  std::string out;
  out.reserve(shell.size() + size_hint);
  out.append(shell, 0, cut);
  append_items(out);
  out.append(shell, cut);
  return out;
}

} // namespace

std::string encode_candle_list(std::string_view symbol, interval iv, const std::vector<filled_bar>& bars,
                               const std::optional<std::string>& next) {
  return candle_list(symbol, iv, next, bars.size() * 384, [&](std::string& out) {
    for (std::size_t i = 0; i < bars.size(); ++i) {
      if (i) out.push_back(',');
      append_bar_json(out, bars[i]);
    }
  });
}

std::string encode_candle_list(std::string_view symbol, interval iv, const encoded_candles& candles,
                               const std::optional<std::string>& next) {
  return candle_list(symbol, iv, next, candles.size() * 384, [&](std::string& out) { candles.append_joined(out); });
}

std::string encode_history(const std::vector<filled_bar>& bars, std::optional<timestamp_ns> next_time) {
  json j;
  if (bars.empty()) {
    j["s"] = "no_data";
    if (next_time) j["nextTime"] = to_s(*next_time);
    return dump(j);
  }
  json t = json::array(), o = json::array(), h = json::array(), l = json::array(), c = json::array(),
       v = json::array();
  for (const filled_bar& b : bars) {
    t.push_back(to_s(b.c.open_time));
    o.push_back(price(b, b.c.bar.open));
    h.push_back(price(b, b.c.bar.high));
    l.push_back(price(b, b.c.bar.low));
    c.push_back(price(b, b.c.bar.close));
    v.push_back(b.filled ? std::uint64_t{0} : b.c.bar.volume);
  }
  j["s"] = "ok";
  j["t"] = std::move(t);
  j["o"] = std::move(o);
  j["h"] = std::move(h);
  j["l"] = std::move(l);
  j["c"] = std::move(c);
  j["v"] = std::move(v);
  return dump(j);
}

std::string encode_udf_config(const std::vector<interval>& supported) {
  json j;
  j["supported_resolutions"] = udf_resolutions(supported);
  j["supports_search"] = true;
  j["supports_group_request"] = false;
  j["supports_marks"] = false;
  j["supports_timescale_marks"] = false;
  j["supports_time"] = true;
  j["exchanges"] = json::array({json{{"value", ""}, {"name", "All"}, {"desc", ""}}});
  j["symbols_types"] = json::array({json{{"name", "All types"}, {"value", ""}}});
  return dump(j);
}

std::string encode_udf_symbol_info(const udf_symbol_info& info) {
  const auto resolutions = udf_resolutions(info.supported);
  std::vector<std::string> seconds, minutes, days;
  bool weekly_or_monthly = false;
  for (const std::string& r : resolutions) {
    const char unit = r.back();
    const std::string count = r.substr(0, r.size() - 1);
    if (unit == 'S') seconds.push_back(count);
    else if (unit == 'D') days.push_back(count);
    else if (unit == 'W' || unit == 'M') weekly_or_monthly = true;
    else minutes.push_back(r);
  }
  json j;
  j["name"] = info.symbol;
  j["ticker"] = info.symbol;
  j["description"] = info.description.empty() ? info.symbol : info.description;
  j["type"] = "crypto";
  j["session"] = "24x7";
  j["timezone"] = "Etc/UTC";
  j["exchange"] = "candlestream";
  j["listed_exchange"] = "candlestream";
  j["format"] = "price";
  j["minmov"] = 1;
  j["pricescale"] = info.pricescale;
  j["has_intraday"] = true;
  j["has_seconds"] = !seconds.empty();
  j["seconds_multipliers"] = seconds;
  j["intraday_multipliers"] = minutes;
  j["has_daily"] = !days.empty();
  j["daily_multipliers"] = days;
  j["has_weekly_and_monthly"] = weekly_or_monthly;
  j["supported_resolutions"] = resolutions;
  j["volume_precision"] = 0;
  j["data_status"] = "streaming";
  return dump(j);
}

std::string encode_udf_search(const std::vector<std::string>& symbols) {
  json arr = json::array();
  for (const std::string& s : symbols)
    arr.push_back(json{{"symbol", s},
                       {"full_name", s},
                       {"description", s},
                       {"exchange", "candlestream"},
                       {"ticker", s},
                       {"type", "crypto"}});
  return dump(arr);
}

std::string encode_symbol_list(const std::vector<series_info>& series) {
  std::vector<const series_info*> sorted;
  sorted.reserve(series.size());
  for (const series_info& s : series) sorted.push_back(&s);
  std::sort(sorted.begin(), sorted.end(), [](const series_info* a, const series_info* b) {
    return a->symbol != b->symbol ? a->symbol < b->symbol : shorter(a->iv, b->iv);
  });
  json symbols = json::array();
  for (const series_info* s : sorted) {
    if (symbols.empty() || symbols.back()["symbol"] != s->symbol)
      symbols.push_back(json{{"symbol", s->symbol}, {"intervals", json::array()}});
    symbols.back()["intervals"].push_back(
      json{{"interval", s->iv.to_string()}, {"first", to_ms(s->first_open_time)}, {"last", to_ms(s->last_open_time)}});
  }
  return dump(json{{"symbols", std::move(symbols)}});
}

} // namespace cs::api
