#include "actors/publisher/publisher_actor.hpp"

#include <chrono>
#include <string>

#include "messages/atoms.hpp"
#include "messages/pipeline.hpp"
#include "messages/pipeline_errc.hpp"
#include "runtime/log/log.hpp"

namespace cs {
namespace {
constexpr std::string_view component = "publisher";

const runtime::kafka_config& exactly_once_settings() {
  static const runtime::kafka_config s = {
    {"enable.idempotence", "true"},
    {"acks", "all"},
    {"linger.ms", "5"},
    {"compression.type", "lz4"},
  };
  return s;
}

} // namespace

publisher_hdl::behavior_type publisher_actor(publisher_hdl::stateful_pointer<publisher_state> self, runtime::kafka_config settings,
                              publisher_topics topics, duration_ns flush_timeout) {
  return counted_publisher_actor(self, std::move(settings), std::move(topics), flush_timeout,
                                 std::make_shared<publisher_counters>());
}

publisher_hdl::behavior_type counted_publisher_actor(publisher_hdl::stateful_pointer<publisher_state> self,
                                                     runtime::kafka_config settings, publisher_topics topics,
                                                     duration_ns flush_timeout, std::shared_ptr<publisher_counters> counters) {
  for (const auto& [k, v] : exactly_once_settings()) settings.try_emplace(k, v);
  auto& st = self->state;
  st.core = std::make_unique<publisher_core<runtime::kafka_producer>>(std::move(topics), std::chrono::nanoseconds{flush_timeout},
                                                                      counters);
  st.producer = std::make_unique<runtime::kafka_producer>(settings, [core = st.core.get()](const runtime::kafka_delivery_report& r) {
    // A report of a request already answered: it failed at its deadline, and this outcome can no
    // longer change that; it must not count against the request running now.
    if (!core->on_delivery(r) && !r.status.ok())
      runtime::log_warn(component, "delivery failed after its request was answered: " + r.status.reason);
  });
  return {
    [=](publish_atom, const publish_request& req) -> caf::result<std::uint64_t> {
      auto& s = self->state;
      auto out = s.core->publish(*s.producer, req);
      for (const auto& line : out.truncated_lines) runtime::log_warn(component, line);
      for (const auto& line : out.dropped_lines) runtime::log_error(component, line);
      if (!out.ok) {
        runtime::log_error(component, "request failed: " + out.reason);
        return make_error(pipeline_errc::publish_failed, out.reason);
      }
      return out.acknowledged;
    },
    [=](stats_atom) { return counters->published.load(std::memory_order_relaxed); },
  };
}

} // namespace cs
