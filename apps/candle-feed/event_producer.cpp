#include "event_producer.hpp"

#include "runtime/kafka/partitioner.hpp"

namespace cs::feed {
namespace {

using namespace std::chrono_literals;
constexpr auto metadata_timeout = 10s;
// Serve delivery reports every this many records: often enough to keep the queue moving, rarely
// enough to cost nothing.
constexpr std::uint64_t poll_every = 1024;
constexpr auto queue_full_wait = 5ms;

} // namespace

runtime::kafka_config default_producer_properties() {
  return {
    // Exactly once into the log per producer session, in order per partition even on retries.
    {"enable.idempotence", "true"},
    {"acks", "all"},
    // Throughput: wait up to 10 ms to fill batches of up to 1 MB (the broker's default
    // message.max.bytes), 10k records per batch, lz4 (cheap on CPU, ~3x on these JSON payloads).
    {"linger.ms", "10"},
    {"batch.size", "1000000"},
    {"batch.num.messages", "10000"},
    {"compression.type", "lz4"},
    // A deep local queue so that bursts of `--rate 0` do not stall on queue_full.
    {"queue.buffering.max.messages", "1000000"},
    // A broker that is down fails deliveries after 30 s instead of librdkafka's 5 minutes.
    {"message.timeout.ms", "30000"},
  };
}

bool parse_property(std::string_view text, runtime::kafka_config& into) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) return false;
  into[std::string(text.substr(0, eq))] = std::string(text.substr(eq + 1));
  return true;
}

namespace {
runtime::kafka_config producer_config(const producer_settings& s) {
  auto props = default_producer_properties();
  props["bootstrap.servers"] = s.brokers;
  for (const auto& [k, v] : s.overrides) props[k] = v;
  return props;
}
} // namespace

event_producer::event_producer(const producer_settings& settings)
  : topic_(settings.topic),
    producer_(producer_config(settings), [this](const runtime::kafka_delivery_report& r) { on_delivery(r); }) {
  auto n = producer_.partition_count(topic_, metadata_timeout);
  if (!n) throw kafka_failure("topic '" + topic_ + "' at " + settings.brokers + ": " + n.error().reason);
  partitions_ = *n;
}

void event_producer::fail(std::string reason) {
  ++failed_;
  if (first_error_.empty()) first_error_ = std::move(reason);
}

void event_producer::on_delivery(const runtime::kafka_delivery_report& r) {
  if (!r.status.ok()) {
    fail(r.status.reason);
    return;
  }
  ++delivered_;
  ++per_partition_[r.partition];
  if (r.partition != runtime::kafka_partition_for_key(r.key, partitions_)) ++misrouted_;
}

void event_producer::send(std::string_view key, std::string_view payload) {
  if (auto st = producer_.produce_waiting(topic_, key, payload, {}, queue_full_wait); !st.ok()) {
    if (st.fatal) throw kafka_failure(st.reason);
    fail(st.reason);
    return;
  }
  if (++queued_ % poll_every == 0) producer_.poll();
}

void event_producer::wait_until(std::chrono::steady_clock::time_point t) {
  using std::chrono::steady_clock;
  for (auto now = steady_clock::now(); now < t; now = steady_clock::now()) {
    // poll() returns early when it served a report: loop until the time has really come.
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(t - now);
    producer_.poll(left);
  }
}

bool event_producer::finish(std::chrono::milliseconds timeout) {
  auto st = producer_.flush(timeout);
  if (!st.ok() && first_error_.empty()) first_error_ = st.reason;
  // Whatever is still queued after the timeout is lost when the producer goes.
  return st.ok() && failed_ == 0 && delivered_ == queued_;
}

} // namespace cs::feed
