#include "actors/kafka_consumer/kafka_consumer_actor.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>

#include "messages/atoms.hpp"
#include "runtime/kafka/types.hpp"
#include "runtime/log/log.hpp"

namespace cs {
namespace {
constexpr std::string_view component = "kafka_consumer";
} // namespace

caf::behavior kafka_consumer_actor(caf::stateful_actor<kafka_consumer_state>* self, reader_config reader_template,
                                   reader_peers peers, std::vector<db_writer_hdl> writers) {
  // Readers answer claims and revokes within claim_timeout; the margin covers the messages.
  const auto timeout = std::chrono::nanoseconds(reader_template.claim_timeout) + std::chrono::seconds(5);
  self->set_down_handler([=](caf::down_msg& dm) {
    for (auto it = self->state.readers.begin(); it != self->state.readers.end(); ++it) {
      if (it->second.reader.address() != dm.source) continue;
      const auto p = it->first;
      self->state.readers.erase(it);
      if (dm.reason && dm.reason != caf::exit_reason::user_shutdown) {
        const auto why = "reader of partition " + std::to_string(p) + " died: " + caf::to_string(dm.reason);
        runtime::log_error(component, why);
        // The other readers go too: without this actor nothing feeds, revokes or stops them, and
        // their timers would keep them (and so the actor system, and the process) alive. Their
        // partitions resume from the last checkpoints wherever Kafka assigns them next.
        for (const auto& [_, r] : self->state.readers) self->send_exit(r.reader, dm.reason);
        self->quit(make_error(caf::sec::runtime_error, why));
      }
      return;
    }
  });
  return {
    [=](assign_atom, const std::vector<std::int32_t>& partitions) {
      auto rp = self->make_response_promise<std::vector<partition_start>>();
      auto starts = std::make_shared<std::vector<partition_start>>();
      auto remaining = std::make_shared<std::size_t>(partitions.size());
      if (partitions.empty()) {
        rp.deliver(*starts);
        return rp;
      }
      for (auto p : partitions) {
        auto cfg = reader_template;
        cfg.partition = p;
        cfg.instance = ++self->state.last_instance;
        auto pe = peers;
        pe.db_writer = writers[static_cast<std::size_t>(p) % writers.size()];
        pe.inflight = std::make_shared<std::atomic<std::int64_t>>(0);
        auto reader = self->spawn<caf::monitored>(partition_reader_actor, cfg, pe);
        self->state.readers[p] = {reader, pe.inflight};
        auto add = [=](std::int64_t offset) mutable {
          starts->push_back({p, offset, reader, cfg.instance, pe.inflight});
          if (--*remaining == 0) rp.deliver(*starts);
        };
        self->request(reader, timeout, claim_atom::value)
          .then([=](std::int64_t next_offset) mutable { add(next_offset); },
                [=](caf::error& e) mutable {
                  runtime::log_error(component, "partition " + std::to_string(p) + ": no claim answer: " + caf::to_string(e));
                  add(runtime::kafka_offset_invalid);
                });
      }
      return rp;
    },
    [=](revoke_atom, const std::vector<std::int32_t>& partitions, bool lost) {
      auto rp = self->make_response_promise<bool>();
      auto remaining = std::make_shared<std::size_t>(0);
      std::vector<std::pair<std::int32_t, caf::actor>> going;
      for (auto p : partitions) {
        auto it = self->state.readers.find(p);
        if (it == self->state.readers.end()) continue;
        going.emplace_back(p, it->second.reader);
        // No longer this node's: a reader of a later assignment replaces it here.
        self->state.readers.erase(it);
      }
      *remaining = going.size();
      if (going.empty()) {
        rp.deliver(true);
        return rp;
      }
      for (const auto& [p, reader] : going) {
        self->request(reader, timeout, revoke_atom::value, lost)
          .then([=](bool) mutable { if (--*remaining == 0) rp.deliver(true); },
                [=, p = p](caf::error& e) mutable {
                  runtime::log_warn(component, "revoking partition " + std::to_string(p) + ": " + caf::to_string(e) +
                                                 " (its final checkpoint goes on in the background, fenced if too late)");
                  if (--*remaining == 0) rp.deliver(true);
                });
      }
      return rp;
    },
    // The console's `checkpoint PARTITION`, for whichever reader holds the partition now.
    [=](checkpoint_atom a, std::int32_t p) -> caf::result<std::int64_t> {
      auto it = self->state.readers.find(p);
      if (it == self->state.readers.end())
        return caf::make_error(caf::sec::runtime_error, "partition " + std::to_string(p) + " is not read by this node");
      auto rp = self->make_response_promise();
      rp.delegate(it->second.reader, a);
      return rp;
    },
    // Fault injection (the reader obeys only with node.faults): false when no reader holds it.
    [=](crash_atom a, std::int32_t p) {
      auto it = self->state.readers.find(p);
      if (it == self->state.readers.end()) return false;
      self->send(it->second.reader, a);
      return true;
    },
    [=](stats_atom) {
      auto rp = self->make_response_promise<std::string>();
      auto parts = std::make_shared<nlohmann::json>(nlohmann::json::array());
      auto remaining = std::make_shared<std::size_t>(self->state.readers.size());
      auto finish = [=]() mutable { rp.deliver(parts->dump()); };
      if (*remaining == 0) {
        finish();
        return rp;
      }
      for (const auto& [p, o] : self->state.readers) {
        self->request(o.reader, std::chrono::seconds(5), stats_atom::value)
          .then([=](std::string& s) mutable { parts->push_back(nlohmann::json::parse(s)); if (--*remaining == 0) finish(); },
                [=](caf::error&) mutable { if (--*remaining == 0) finish(); });
      }
      return rp;
    },
  };
}

} // namespace cs
