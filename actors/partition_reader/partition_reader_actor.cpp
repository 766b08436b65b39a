#include "actors/partition_reader/partition_reader_actor.hpp"

#include <caf/all.hpp>

#include <chrono>

#include "actors/partition_reader/reader_logic.hpp"
#include "runtime/kafka/types.hpp"

namespace cs {

caf::behavior partition_reader_actor(caf::stateful_actor<reader_state>* self, reader_config cfg, reader_peers peers) {
  self->state.restarts = restart_policy(cfg.restarts);
  // The logic object lives as long as the actor; it refers to cfg/peers kept alive below.
  auto keep = std::make_shared<std::pair<reader_config, reader_peers>>(std::move(cfg), std::move(peers));
  auto logic = std::make_shared<reader_logic>(self, keep->first, keep->second);
  self->set_down_handler([=](caf::down_msg& dm) {
    if (!dm.reason) return;
    auto key = logic->child_key(dm.source);
    if (!key) return;
    // The respawned actor of this key reports how often its key failed (the console's inspect).
    ++self->state.key_restarts[*key];
    logic->restart(restart_reason::candle_actor_failed, "candle actor failed: " + caf::to_string(dm.reason));
  });
  // The timer runs from the start; ticks do something only while running.
  self->delayed_send(self, ns(keep->first.checkpoint_interval), tick_atom::value);
  return {
    [=](claim_atom) {
      auto rp = self->make_response_promise<std::int64_t>();
      logic->claim([=](std::int64_t next_offset) mutable { rp.deliver(next_offset); },
                   [=](const caf::error& e) mutable {
                     // The partition starts held; the restart's re-claim seeks when it lands.
                     rp.deliver(runtime::kafka_offset_invalid);
                     logic->restart(restart_reason::claim_failed, "claim failed: " + caf::to_string(e));
                   });
      return rp;
    },
    [=](batch_atom, raw_batch& batch) { logic->on_batch(batch); },
    [=](tick_atom) { logic->on_tick(); },
    [=](retry_atom, std::uint64_t inc) { logic->resume_after_restart(inc); },
    [=](seek_failed_atom, const std::string& why) {
      if (self->state.phase == reader_phase::running) logic->restart(restart_reason::seek_failed, "seek failed: " + why);
    },
    [=](revoke_atom, bool lost) {
      auto rp = self->make_response_promise<bool>();
      logic->revoke(lost, [=]() mutable { rp.deliver(true); });
      return rp;
    },
    [=](collected_atom, std::uint64_t ticket, checkpoint_part& part) { logic->on_collected(ticket, part); },
    [=](deadline_atom, std::uint64_t seq) { logic->on_collect_deadline(seq); },
    [=](watermark_atom) -> timestamp_ns {
      const auto& st = self->state;
      return st.phase == reader_phase::running && st.router ? st.router->clock().watermark : no_watermark;
    },
    [=](crash_atom, const candle_key& key) {
      const auto& ivs = keep->first.intervals;
      auto it = self->state.by_symbol.find(key.symbol);
      if (it == self->state.by_symbol.end()) return;
      for (std::size_t i = 0; i < ivs.size(); ++i)
        if (ivs[i] == key.iv) self->send(it->second.actors[i], crash_atom::value);
    },
    [=](crash_atom) {
      // A reader's death is its node's (kafka_consumer escalates: docs/architecture.md).
      if (keep->first.faults_enabled) throw std::runtime_error("fault injection: partition reader crashed on purpose");
    },
    [=](stats_atom) { return logic->stats_json(); },
    // The console's `checkpoint PARTITION`: answers the committed offset once the checkpoint is in
    // PostgreSQL (at once when nothing changed since the last one). One that fails restarts the
    // partition and never answers: the asker's timeout says so.
    [=](checkpoint_atom) -> caf::result<std::int64_t> {
      if (self->state.phase != reader_phase::running)
        return caf::make_error(caf::sec::runtime_error, "partition " + std::to_string(keep->first.partition) + " is " +
                                                          std::string(to_string(self->state.phase)) + ", not running");
      auto rp = self->make_response_promise<std::int64_t>();
      logic->checkpoint([=]() mutable { rp.deliver(self->state.committed_offset); });
      return rp;
    },
  };
}

} // namespace cs
