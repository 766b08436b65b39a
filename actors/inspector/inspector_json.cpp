#include "actors/inspector/inspector_json.hpp"

#include <algorithm>
#include <map>

#include "messages/iso8601.hpp"
#include "messages/partition_snapshot.hpp"
#include "messages/pipeline.hpp"

namespace cs::console {

namespace {

nlohmann::json time_or_null(timestamp_ns t, bool known) { return known ? nlohmann::json(format_iso8601(t)) : nlohmann::json(nullptr); }

double rate(std::uint64_t hits, std::uint64_t misses) {
  return hits + misses == 0 ? 0.0 : static_cast<double>(hits) / static_cast<double>(hits + misses);
}

// Reader stats fields that are counters (summed by `stats`); the others are positions or states.
constexpr const char* summed_fields[] = {"valid",       "invalid",    "late",           "fully_late",   "duplicate",
                                         "gaps",        "checkpoints", "restarts",      "candle_actors", "candle_actors_retired",
                                         "collects_sent", "advances_sent", "checkpoint_failures", "fences", "stalls",
                                         "candles_published", "mailbox"};

} // namespace

nlohmann::json nodes_answer(const node_identity& self, const nlohmann::json& readers, timestamp_ns now) {
  std::vector<std::int64_t> partitions;
  for (const auto& r : readers) partitions.push_back(r.value("partition", -1));
  std::sort(partitions.begin(), partitions.end());
  std::vector<std::string> intervals;
  for (const auto& iv : self.intervals) intervals.push_back(iv.to_string());
  return {{"nodes",
           nlohmann::json::array({{{"name", self.name},
                                   {"roles", self.roles},
                                   {"console", self.console_address},
                                   {"http", self.http_address},
                                   {"uptime_seconds", std::max<timestamp_ns>(0, now - self.started_at) / ns_per_s},
                                   {"partitions", partitions},
                                   {"intervals", intervals},
                                   {"faults", self.faults}}})}};
}

nlohmann::json partitions_answer(const std::string& node, const nlohmann::json& readers, const std::vector<partition_log>& logs) {
  std::map<std::int64_t, nlohmann::json> rows;
  for (const auto& r : readers) {
    const auto p = r.value("partition", std::int64_t{-1});
    const bool has_watermark = r.contains("watermark") && r["watermark"].is_number() && r["watermark"].get<std::int64_t>() != no_watermark;
    nlohmann::json row{{"partition", p},
                       {"node", node},
                       {"state", r.value("state", "")},
                       {"epoch", r.value("epoch", 0)},
                       {"next_offset", r.contains("next_offset") ? r["next_offset"] : nlohmann::json(nullptr)},
                       {"committed_offset", r.contains("committed_offset") ? r["committed_offset"] : nlohmann::json(nullptr)},
                       {"watermark", time_or_null(has_watermark ? r["watermark"].get<std::int64_t>() : 0, has_watermark)},
                       {"log_end", nullptr},
                       {"lag", nullptr},
                       {"paused", false}};
    if (!r.value("reason", std::string()).empty()) row["reason"] = r["reason"];
    rows.emplace(p, std::move(row));
  }
  for (const auto& l : logs) {
    auto it = rows.find(l.partition);
    if (it == rows.end()) continue; // assigned to the poll thread, its reader not started yet
    auto& row = it->second;
    row["paused"] = l.paused;
    if (l.log_end >= 0) {
      row["log_end"] = l.log_end;
      if (row["next_offset"].is_number()) row["lag"] = std::max<std::int64_t>(0, l.log_end - row["next_offset"].get<std::int64_t>());
    }
  }
  nlohmann::json out = nlohmann::json::array();
  for (auto& [p, row] : rows) out.push_back(std::move(row));
  return {{"partitions", std::move(out)}};
}

nlohmann::json actors_answer(const std::string& node, const std::vector<candle_key>& keys, std::uint64_t total) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& k : keys) rows.push_back({{"symbol", k.symbol}, {"interval", k.iv.to_string()}, {"node", node}});
  return {{"actors", std::move(rows)}, {"total", total}, {"shown", keys.size()}};
}

nlohmann::json candle_live_json(const candle& c) {
  const auto& b = c.bar;
  return {{"open_time", format_iso8601(c.open_time)},
          {"close_time", format_iso8601(c.close_time)},
          {"open", b.open},
          {"high", b.high},
          {"low", b.low},
          {"close", b.close},
          {"volume", b.volume},
          {"first_event", {{"time", format_iso8601(b.first.ts)}, {"offset", b.first.offset}}},
          {"last_event", {{"time", format_iso8601(b.last.ts)}, {"offset", b.last.offset}}}};
}

nlohmann::json inspect_answer(const std::string& node, const candle_key& key, const candle_actor_info& info) {
  nlohmann::json live = nlohmann::json::array();
  for (const auto& c : info.live) live.push_back(candle_live_json(c));
  return {{"node", node},
          {"symbol", key.symbol},
          {"interval", key.iv.to_string()},
          {"live", std::move(live)},
          {"events_applied", info.events_applied},
          {"late", info.late},
          {"pending_finals", info.pending_finals},
          {"frontier", time_or_null(info.frontier, info.frontier != no_frontier)},
          {"mailbox", info.mailbox},
          {"watchers", info.watchers},
          {"restarts", info.restarts}};
}

nlohmann::json node_counters(const nlohmann::json& readers, const cache_stats* cache) {
  nlohmann::json out = nlohmann::json::object();
  for (const char* f : summed_fields) {
    std::uint64_t sum = 0;
    for (const auto& r : readers)
      if (r.contains(f) && r[f].is_number_unsigned()) sum += r[f].get<std::uint64_t>();
    out[f] = sum;
  }
  out["partitions"] = readers.size();
  if (cache) {
    out["cache_l1_hits"] = cache->l1_hits;
    out["cache_l1_misses"] = cache->l1_misses;
    out["cache_l2_hits"] = cache->l2_hits;
    out["cache_l2_misses"] = cache->l2_misses;
    out["cache_postgres_reads"] = cache->postgres_reads;
  }
  return out;
}

nlohmann::json stats_answer(const std::string& node, const nlohmann::json& counters) {
  return {{"total", counters}, {"nodes", {{node, counters}}}};
}

nlohmann::json cache_answer(const std::string& node, const cache_stats& c) {
  return {{"nodes",
           {{node,
             {{"l1", {{"size", c.l1_size}, {"hits", c.l1_hits}, {"misses", c.l1_misses}, {"hit_rate", rate(c.l1_hits, c.l1_misses)},
                      {"evictions", c.l1_evictions}, {"expirations", c.l1_expirations}}},
              {"l2", {{"up", c.l2_up}, {"hits", c.l2_hits}, {"misses", c.l2_misses}, {"hit_rate", rate(c.l2_hits, c.l2_misses)},
                      {"errors", c.l2_errors}, {"writes", c.l2_writes}}},
              {"postgres", {{"reads", c.postgres_reads}, {"errors", c.postgres_errors}}}}}}}};
}

} // namespace cs::console
