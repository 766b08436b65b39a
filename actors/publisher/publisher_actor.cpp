#include "actors/publisher/publisher_actor.hpp"

#include <chrono>

#include "messages/atoms.hpp"
#include "messages/candle_json.hpp"
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

// Produces, retrying while the local queue is full (serving delivery reports meanwhile).
runtime::kafka_status produce(runtime::kafka_producer& p, const std::string& topic, std::string_view key,
                              std::string_view value, std::span<const runtime::kafka_header> headers) {
  constexpr std::chrono::milliseconds queue_full_wait{10};
  constexpr int max_attempts = 1000;
  auto st = p.produce_waiting(topic, key, value, {.headers = headers}, queue_full_wait, max_attempts);
  if (!st.ok()) runtime::log_error(component, "produce to " + topic + ": " + st.reason);
  return st;
}

runtime::kafka_status produce_diverted(runtime::kafka_producer& p, const std::string& topic, const diverted_event& d) {
  const runtime::kafka_header headers[] = {
    {"reason", d.reason}, {"source-partition", std::to_string(d.partition)}, {"source-offset", std::to_string(d.offset)}};
  return produce(p, topic, d.key, d.payload, headers);
}

} // namespace

publisher_hdl::behavior_type publisher_actor(publisher_hdl::stateful_pointer<publisher_state> self, runtime::kafka_config settings,
                              publisher_topics topics, duration_ns flush_timeout) {
  for (const auto& [k, v] : exactly_once_settings()) settings.try_emplace(k, v);
  self->state.producer = std::make_unique<runtime::kafka_producer>(settings, [self](const runtime::kafka_delivery_report& r) {
    if (!r.status.ok()) {
      if (self->state.failed_deliveries++ == 0) self->state.first_failure = "delivery to " + std::string(r.topic) + ": " + r.status.reason;
      runtime::log_error(component, "delivery to " + std::string(r.topic) + " failed: " + r.status.reason);
    }
  });
  return {
    [=](publish_atom, const publish_request& req) -> caf::result<std::uint64_t> {
      auto& st = self->state;
      auto& p = *st.producer;
      st.failed_deliveries = 0;
      st.first_failure.clear();
      runtime::kafka_status refused; // the first produce() that failed, if any
      auto keep = [&](runtime::kafka_status s) {
        if (refused.ok()) refused = std::move(s);
        return refused.ok();
      };
      std::string json;
      for (const auto& c : req.finals) {
        json.clear();
        append_candle_json(json, c);
        if (!keep(produce(p, topics.candles, c.symbol, json, {}))) break;
      }
      for (const auto& d : req.invalid) if (!keep(produce_diverted(p, topics.dlq, d))) break;
      for (const auto& d : req.late) if (!keep(produce_diverted(p, topics.late, d))) break;
      auto flushed = p.flush(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::nanoseconds(flush_timeout)));
      if (!flushed.ok()) runtime::log_error(component, "flush: " + flushed.reason);
      if (!refused.ok()) return make_error(pipeline_errc::publish_failed, refused.reason);
      if (!flushed.ok()) return make_error(pipeline_errc::publish_failed, flushed.reason);
      if (st.failed_deliveries > 0)
        return make_error(pipeline_errc::publish_failed, std::to_string(st.failed_deliveries) + " deliveries failed, first: " + st.first_failure);
      const std::uint64_t n = req.finals.size() + req.invalid.size() + req.late.size();
      st.published += n;
      return n;
    },
    [=](stats_atom) { return self->state.published; },
  };
}

} // namespace cs
