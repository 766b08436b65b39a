#include "node_metrics.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "runtime/metrics/process_metrics.hpp"

namespace cs::node {
namespace {

using runtime::metrics::kind;

} // namespace

node_metrics::node_metrics(caf::actor_system& sys, caf::actor consumer, cache_hdl cache)
  : sys_(sys), consumer_(std::move(consumer)), cache_(std::move(cache)) {
  auto& r = registry_;
  const std::vector<std::string> p = {"partition"};
  r.declare("candlestream_events_consumed_total", kind::counter, "Events decoded from the events topic (valid and invalid), per partition.", p);
  r.declare("candlestream_events_invalid_total", kind::counter, "Invalid events sent to the dead-letter topic, per partition and reason.", {"partition", "reason"});
  r.declare("candlestream_events_late_total", kind::counter, "Events late for at least one interval, per partition.", p);
  r.declare("candlestream_events_duplicate_total", kind::counter, "Redelivered events ignored, per partition.", p);
  r.declare("candlestream_checkpoints_total", kind::counter, "Checkpoints committed to PostgreSQL, per partition.", p);
  r.declare("candlestream_partition_restarts_total", kind::counter, "Restarts of a partition from its last checkpoint, per partition.", p);
  r.declare("candlestream_candles_published_total", kind::counter, "Final candles produced to the candles topic, per partition.", p);
  r.declare("candlestream_partition_next_offset", kind::gauge, "Next offset the partition's reader expects.", p);
  r.declare("candlestream_partition_committed_offset", kind::gauge, "Offset up to which the partition is checkpointed in PostgreSQL.", p);
  r.declare("candlestream_partition_watermark_seconds", kind::gauge, "Event-time watermark of the partition (epoch seconds).", p);
  r.declare("candlestream_partitions_assigned", kind::gauge, "Partitions this node owns.", {});
  r.declare("candlestream_candle_actors", kind::gauge, "Candle actors alive on this node.", {});
  r.declare("candlestream_cache_hits_total", kind::counter, "Read-path cache hits, per tier (l1 blocks, l1 answers, l2).", {"tier"});
  r.declare("candlestream_cache_misses_total", kind::counter, "Read-path cache misses, per tier.", {"tier"});
  r.declare("candlestream_cache_errors_total", kind::counter, "Read-path errors, per tier (l2: Redis, postgres).", {"tier"});
  r.declare("candlestream_cache_evictions_total", kind::counter, "L1 entries dropped to make room.", {});
  r.declare("candlestream_cache_l1_entries", kind::gauge, "L1 blocks held.", {});
  r.declare("candlestream_cache_postgres_reads_total", kind::counter, "PostgreSQL reads of the read path.", {});
  r.declare("candlestream_cache_l2_up", kind::gauge, "1 when the last L2 (Redis) operation succeeded.", {});
  r.declare("candlestream_scrape_errors_total", kind::counter, "Actors that did not answer a metrics scrape in time.", {"actor"});
  runtime::metrics::add_process_metrics(r);
  r.add_collector([this](runtime::metrics::registry& reg) { collect_partitions(reg); });
  r.add_collector([this](runtime::metrics::registry& reg) { collect_cache(reg); });
}

void node_metrics::collect_partitions(runtime::metrics::registry& r) {
  caf::scoped_actor self{sys_};
  std::string stats;
  bool ok = false;
  self->request(consumer_, timeout_, stats_atom::value)
    .receive([&](std::string& s) { stats = std::move(s); ok = true; }, [&](caf::error&) {});
  if (!ok) return r.counter_of("candlestream_scrape_errors_total", {"kafka_consumer"}).inc();
  const auto parts = nlohmann::json::parse(stats, nullptr, false);
  if (!parts.is_array()) return;
  double actors = 0;
  for (const auto& p : parts) {
    const std::string id = std::to_string(p.value("partition", -1));
    auto total = [&](const char* name, double v) { r.counter_of(name, {id}).set_total(v); };
    total("candlestream_events_consumed_total", p.value("valid", 0.0) + p.value("invalid", 0.0));
    total("candlestream_events_late_total", p.value("late", 0.0));
    total("candlestream_events_duplicate_total", p.value("duplicate", 0.0));
    total("candlestream_checkpoints_total", p.value("checkpoints", 0.0));
    total("candlestream_partition_restarts_total", p.value("restarts", 0.0));
    total("candlestream_candles_published_total", p.value("candles_published", 0.0));
    if (p.contains("invalid_by_reason"))
      for (const auto& [reason, n] : p["invalid_by_reason"].items())
        r.counter_of("candlestream_events_invalid_total", {id, reason}).set_total(n.get<double>());
    r.gauge_of("candlestream_partition_next_offset", {id}).set(p.value("next_offset", 0.0));
    r.gauge_of("candlestream_partition_committed_offset", {id}).set(p.value("committed_offset", 0.0));
    r.gauge_of("candlestream_partition_watermark_seconds", {id}).set(p.value("watermark", 0.0) / 1e9);
    actors += p.value("candle_actors", 0.0);
  }
  r.gauge_of("candlestream_partitions_assigned").set(static_cast<double>(parts.size()));
  r.gauge_of("candlestream_candle_actors").set(actors);
}

void node_metrics::collect_cache(runtime::metrics::registry& r) {
  caf::scoped_actor self{sys_};
  cache_stats c;
  bool ok = false;
  self->request(cache_, timeout_, stats_atom::value).receive([&](cache_stats& s) { c = s; ok = true; }, [&](caf::error&) {});
  if (!ok) return r.counter_of("candlestream_scrape_errors_total", {"cache"}).inc();
  r.counter_of("candlestream_cache_hits_total", {"l1"}).set_total(static_cast<double>(c.l1_hits));
  r.counter_of("candlestream_cache_misses_total", {"l1"}).set_total(static_cast<double>(c.l1_misses));
  r.counter_of("candlestream_cache_hits_total", {"l2"}).set_total(static_cast<double>(c.l2_hits));
  r.counter_of("candlestream_cache_misses_total", {"l2"}).set_total(static_cast<double>(c.l2_misses));
  r.counter_of("candlestream_cache_errors_total", {"l2"}).set_total(static_cast<double>(c.l2_errors));
  r.counter_of("candlestream_cache_errors_total", {"postgres"}).set_total(static_cast<double>(c.postgres_errors));
  r.counter_of("candlestream_cache_evictions_total").set_total(static_cast<double>(c.l1_evictions));
  r.counter_of("candlestream_cache_postgres_reads_total").set_total(static_cast<double>(c.postgres_reads));
  r.gauge_of("candlestream_cache_l1_entries").set(static_cast<double>(c.l1_size));
  r.gauge_of("candlestream_cache_l2_up").set(c.l2_up ? 1 : 0);
}

} // namespace cs::node
