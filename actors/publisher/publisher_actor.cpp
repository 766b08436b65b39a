#include "actors/publisher/publisher_actor.hpp"

#include <chrono>

#include "messages/atoms.hpp"
#include "messages/candle_json.hpp"
#include "messages/pipeline.hpp"
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
bool produce(runtime::kafka_producer& p, const std::string& topic, std::string_view key, std::string_view value,
             std::span<const runtime::kafka_header> headers) {
  constexpr std::chrono::milliseconds queue_full_wait{10};
  constexpr int max_attempts = 1000;
  for (int attempt = 0; attempt < max_attempts; ++attempt) {
    auto st = p.produce(topic, key, value, {.headers = headers});
    if (st.ok()) return true;
    if (!st.queue_full()) {
      runtime::log_error(component, "produce to " + topic + ": " + st.reason);
      return false;
    }
    p.poll(queue_full_wait);
  }
  return false;
}

bool produce_diverted(runtime::kafka_producer& p, const std::string& topic, const diverted_event& d) {
  const runtime::kafka_header headers[] = {
    {"reason", d.reason}, {"source-partition", std::to_string(d.partition)}, {"source-offset", std::to_string(d.offset)}};
  return produce(p, topic, d.key, d.payload, headers);
}

} // namespace

caf::behavior publisher_actor(caf::stateful_actor<publisher_state>* self, runtime::kafka_config settings,
                              publisher_topics topics, duration_ns flush_timeout) {
  for (const auto& [k, v] : exactly_once_settings()) settings.try_emplace(k, v);
  self->state.producer = std::make_unique<runtime::kafka_producer>(settings, [self](const runtime::kafka_delivery_report& r) {
    if (!r.status.ok()) {
      ++self->state.failed_deliveries;
      runtime::log_error(component, "delivery to " + std::string(r.topic) + " failed: " + r.status.reason);
    }
  });
  return {
    [=](publish_atom, const publish_request& req) {
      auto& st = self->state;
      auto& p = *st.producer;
      st.failed_deliveries = 0;
      bool ok = true;
      std::string json;
      for (const auto& c : req.finals) {
        json.clear();
        append_candle_json(json, c);
        ok = ok && produce(p, topics.candles, c.symbol, json, {});
      }
      for (const auto& d : req.invalid) ok = ok && produce_diverted(p, topics.dlq, d);
      for (const auto& d : req.late) ok = ok && produce_diverted(p, topics.late, d);
      auto flushed = p.flush(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::nanoseconds(flush_timeout)));
      if (!flushed.ok()) runtime::log_error(component, "flush: " + flushed.reason);
      ok = ok && flushed.ok() && st.failed_deliveries == 0;
      if (ok) st.published += req.finals.size() + req.invalid.size() + req.late.size();
      return ok;
    },
    [=](stats_atom) { return std::to_string(self->state.published); },
  };
}

} // namespace cs
