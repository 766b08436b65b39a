#include "node_pipeline.hpp"

#include <caf/all.hpp>

#include "actors/cache/cache_actor.hpp"
#include "actors/cluster/directory_actor.hpp"
#include "actors/db_writer/db_writer_actor.hpp"
#include "actors/kafka_consumer/gap_verifier.hpp"
#include "actors/kafka_consumer/kafka_consumer_actor.hpp"
#include "actors/publisher/publisher_actor.hpp"
#include "actors/supervisor/root_supervisor.hpp"
#include "messages/atoms.hpp"
#include "runtime/log/log.hpp"
#include "runtime/postgres/connection_params.hpp"
#include "runtime/redis/cluster_client.hpp"

namespace cs::node {
namespace {

constexpr std::string_view component = "candle-node";

reader_config reader_template(const runtime::config& cfg) {
  reader_config r;
  r.topic = cfg.get(runtime::keys::kafka_topic_events);
  r.owner = cfg.get(runtime::keys::node_name);
  r.intervals = cfg.get(runtime::keys::candle_intervals);
  r.clock.allowed_lateness = cfg.get(runtime::keys::candle_allowed_lateness);
  r.clock.idle_timeout = cfg.get(runtime::keys::candle_idle_timeout);
  r.retire_after = cfg.get(runtime::keys::candle_retire_after);
  r.limits.max_future_skew = cfg.get(runtime::keys::candle_max_future_skew);
  r.limits.max_payload_bytes = static_cast<std::size_t>(cfg.get(runtime::keys::candle_max_payload_bytes));
  r.checkpoint_interval = cfg.get(runtime::keys::pipeline_checkpoint_interval);
  r.max_uncheckpointed_events = static_cast<std::uint64_t>(cfg.get(runtime::keys::pipeline_max_uncheckpointed_events));
  r.catch_up_lag = cfg.get(runtime::keys::pipeline_catch_up_lag);
  r.max_diverted_bytes = static_cast<std::uint64_t>(cfg.get(runtime::keys::pipeline_max_diverted_bytes));
  r.commit_timeout = cfg.get(runtime::keys::pipeline_commit_timeout);
  r.claim_timeout = cfg.get(runtime::keys::pipeline_claim_timeout);
  r.watermark_ask_timeout = cfg.get(runtime::keys::pipeline_watermark_ask_timeout);
  r.fenced_reclaim_delay = cfg.get(runtime::keys::kafka_session_timeout);
  // The publisher answers within publish-timeout of starting a request; the margin covers its mailbox.
  r.request_timeout = cfg.get(runtime::keys::pipeline_publish_timeout) + 5 * ns_per_s;
  r.restarts.max_restarts = static_cast<std::size_t>(cfg.get(runtime::keys::pipeline_restart_max));
  r.restarts.window = cfg.get(runtime::keys::pipeline_restart_window);
  r.restarts.initial_backoff = cfg.get(runtime::keys::pipeline_restart_backoff);
  r.faults_enabled = cfg.get(runtime::keys::node_faults);
  r.fault_revoke_checkpoint = cfg.get(runtime::keys::node_fault_revoke_checkpoint);
  return r;
}

db_writer_config db_config(const runtime::config& cfg) {
  auto p = runtime::pg_params_from_config(cfg);
  p.application_name = "candle-node " + cfg.get(runtime::keys::node_name);
  db_writer_config d;
  d.connection_string = runtime::pg_connection_string(p);
  d.retention = cfg.get(runtime::keys::postgres_retention);
  d.known_series = static_cast<std::size_t>(cfg.get(runtime::keys::postgres_known_series));
  d.retry_deadline = cfg.get(runtime::keys::pipeline_commit_timeout);
  d.faults_enabled = cfg.get(runtime::keys::node_faults);
  return d;
}

cache_config cache_settings(const runtime::config& cfg) {
  using namespace runtime::keys;
  cache_config c;
  c.l1.max_entries = static_cast<std::size_t>(cfg.get(cache_l1_max_entries));
  c.l1.ttl = cfg.get(cache_l1_ttl);
  c.loaders = static_cast<std::size_t>(cfg.get(cache_loaders));
  c.series.max_entries = static_cast<std::size_t>(cfg.get(cache_series_entries));
  c.series.ttl = cfg.get(cache_series_refresh);
  c.l2_write_backlog = static_cast<std::size_t>(cfg.get(cache_l2_write_backlog));
  c.request_timeout = cfg.get(http_request_timeout);
  auto p = runtime::pg_params_from_config(cfg);
  p.application_name = "candle-node " + cfg.get(node_name) + " cache";
  c.loader.postgres = runtime::pg_connection_string(p);
  c.loader.topic = cfg.get(kafka_topic_events);
  c.loader.partitions = static_cast<std::int32_t>(cfg.get(kafka_topic_events_partitions));
  c.loader.l2_enabled = cfg.get(cache_l2_enabled);
  c.loader.redis_host = cfg.get(redis_host);
  c.loader.redis_port = cfg.get(redis_port);
  if (const auto seeds = cfg.get(redis_cluster_nodes); seeds != "none") {
    auto nodes = runtime::parse_redis_seed_list(seeds);
    if (!nodes) throw runtime::config_error("redis.cluster-nodes: " + nodes.error().reason);
    c.loader.redis_cluster_nodes = std::move(*nodes);
  }
  c.loader.l2_ttl = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::nanoseconds(cfg.get(cache_l2_ttl)));
  c.loader.l2_keep_blocks = cfg.get(cache_l2_keep_blocks);
  return c;
}

// The handles readers record into; families declared by node_metrics.
std::shared_ptr<const reader_probe> make_reader_probe(runtime::metrics::registry* m, const std::vector<interval>& intervals) {
  if (m == nullptr) return nullptr;
  auto p = std::make_shared<reader_probe>();
  p->checkpoint_seconds = &m->histogram_of("candlestream_checkpoint_duration_seconds");
  for (const auto& iv : intervals) p->finalised.push_back(&m->counter_of("candlestream_candles_finalised_total", {iv.to_string()}));
  for (std::size_t i = 0; i < restart_reason_count; ++i) // every reason shown, 0 until it happens
    p->restarts[i] = &m->counter_of("candlestream_restarts_total", {std::string(to_string(static_cast<restart_reason>(i)))});
  return p;
}

} // namespace

node_pipeline::node_pipeline(caf::actor_system& sys, const runtime::config& cfg,
                             std::function<void(const std::string&)> escalate, runtime::metrics::registry* metrics)
  : sys_(sys) {
  commands_ = std::make_shared<consumer_commands>();
  directory_ = sys.spawn(directory_actor, 0);
  cache_ = sys.spawn(cache_actor, cache_settings(cfg));
  for (std::int64_t i = 0; i < cfg.get(runtime::keys::postgres_writers); ++i) {
    auto d = db_config(cfg);
    d.maintenance = i == 0;
    if (metrics != nullptr) {
      d.batch_seconds = &metrics->histogram_of("candlestream_postgres_batch_duration_seconds");
      d.batch_rows = &metrics->counter_of("candlestream_postgres_batch_rows_total");
    }
    db_writers_.push_back(sys.spawn<caf::detached>(db_writer_actor, d));
  }
  const runtime::kafka_config kafka_base{{"bootstrap.servers", cfg.get(runtime::keys::kafka_brokers)},
                                         {"client.id", cfg.get(runtime::keys::node_name)}};
  publisher_ = sys.spawn<caf::detached>(
    counted_publisher_actor, kafka_base,
    publisher_topics{cfg.get(runtime::keys::kafka_topic_candles), cfg.get(runtime::keys::kafka_topic_dlq), cfg.get(runtime::keys::kafka_topic_late)},
    cfg.get(runtime::keys::pipeline_publish_timeout), publisher_counters_);
  gap_verifier_ = sys.spawn<caf::detached>(gap_verifier_actor, kafka_base, cfg.get(runtime::keys::kafka_topic_events));
  reader_peers peers{db_writer_hdl{}, publisher_, directory_, cache_, gap_verifier_, commands_, nullptr,
                     make_reader_probe(metrics, cfg.get(runtime::keys::candle_intervals))};
  consumer_ = sys.spawn(kafka_consumer_actor, reader_template(cfg), peers, db_writers_);
  std::vector<supervised_child> supervised{{"directory", caf::actor_cast<caf::actor>(directory_)},
                                           {"cache", caf::actor_cast<caf::actor>(cache_)},
                                           {"publisher", caf::actor_cast<caf::actor>(publisher_)},
                                           {"kafka_consumer", consumer_},
                                           {"gap_verifier", gap_verifier_}};
  for (std::size_t i = 0; i < db_writers_.size(); ++i)
    supervised.push_back({"db_writer " + std::to_string(i + 1) + " of " + std::to_string(db_writers_.size()),
                          caf::actor_cast<caf::actor>(db_writers_[i])});
  root_ = sys.spawn(root_supervisor, std::move(supervised), escalation_handler(escalate));

  auto consumer_settings = kafka_base;
  consumer_settings["group.id"] = cfg.get(runtime::keys::kafka_group);
  consumer_settings["partition.assignment.strategy"] = "cooperative-sticky";
  consumer_settings["auto.offset.reset"] = "earliest";
  consumer_settings["enable.partition.eof"] = "false";
  consumer_settings["session.timeout.ms"] = std::to_string(cfg.get(runtime::keys::kafka_session_timeout) / ns_per_ms);
  consumer_settings["heartbeat.interval.ms"] = std::to_string(cfg.get(runtime::keys::kafka_session_timeout) / ns_per_ms / 4);
  consumer_settings["fetch.wait.max.ms"] = "50";
  consumer_settings["queued.min.messages"] = std::to_string(cfg.get(runtime::keys::kafka_prefetch_records));
  consumer_settings["queued.max.messages.kbytes"] = std::to_string(cfg.get(runtime::keys::kafka_prefetch_bytes) >> 10);
  consumer_settings["max.partition.fetch.bytes"] = "4194304";

  poll_limits limits;
  limits.max_poll_records = static_cast<std::size_t>(cfg.get(runtime::keys::kafka_max_poll_records));
  limits.max_inflight_batches = cfg.get(runtime::keys::kafka_max_inflight_batches);
  limits.resume_inflight_batches = limits.max_inflight_batches / 4;
  limits.mirror_interval = std::chrono::nanoseconds(cfg.get(runtime::keys::kafka_offset_mirror_interval));

  auto consumer = consumer_;
  auto* system = &sys_;
  // The kafka_consumer actor answers within claim_timeout (plus a margin); past this the actor
  // system itself is stuck, and the poll thread stops the node (no partition without a reader).
  const auto rebalance_timeout = std::chrono::nanoseconds(cfg.get(runtime::keys::pipeline_claim_timeout)) + std::chrono::seconds(30);
  poll_hooks hooks;
  hooks.on_fatal = escalate;
  hooks.on_assign = [consumer, system, rebalance_timeout](const std::vector<std::int32_t>& parts) {
    std::vector<partition_start> starts;
    caf::scoped_actor self{*system};
    self->request(consumer, rebalance_timeout, assign_atom::value, parts)
      .receive([&](std::vector<partition_start>& s) { starts = std::move(s); },
               [&](caf::error& e) { runtime::log_error(component, "assign failed: " + caf::to_string(e)); });
    return starts;
  };
  hooks.on_revoke = [consumer, system, rebalance_timeout](const std::vector<std::int32_t>& parts, bool lost) {
    caf::scoped_actor self{*system};
    self->request(consumer, rebalance_timeout, revoke_atom::value, parts, lost)
      .receive([](bool) {}, [&](caf::error& e) { runtime::log_error(component, "revoke failed: " + caf::to_string(e)); });
  };
  loop_ = std::make_unique<poll_loop>(consumer_settings, cfg.get(runtime::keys::kafka_topic_events), std::move(hooks), limits, commands_);
}

node_pipeline::~node_pipeline() { stop(); }

void node_pipeline::start() { loop_->start(); }

std::vector<poll_loop::partition_view> node_pipeline::partition_views() const {
  return loop_ ? loop_->partitions() : std::vector<poll_loop::partition_view>{};
}

poll_loop::stats node_pipeline::poll_counters() const { return loop_ ? loop_->counters() : poll_loop::stats{}; }

void node_pipeline::stop() {
  if (!loop_) return;
  loop_->stop(); // final checkpoints through the revoke hook
  loop_.reset();
  if (root_) caf::anon_send_exit(root_, caf::exit_reason::user_shutdown); // orderly: no escalation
  auto stop_one = [](const auto& a) {
    if (a) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  };
  stop_one(consumer_);
  stop_one(gap_verifier_);
  stop_one(publisher_);
  for (const auto& w : db_writers_) stop_one(w);
  stop_one(directory_);
  stop_one(cache_);
}

} // namespace cs::node
