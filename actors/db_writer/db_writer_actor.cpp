#include "actors/db_writer/db_writer_actor.hpp"

#include <caf/all.hpp>

#include <chrono>
#include <thread>

#include "messages/atoms.hpp"
#include "messages/pipeline.hpp"
#include "runtime/log/log.hpp"
#include "runtime/postgres/store/candle_store.hpp"

namespace cs {
namespace {

constexpr std::string_view component = "db_writer";

using steady = std::chrono::steady_clock;

// Runs `attempt` until it succeeds, fails for a reason retrying cannot fix, or the deadline
// passes; sleeps with exponential backoff between tries (this actor is detached).
template <class Attempt>
auto with_retries(caf::stateful_actor<db_writer_state>* self, const db_writer_config& cfg, std::string_view what,
                  Attempt attempt) -> decltype(attempt()) {
  const auto deadline = steady::now() + std::chrono::nanoseconds(cfg.retry_deadline);
  auto backoff = std::chrono::nanoseconds(cfg.initial_backoff);
  for (;;) {
    auto r = attempt();
    if (r.ok()) return r;
    const auto& e = r.error();
    const bool retriable = e.type == runtime::pg_error::kind::connection || e.type == runtime::pg_error::kind::in_doubt;
    if (!retriable || steady::now() + backoff > deadline) return r;
    ++self->state.retries;
    runtime::log_warn(component, std::string(what) + " failed (" + e.reason + "); retrying in " +
                                   std::to_string(backoff.count() / ns_per_ms) + " ms");
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::nanoseconds(cfg.max_backoff));
  }
}

caf::error to_caf(const runtime::pg_error& e) { return caf::make_error(caf::sec::runtime_error, e.reason); }

} // namespace

db_writer_state::db_writer_state() = default;
db_writer_state::~db_writer_state() = default;

caf::behavior db_writer_actor(caf::stateful_actor<db_writer_state>* self, db_writer_config cfg) {
  runtime::store_options opts;
  opts.retention = std::chrono::duration_cast<std::chrono::days>(std::chrono::nanoseconds(cfg.retention));
  // Startup: keep trying until PostgreSQL answers (the node reports not-ready meanwhile).
  auto opened = with_retries(self, cfg, "opening the candle store", [&] { return runtime::candle_store::open(cfg.connection_string, opts); });
  if (!opened) {
    runtime::log_error(component, "cannot open the candle store: " + opened.error().reason);
    self->quit(caf::sec::runtime_error);
    return {};
  }
  self->state.store = std::make_unique<runtime::candle_store>(std::move(opened.value()));
  runtime::log_info(component, "candle store ready");
  self->delayed_send(self, std::chrono::nanoseconds(cfg.maintenance_interval), tick_atom::value);
  return {
    [=](claim_atom, const std::string& topic, std::int32_t partition, const std::string& owner) -> caf::result<partition_claim> {
      auto& store = *self->state.store;
      auto r = with_retries(self, cfg, "claiming " + topic + "[" + std::to_string(partition) + "]",
                            [&] { return store.claim_partition(topic, partition, owner); });
      if (!r) return to_caf(r.error());
      ++self->state.claims;
      return partition_claim{r->epoch, std::move(r->state)};
    },
    [=](commit_atom, const checkpoint_request& req) -> caf::result<bool> {
      auto& store = *self->state.store;
      auto r = with_retries(self, cfg, "checkpoint of " + req.topic + "[" + std::to_string(req.state.partition) + "]", [&] {
        return store.commit_checkpoint(req.topic, req.state.partition, req.epoch, req.state, req.finals, req.state.live);
      });
      if (!r) return to_caf(r.error());
      const bool committed = r.value() == runtime::checkpoint_outcome::committed;
      if (committed) ++self->state.commits;
      else ++self->state.fenced;
      return committed;
    },
    [=](tick_atom) {
      if (auto r = self->state.store->run_maintenance(); !r) runtime::log_warn(component, "maintenance: " + r.error().reason);
      self->delayed_send(self, std::chrono::nanoseconds(cfg.maintenance_interval), tick_atom::value);
    },
  };
}

} // namespace cs
