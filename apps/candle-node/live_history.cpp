#include "live_history.hpp"

#include <caf/scoped_actor.hpp>

#include <limits>
#include <memory>

#include "actors/http_gateway/series_reader.hpp"

namespace cs::node {

live::history_reader make_history_reader(caf::actor_system& sys, directory_hdl directory, cache_hdl cache,
                                         std::chrono::nanoseconds timeout, std::int64_t page, std::int64_t max_candles) {
  auto reader = std::make_shared<gateway::series_reader>(std::move(directory), std::move(cache), timeout);
  return [&sys, reader, page, max_candles](const candle_key& key, timestamp_ns since) {
    live::history_result out;
    caf::scoped_actor self{sys};
    gateway::series_query q;
    q.key = key;
    q.from = since + 1;
    q.to = std::numeric_limits<timestamp_ns>::max() / 2; // everything final up to now
    q.limit = page;
    while (true) {
      auto a = reader->read(self, q);
      if (a.status != 200 && a.status != 404) {
        out.error = a.error.empty() ? "read failed (" + std::to_string(a.status) + ")" : a.error;
        return out;
      }
      for (const auto& c : a.candles.items())
        if (c.closed) out.finals.push_back(c);
      if (!a.truncated || a.candles.empty()) return out;
      if (static_cast<std::int64_t>(out.finals.size()) >= max_candles) {
        out.error = "more than " + std::to_string(max_candles) + " final candles since the resume position";
        return out;
      }
      q.from = a.candles.back().open_time + 1;
    }
  };
}

} // namespace cs::node
