#pragma once
// `watch SYMBOL INTERVAL`: which live candles changed between two `inspect` answers, and the line
// printed for each. Pure apart from format_clock (the local time zone). Not thread-safe: one
// tracker per watch, used by the thread that polls.
#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cs::console {

class watch_tracker {
public:
  watch_tracker(std::string symbol, std::string interval);

  // Lines for the live candles of an `inspect` answer that are new or differ from the previous
  // answer (every live candle the first time), oldest first, each starting with `clock`:
  // "12:00:01.250 BTCUSD 1m 2024-11-25T12:00:00Z 100 101 99.5 100.5 42 events=1234", or one JSON
  // object per line. An answer without live candles prints nothing.
  std::vector<std::string> update(std::string_view inspect_json, std::string_view clock, bool json);

private:
  std::string symbol_;
  std::string interval_;
  std::map<std::string, std::string> last_; // open_time -> the candle's JSON as last printed
};

// "HH:MM:SS.mmm" in local time.
std::string format_clock(std::chrono::system_clock::time_point t);

} // namespace cs::console
