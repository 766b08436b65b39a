#include "actors/http_gateway/series_reader.hpp"

#include <caf/all.hpp>

#include <algorithm>

namespace cs::gateway {

timestamp_ns series_reader::known_committed(const candle_key& key) const {
  std::lock_guard lock(committed_mutex_);
  auto it = committed_.find(key);
  return it == committed_.end() ? no_frontier : it->second;
}

void series_reader::note_committed(const candle_key& key, timestamp_ns f) const {
  if (f == no_frontier) return;
  std::lock_guard lock(committed_mutex_);
  auto& slot = committed_.try_emplace(key, f).first->second;
  slot = std::max(slot, f);
}

std::vector<candle_actor_hdl> series_reader::owner(caf::scoped_actor& self, const candle_key& key) const {
  std::vector<candle_actor_hdl> found;
  self->request(directory_, timeout_, lookup_atom::value, key)
    .receive([&](std::vector<candle_actor_hdl>& v) { found = std::move(v); }, [&](caf::error&) {});
  return found;
}

key_owner series_reader::where(caf::scoped_actor& self, const candle_key& key) const {
  key_owner out;
  self->request(directory_, timeout_, where_atom::value, key).receive([&](key_owner& o) { out = std::move(o); }, [&](caf::error&) {});
  return out;
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
  const auto committed = known_committed(q.key);
  const bool all_committed = committed != no_frontier && q.to <= committed;
  if (all_committed) {
    recent.committed_frontier = recent.frontier = committed; // nothing to ask the actor
  } else if (auto owners = owner(self, q.key); !owners.empty()) {
    caf::error failed;
    self->request(owners.front(), timeout_, recent_atom::value)
      .receive([&](recent_candles& r) { recent = std::move(r); live = true; }, [&](caf::error& e) { failed = e; });
    if (!live) return fail(503, "owner_unavailable", "the candle actor of " + q.key.symbol + " did not answer: " + caf::to_string(failed));
  }
  if (live) note_committed(q.key, recent.committed_frontier);
  const bool frontier_known = live || all_committed;
  range_request rq{q.key, q.from, q.to, frontier_known ? recent.committed_frontier : no_frontier, q.limit, q.newest};
  range_reply finals;
  caf::error failed;
  bool ok = false;
  self->request(cache_, timeout_, range_atom::value, rq)
    .receive([&](range_reply& r) { finals = std::move(r); ok = true; }, [&](caf::error& e) { failed = e; });
  if (!ok) return fail(503, "store_unavailable", "reading stored candles failed: " + caf::to_string(failed));

  out.known = live || all_committed || finals.series_known || !finals.candles.empty();
  out.immutable = all_committed;
  out.tiers = finals.tiers;
  out.frontier = frontier_known && recent.frontier != no_frontier ? recent.frontier : finals.complete_to;
  out.candles = std::move(finals.candles);
  out.truncated = finals.truncated;
  // The actor's candles start at the committed frontier, where the cache's end.
  for (const auto& c : recent.candles)
    if (c.open_time >= q.from && c.open_time < q.to && c.open_time >= finals.complete_to) out.candles.push_back(c);
  const auto limit = static_cast<std::size_t>(std::max<std::int64_t>(q.limit, 0));
  if (out.candles.size() > limit) {
    out.truncated = true;
    if (q.newest) out.candles.keep(out.candles.size() - limit, out.candles.size());
    else out.candles.keep(0, limit);
  }
  return out;
}

} // namespace cs::gateway
