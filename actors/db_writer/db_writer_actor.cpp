#include "actors/db_writer/db_writer_actor.hpp"

#include <caf/all.hpp>

#include <chrono>
#include <thread>

#include "messages/atoms.hpp"
#include "messages/pipeline.hpp"
#include "messages/pipeline_errc.hpp"
#include "runtime/log/log.hpp"
#include "runtime/postgres/store/candle_store.hpp"

namespace cs {
namespace {

constexpr std::string_view component = "db_writer";

using steady = std::chrono::steady_clock;

// Runs `attempt` until it succeeds, fails for a reason retrying cannot fix, or the deadline
// passes; sleeps with exponential backoff between tries (this actor is detached).
template <class Attempt>
auto with_retries(db_writer_hdl::stateful_pointer<db_writer_state> self, const db_writer_config& cfg, std::string_view what,
                  Attempt attempt) -> decltype(attempt()) {
  const auto deadline = steady::now() + std::chrono::nanoseconds(cfg.retry_deadline);
  auto backoff = std::chrono::nanoseconds(cfg.initial_backoff);
  for (;;) {
    auto r = attempt();
    if (r.ok()) return r;
    const auto& e = r.error();
    const bool retriable = e.code == runtime::pg_errc::connection || e.code == runtime::pg_errc::in_doubt;
    if (!retriable || steady::now() + backoff > deadline) return r;
    ++self->state.retries;
    runtime::log_warn(component, std::string(what) + " failed (" + e.reason + "); retrying in " +
                                   std::to_string(backoff.count() / ns_per_ms) + " ms");
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::nanoseconds(cfg.max_backoff));
  }
}

caf::error to_caf(const runtime::pg_error& e, const std::string& what) {
  const bool unavailable = e.code == runtime::pg_errc::connection || e.code == runtime::pg_errc::in_doubt;
  return make_error(unavailable ? pipeline_errc::store_unavailable : pipeline_errc::store_rejected, what + ": " + e.reason);
}

std::string where(const std::string& topic, std::int32_t partition) { return topic + "[" + std::to_string(partition) + "]"; }

} // namespace

db_writer_state::db_writer_state() = default;
db_writer_state::~db_writer_state() = default;

db_writer_hdl::behavior_type db_writer_actor(db_writer_hdl::stateful_pointer<db_writer_state> self, db_writer_config cfg) {
  runtime::store_options opts;
  opts.retention = std::chrono::duration_cast<std::chrono::days>(std::chrono::nanoseconds(cfg.retention));
  opts.maintenance_on_open = cfg.maintenance;
  opts.known_series = cfg.known_series;
  // Startup: keep trying until PostgreSQL answers (the node reports not-ready meanwhile).
  auto opened = with_retries(self, cfg, "opening the candle store", [&] { return runtime::candle_store::open(cfg.connection_string, opts); });
  if (!opened) {
    runtime::log_error(component, "cannot open the candle store: " + opened.error().reason);
    self->quit(make_error(pipeline_errc::store_not_open, opened.error().reason));
    return db_writer_hdl::behavior_type::make_empty_behavior();
  }
  self->state.store = std::make_unique<runtime::candle_store>(std::move(opened.value()));
  runtime::log_info(component, "candle store ready");
  if (cfg.maintenance) self->delayed_send(self, std::chrono::nanoseconds(cfg.maintenance_interval), tick_atom::value);
  return {
    [=](crash_atom) {
      // A db_writer is a node singleton: its death escalates to the process (root_supervisor).
      if (cfg.faults_enabled) throw std::runtime_error("fault injection: db_writer crashed on purpose");
    },
    [=](claim_atom, const std::string& topic, std::int32_t partition, const std::string& owner) -> caf::result<partition_claim> {
      auto& store = *self->state.store;
      const auto what = "claiming " + where(topic, partition);
      auto r = with_retries(self, cfg, what, [&] { return store.claim_partition(topic, partition, owner); });
      if (!r) return to_caf(r.error(), what);
      ++self->state.claims;
      return partition_claim{r->epoch, std::move(r->state)};
    },
    [=](commit_atom, const checkpoint_request& req) -> caf::result<checkpoint_result> {
      auto& store = *self->state.store;
      const auto what = "checkpoint of " + where(req.topic, req.state.partition);
      const auto started = std::chrono::steady_clock::now();
      const auto conflicts_before = store.fresh_conflicts();
      auto r = with_retries(self, cfg, what, [&] {
        return store.commit_checkpoint_shared(req.topic, req.state.partition, req.epoch, req.state, req.finals, req.state.live);
      });
      // Expected after a reconnect or a replay, not at a steady rate: then the partition's
      // rows are written by someone else too (e.g. a symbol moved partitions), each checkpoint
      // pays twice, and this says where.
      if (store.fresh_conflicts() != conflicts_before)
        runtime::log_info(component, what + ": rows thought new were stored already; written again through the upsert ("
                                       + std::to_string(store.fresh_conflicts()) + " such checkpoints on this writer)");
      if (!r) return to_caf(r.error(), what);
      if (r.value() != runtime::checkpoint_outcome::committed) {
        ++self->state.fenced;
        return checkpoint_result::fenced;
      }
      ++self->state.commits;
      if (cfg.batch_seconds != nullptr)
        cfg.batch_seconds->observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      if (cfg.batch_rows != nullptr) cfg.batch_rows->inc(req.finals.size() + req.state.live.size());
      return checkpoint_result::committed;
    },
    [=](tick_atom) {
      if (auto r = self->state.store->run_maintenance(); !r) runtime::log_warn(component, "maintenance: " + r.error().reason);
      self->delayed_send(self, std::chrono::nanoseconds(cfg.maintenance_interval), tick_atom::value);
    },
  };
}

} // namespace cs
