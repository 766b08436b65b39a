#include "console_watch.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>

#include "console_render.hpp"

namespace cs::console {

watch_tracker::watch_tracker(std::string symbol, std::string interval) : symbol_(std::move(symbol)), interval_(std::move(interval)) {}

std::vector<std::string> watch_tracker::update(std::string_view inspect_json, std::string_view clock, bool json) {
  std::vector<std::string> lines;
  const auto j = nlohmann::json::parse(inspect_json, nullptr, false);
  if (!j.is_object()) return lines;
  const auto live = j.find("live");
  if (live == j.end() || !live->is_array()) return lines;
  const auto symbol = j.contains("symbol") ? cell(j, "symbol") : symbol_;
  const auto interval = j.contains("interval") ? cell(j, "interval") : interval_;
  const auto events = j.find("events_applied");
  std::map<std::string, std::string> now;
  for (const auto& c : *live) {
    if (!c.is_object()) continue;
    const auto open_time = cell(c, "open_time");
    auto text = c.dump();
    const auto before = last_.find(open_time);
    if (before == last_.end() || before->second != text) {
      if (json) {
        nlohmann::json line{{"time", std::string(clock)}, {"symbol", symbol}, {"interval", interval}, {"candle", c}};
        if (events != j.end()) line["events_applied"] = *events;
        lines.push_back(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      } else {
        lines.push_back(std::string(clock) + " " + symbol + " " + interval + " " + open_time + " " + cell(c, "open") + " " + cell(c, "high") +
                        " " + cell(c, "low") + " " + cell(c, "close") + " " + cell(c, "volume") +
                        " events=" + (events == j.end() ? std::string("-") : cell(*events)));
      }
    }
    now.emplace(open_time, std::move(text));
  }
  // Candles that became final leave the live list; forgetting them keeps the map to the live few.
  last_ = std::move(now);
  return lines;
}

std::string format_clock(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm local{};
  localtime_r(&secs, &local);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d.%03d", local.tm_hour, local.tm_min, local.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

} // namespace cs::console
