#include "node_metrics.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

#include "dependency_checks.hpp"
#include "actors/live_push/ws_server.hpp"
#include "node_pipeline.hpp"
#include "runtime/metrics/process_metrics.hpp"

namespace cs::node {
namespace {

using runtime::metrics::kind;
using runtime::metrics::registry;

void declare_families(registry& r) {
  const std::vector<std::string> p = {"partition"};
  // Ingest, per partition (the readers' counters, read at scrape time).
  r.declare("candlestream_events_consumed_total", kind::counter, "Events decoded from the events topic (valid and invalid), per partition.", p);
  r.declare("candlestream_events_invalid_total", kind::counter, "Invalid events sent to the dead-letter topic, per partition and reason.", {"partition", "reason"});
  r.declare("candlestream_events_late_total", kind::counter, "Events late for at least one interval, per partition.", p);
  r.declare("candlestream_events_duplicate_total", kind::counter, "Redelivered events ignored, per partition.", p);
  r.declare("candlestream_candles_finalised_total", kind::counter, "Final candles committed to PostgreSQL, per interval.", {"interval"});
  r.declare("candlestream_candles_published_total", kind::counter, "Final candles produced to the candles topic, per partition.", p);
  r.declare("candlestream_checkpoints_total", kind::counter, "Checkpoints committed to PostgreSQL, per partition.", p);
  r.declare("candlestream_checkpoint_failures_total", kind::counter, "Checkpoints that failed (collect timeout, Kafka publish, PostgreSQL commit), per partition; each restarts the partition.", p);
  r.declare("candlestream_checkpoint_duration_seconds", kind::histogram, "Checkpoints from their collect to their commit.", {}, registry::latency_buckets());
  r.declare("candlestream_partition_restarts_total", kind::counter, "Restarts of a partition from its last checkpoint, per partition.", p);
  r.declare("candlestream_restarts_total", kind::counter, "Partition restarts from the last checkpoint on this node since it started, per reason.", {"reason"});
  r.declare("candlestream_partition_next_offset", kind::gauge, "Next offset the partition's reader expects.", p);
  r.declare("candlestream_partition_committed_offset", kind::gauge, "Offset up to which the partition is checkpointed in PostgreSQL.", p);
  r.declare("candlestream_partition_watermark_seconds", kind::gauge, "Event-time watermark of the partition (epoch seconds).", p);
  r.declare("candlestream_kafka_high_watermark", kind::gauge, "Offset after the partition's last record, as of the consumer's last fetch.", p);
  r.declare("candlestream_kafka_consumer_lag", kind::gauge, "Records in the partition not yet read by this node (high watermark - next offset).", p);
  r.declare("candlestream_kafka_records_polled_total", kind::counter, "Records the poll thread took from librdkafka for a partition it reads (redeliveries after a seek included).", {});
  r.declare("candlestream_kafka_batches_total", kind::counter, "Batches the poll thread handed to the partition readers.", {});
  r.declare("candlestream_kafka_pauses_total", kind::counter, "Times the poll thread paused a partition because its reader was behind (kafka.max-inflight-batches).", {});
  r.declare("candlestream_kafka_consume_errors_total", kind::counter, "Errors librdkafka returned in place of a record (mostly transient broker connection errors).", {});
  r.declare("candlestream_partition_paused", kind::gauge, "1 while fetching the partition is paused (its reader is behind or re-claiming).", p);
  r.declare("candlestream_partitions_paused", kind::gauge, "Partitions of this node whose fetching is paused.", {});
  r.declare("candlestream_partitions_assigned", kind::gauge, "Partitions this node owns.", {});
  r.declare("candlestream_candle_actors", kind::gauge, "Candle actors alive on this node.", {});
  r.declare("candlestream_mailbox_max", kind::gauge, "Largest mailbox (messages waiting) among the node's actors of a kind.", {"actor"});
  // PostgreSQL and Kafka writes.
  r.declare("candlestream_postgres_batch_duration_seconds", kind::histogram, "Checkpoint transactions in PostgreSQL, retries included.", {}, registry::latency_buckets());
  r.declare("candlestream_postgres_batch_rows_total", kind::counter, "Candle rows (final and live) written by checkpoint transactions.", {});
  r.declare("candlestream_publisher_in_flight", kind::gauge, "Records of the running publish request not yet acknowledged by Kafka.", {});
  r.declare("candlestream_publisher_delivery_failures_total", kind::counter, "Kafka delivery reports with an error.", {});
  r.declare("candlestream_publisher_records_acknowledged_total", kind::counter, "Records Kafka acknowledged, in publish requests that succeeded.", {});
  r.declare("candlestream_publisher_records_dropped_total", kind::counter, "Dead-letter or late records too large for Kafka even cut, dropped.", {});
  // Read path.
  r.declare("candlestream_cache_hits_total", kind::counter, "Read-path cache hits, per tier (l1 blocks, l1 answers, l2).", {"tier"});
  r.declare("candlestream_cache_misses_total", kind::counter, "Read-path cache misses, per tier.", {"tier"});
  r.declare("candlestream_cache_errors_total", kind::counter, "Read-path errors, per tier (l2: Redis, postgres).", {"tier"});
  r.declare("candlestream_cache_evictions_total", kind::counter, "L1 entries dropped to make room.", {});
  r.declare("candlestream_cache_l1_entries", kind::gauge, "L1 blocks held.", {});
  r.declare("candlestream_cache_postgres_reads_total", kind::counter, "PostgreSQL reads of the read path.", {});
  r.declare("candlestream_cache_l2_up", kind::gauge, "1 when the last L2 (Redis) operation succeeded.", {});
  // Live push (WebSocket /ws).
  r.declare("candlestream_ws_sessions", kind::gauge, "WebSocket sessions open.", {});
  r.declare("candlestream_ws_sessions_total", kind::counter, "WebSocket sessions accepted.", {});
  r.declare("candlestream_ws_refused_total", kind::counter, "WebSocket handshakes refused by the session limits.", {});
  r.declare("candlestream_ws_messages_sent_total", kind::counter, "WebSocket frames sent (candles, acks, errors).", {});
  r.declare("candlestream_ws_slow_client_drops_total", kind::counter, "WebSocket sessions closed for not keeping up (1008).", {});
  r.declare("candlestream_ws_bad_frames_total", kind::counter, "WebSocket client frames answered with an error frame.", {});
  r.declare("candlestream_ws_resumes_total", kind::counter, "History reads for WebSocket resumes (since, or after a re-watch).", {});
  // The node itself.
  r.declare("candlestream_dependency_up", kind::gauge, "1 when the dependency answered its readiness check at the scrape.", {"dependency"});
  r.declare("candlestream_scrape_errors_total", kind::counter, "Actors that did not answer a metrics scrape in time.", {"actor"});
  runtime::metrics::add_process_metrics(r);
}

// The readers' stats (JSON, through the kafka_consumer actor) joined with what the poll thread
// saw of each partition.
void collect_partitions(registry& r, caf::actor_system& sys, const node_pipeline& pipeline, std::chrono::seconds timeout) {
  caf::scoped_actor self{sys};
  std::string stats;
  bool ok = false;
  self->request(pipeline.consumer(), timeout, stats_atom::value)
    .receive([&](std::string& s) { stats = std::move(s); ok = true; }, [&](caf::error&) {});
  if (!ok) return r.counter_of("candlestream_scrape_errors_total", {"kafka_consumer"}).inc();
  const auto parts = nlohmann::json::parse(stats, nullptr, false);
  if (!parts.is_array()) return;
  // Only the partitions this node holds now are shown: one that moved to another node is that
  // node's to report (its counters restart there from its checkpoint, a counter reset).
  for (const char* name :
       {"candlestream_events_consumed_total", "candlestream_events_invalid_total", "candlestream_events_late_total",
        "candlestream_events_duplicate_total", "candlestream_checkpoints_total", "candlestream_checkpoint_failures_total",
        "candlestream_partition_restarts_total", "candlestream_candles_published_total", "candlestream_partition_next_offset",
        "candlestream_partition_committed_offset", "candlestream_partition_watermark_seconds", "candlestream_kafka_high_watermark",
        "candlestream_kafka_consumer_lag", "candlestream_partition_paused"})
    r.forget_series(name);
  std::map<std::int32_t, poll_loop::partition_view> views;
  for (const auto& v : pipeline.partition_views()) views[v.partition] = v;
  double actors = 0, mailbox_max = 0, paused = 0;
  for (const auto& p : parts) {
    const auto partition = p.value("partition", -1);
    const std::string id = std::to_string(partition);
    auto total = [&](const char* name, double v) { r.counter_of(name, {id}).set_total(v); };
    total("candlestream_events_consumed_total", p.value("valid", 0.0) + p.value("invalid", 0.0));
    total("candlestream_events_late_total", p.value("late", 0.0));
    total("candlestream_events_duplicate_total", p.value("duplicate", 0.0));
    total("candlestream_checkpoints_total", p.value("checkpoints", 0.0));
    total("candlestream_checkpoint_failures_total", p.value("checkpoint_failures", 0.0));
    total("candlestream_partition_restarts_total", p.value("restarts", 0.0));
    total("candlestream_candles_published_total", p.value("candles_published", 0.0));
    if (p.contains("invalid_by_reason"))
      for (const auto& [reason, n] : p["invalid_by_reason"].items())
        r.counter_of("candlestream_events_invalid_total", {id, reason}).set_total(n.get<double>());
    const double next = p.value("next_offset", 0.0);
    r.gauge_of("candlestream_partition_next_offset", {id}).set(next);
    r.gauge_of("candlestream_partition_committed_offset", {id}).set(p.value("committed_offset", 0.0));
    r.gauge_of("candlestream_partition_watermark_seconds", {id}).set(p.value("watermark", 0.0) / 1e9);
    if (auto v = views.find(partition); v != views.end()) {
      r.gauge_of("candlestream_partition_paused", {id}).set(v->second.paused ? 1 : 0);
      paused += v->second.paused ? 1 : 0;
      if (v->second.high_watermark >= 0) {
        const auto high = static_cast<double>(v->second.high_watermark);
        r.gauge_of("candlestream_kafka_high_watermark", {id}).set(high);
        // A reader still claiming has no next offset yet: no lag until it knows where it is.
        if (p.contains("next_offset")) r.gauge_of("candlestream_kafka_consumer_lag", {id}).set(std::max(0.0, high - next));
      }
    }
    actors += p.value("candle_actors", 0.0);
    mailbox_max = std::max(mailbox_max, p.value("mailbox", 0.0));
  }
  const auto polled = pipeline.poll_counters();
  r.counter_of("candlestream_kafka_records_polled_total").set_total(static_cast<double>(polled.records));
  r.counter_of("candlestream_kafka_batches_total").set_total(static_cast<double>(polled.batches));
  r.counter_of("candlestream_kafka_pauses_total").set_total(static_cast<double>(polled.pauses));
  r.counter_of("candlestream_kafka_consume_errors_total").set_total(static_cast<double>(polled.errors));
  r.gauge_of("candlestream_partitions_assigned").set(static_cast<double>(parts.size()));
  r.gauge_of("candlestream_partitions_paused").set(paused);
  r.gauge_of("candlestream_candle_actors").set(actors);
  r.gauge_of("candlestream_mailbox_max", {"partition_reader"}).set(mailbox_max);
}

void collect_cache(registry& r, caf::actor_system& sys, const cache_hdl& cache, std::chrono::seconds timeout) {
  caf::scoped_actor self{sys};
  cache_stats c;
  bool ok = false;
  self->request(cache, timeout, stats_atom::value).receive([&](cache_stats& s) { c = s; ok = true; }, [&](caf::error&) {});
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

void collect_publisher(registry& r, const publisher_counters& c) {
  r.gauge_of("candlestream_publisher_in_flight").set(static_cast<double>(std::max<std::int64_t>(0, c.in_flight.load())));
  r.counter_of("candlestream_publisher_delivery_failures_total").set_total(static_cast<double>(c.delivery_failures.load()));
  r.counter_of("candlestream_publisher_records_acknowledged_total").set_total(static_cast<double>(c.published.load()));
  r.counter_of("candlestream_publisher_records_dropped_total").set_total(static_cast<double>(c.dropped.load()));
}

} // namespace

node_metrics::node_metrics() { declare_families(registry_); }

void node_metrics::attach(caf::actor_system& sys, const node_pipeline& pipeline, dependency_checks& deps) {
  const auto timeout = timeout_;
  registry_.add_collector([&sys, &pipeline, timeout](runtime::metrics::registry& r) { collect_partitions(r, sys, pipeline, timeout); });
  registry_.add_collector([&sys, &pipeline, timeout](runtime::metrics::registry& r) { collect_cache(r, sys, pipeline.cache(), timeout); });
  registry_.add_collector([&pipeline](runtime::metrics::registry& r) { collect_publisher(r, pipeline.publisher_stats()); });
  registry_.add_collector([&deps](runtime::metrics::registry& r) {
    for (const auto& d : deps.run()) r.gauge_of("candlestream_dependency_up", {d.name}).set(d.ok ? 1 : 0);
  });
}

void node_metrics::attach_ws(const live::ws_server& ws) {
  registry_.add_collector([&ws](runtime::metrics::registry& r) {
    const auto c = ws.stats();
    r.gauge_of("candlestream_ws_sessions").set(static_cast<double>(c.sessions));
    r.counter_of("candlestream_ws_sessions_total").set_total(static_cast<double>(c.sessions_total));
    r.counter_of("candlestream_ws_refused_total").set_total(static_cast<double>(c.refused));
    r.counter_of("candlestream_ws_messages_sent_total").set_total(static_cast<double>(c.messages_sent));
    r.counter_of("candlestream_ws_slow_client_drops_total").set_total(static_cast<double>(c.slow_drops));
    r.counter_of("candlestream_ws_bad_frames_total").set_total(static_cast<double>(c.bad_frames));
    r.counter_of("candlestream_ws_resumes_total").set_total(static_cast<double>(c.resumes));
  });
}

} // namespace cs::node
