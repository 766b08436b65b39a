#include "actors/http_gateway/series_reader.hpp"

#include <caf/all.hpp>

#include <algorithm>

namespace cs::gateway {

std::vector<candle_actor_hdl> series_reader::owner(caf::scoped_actor& self, const candle_key& key) const {
  std::vector<candle_actor_hdl> found;
  self->request(directory_, timeout_, lookup_atom::value, key)
    .receive([&](std::vector<candle_actor_hdl>& v) { found = std::move(v); }, [&](caf::error&) {});
  return found;
}

series_answer series_reader::read(caf::scoped_actor& self, const series_query& q) const {
  series_answer out;
  auto fail = [&](int status, std::string code, std::string message) {
    out.status = status;
    out.error_code = std::move(code);
    out.error = std::move(message);
    return out;
  };
  recent_candles recent;
  bool live = false;
  if (auto owners = owner(self, q.key); !owners.empty()) {
    caf::error failed;
    self->request(owners.front(), timeout_, recent_atom::value)
      .receive([&](recent_candles& r) { recent = std::move(r); live = true; }, [&](caf::error& e) { failed = e; });
    if (!live) return fail(503, "owner_unavailable", "the candle actor of " + q.key.symbol + " did not answer: " + caf::to_string(failed));
  }
  range_request rq{q.key, q.from, q.to, live ? recent.committed_frontier : no_frontier, q.limit, q.newest};
  range_reply finals;
  caf::error failed;
  bool ok = false;
  self->request(cache_, timeout_, range_atom::value, rq)
    .receive([&](range_reply& r) { finals = std::move(r); ok = true; }, [&](caf::error& e) { failed = e; });
  if (!ok) return fail(503, "store_unavailable", "reading stored candles failed: " + caf::to_string(failed));

  out.known = live || finals.series_known || !finals.candles.empty();
  out.tiers = finals.tiers;
  out.frontier = live && recent.frontier != no_frontier ? recent.frontier : finals.complete_to;
  out.candles = std::move(finals.candles);
  out.truncated = finals.truncated;
  // The actor's candles start at the committed frontier, where the cache's end.
  for (auto& c : recent.candles)
    if (c.open_time >= q.from && c.open_time < q.to && c.open_time >= finals.complete_to) out.candles.push_back(std::move(c));
  const auto limit = static_cast<std::size_t>(std::max<std::int64_t>(q.limit, 0));
  if (out.candles.size() > limit) {
    out.truncated = true;
    if (q.newest) out.candles.erase(out.candles.begin(), out.candles.end() - static_cast<std::ptrdiff_t>(limit));
    else out.candles.resize(limit);
  }
  return out;
}

} // namespace cs::gateway
