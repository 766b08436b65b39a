#include "live_history.hpp"

#include <caf/scoped_actor.hpp>

#include <algorithm>
#include <limits>
#include <memory>

#include "actors/http_gateway/series_reader.hpp"

namespace cs::node {

live::history_reader make_history_reader(caf::actor_system& sys, directory_hdl directory, cache_hdl cache,
                                         std::chrono::nanoseconds timeout, std::int64_t max_page) {
  auto reader = std::make_shared<gateway::series_reader>(std::move(directory), std::move(cache), timeout);
  return [&sys, reader, max_page](const candle_key& key, timestamp_ns since, std::size_t limit) {
    live::history_result out;
    caf::scoped_actor self{sys};
    gateway::series_query q;
    q.key = key;
    q.from = since + 1;
    q.to = std::numeric_limits<timestamp_ns>::max() / 2; // everything final up to now
    q.limit = std::clamp<std::int64_t>(static_cast<std::int64_t>(std::min<std::size_t>(limit, max_page)), 1, max_page);
    auto a = reader->read(self, q);
    if (a.status != 200 && a.status != 404) {
      out.error = a.error.empty() ? "read failed (" + std::to_string(a.status) + ")" : a.error;
      return out;
    }
    for (const auto& c : a.candles.items())
      if (c.closed) out.finals.push_back(c);
    out.more = a.truncated && !a.candles.empty();
    return out;
  };
}

} // namespace cs::node
