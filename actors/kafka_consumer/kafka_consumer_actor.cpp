#include "actors/kafka_consumer/kafka_consumer_actor.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>

#include "messages/atoms.hpp"
#include "runtime/log/log.hpp"

namespace cs {
namespace {
constexpr std::string_view component = "kafka_consumer";
} // namespace

caf::behavior kafka_consumer_actor(caf::stateful_actor<kafka_consumer_state>* self, reader_config reader_template,
                                   reader_peers peers) {
  const auto timeout = std::chrono::nanoseconds(reader_template.commit_timeout);
  self->set_down_handler([=](caf::down_msg& dm) {
    for (auto it = self->state.readers.begin(); it != self->state.readers.end(); ++it) {
      if (it->second.reader.address() != dm.source) continue;
      if (dm.reason && dm.reason != caf::exit_reason::user_shutdown)
        runtime::log_error(component, "reader of partition " + std::to_string(it->first) + " failed: " + caf::to_string(dm.reason));
      self->state.readers.erase(it);
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
        auto pe = peers;
        pe.inflight = std::make_shared<std::atomic<std::int64_t>>(0);
        auto reader = self->spawn<caf::monitored>(partition_reader_actor, cfg, pe);
        self->state.readers[p] = {reader, pe.inflight};
        self->request(reader, timeout, claim_atom::value)
          .then(
            [=](std::int64_t next_offset) mutable {
              starts->push_back({p, next_offset, reader, pe.inflight});
              if (--*remaining == 0) rp.deliver(*starts);
            },
            [=](caf::error& e) mutable {
              runtime::log_error(component, "claiming partition " + std::to_string(p) + " failed: " + caf::to_string(e));
              if (--*remaining == 0) rp.deliver(*starts);
            });
      }
      return rp;
    },
    [=](revoke_atom, const std::vector<std::int32_t>& partitions, bool lost) {
      auto rp = self->make_response_promise<bool>();
      auto remaining = std::make_shared<std::size_t>(0);
      for (auto p : partitions)
        if (self->state.readers.count(p)) ++*remaining;
      if (*remaining == 0) {
        rp.deliver(true);
        return rp;
      }
      for (auto p : partitions) {
        auto it = self->state.readers.find(p);
        if (it == self->state.readers.end()) continue;
        self->request(it->second.reader, timeout, revoke_atom::value, lost)
          .then([=](bool) mutable { if (--*remaining == 0) rp.deliver(true); },
                [=](caf::error& e) mutable {
                  runtime::log_warn(component, "revoking partition " + std::to_string(p) + ": " + caf::to_string(e));
                  if (--*remaining == 0) rp.deliver(true);
                });
      }
      return rp;
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
