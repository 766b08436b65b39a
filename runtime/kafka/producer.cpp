#include "runtime/kafka/producer.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/kafka/metadata.hpp"

namespace cs::runtime {

namespace {

// Lets the topic cache be searched with a string_view, without building a std::string per call.
struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// topic, partition, key, value, flags, opaque: the fields every message carries.
constexpr std::size_t fixed_field_count = 6;
// Messages with up to this many headers are described on the stack (DLQ records carry one or two).
constexpr std::size_t inline_header_count = 4;

} // namespace

struct kafka_producer::state {
  kafka_delivery_callback on_delivery;
  rd_kafka_ptr rk;
  // Declared after rk so the topic handles are released before the client.
  std::unordered_map<std::string, rd_kafka_topic_ptr, string_hash, std::equal_to<>> topics;

  state() = default;
  state(const state&) = delete;
  state& operator=(const state&) = delete;
  // Here rather than in ~kafka_producer, so that a move-assigned-over producer flushes too.
  ~state() {
    if (rk)
      (void)rd_kafka_flush(rk.get(), static_cast<int>(destroy_flush_timeout.count()));
  }

  rd_kafka_topic_t* topic(std::string_view name) {
    if (auto it = topics.find(name); it != topics.end())
      return it->second.get();
    std::string key{name};
    rd_kafka_topic_ptr rkt{rd_kafka_topic_new(rk.get(), key.c_str(), nullptr)};
    if (!rkt)
      return nullptr;
    return topics.emplace(std::move(key), std::move(rkt)).first->second.get();
  }

  static void on_delivery_report(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque) {
    auto* self = static_cast<state*>(opaque);
    if (!self->on_delivery)
      return;
    kafka_delivery_report report;
    report.topic = rd_kafka_topic_name(msg->rkt);
    if (msg->key != nullptr)
      report.key = {static_cast<const char*>(msg->key), msg->key_len};
    report.partition = msg->partition;
    report.offset = msg->offset;
    report.correlation_id = reinterpret_cast<std::uintptr_t>(msg->_private);
    if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR)
      report.status = kafka_status::from(msg->err, "deliver to " + std::string{report.topic});
    self->on_delivery(report);
  }
};

const kafka_config& kafka_producer::default_settings() {
  static const kafka_config defaults{{"partitioner", "murmur2_random"}};
  return defaults;
}

kafka_producer::kafka_producer(const kafka_config& settings, kafka_delivery_callback on_delivery)
  : state_(std::make_unique<state>()) {
  state_->on_delivery = std::move(on_delivery);
  auto conf = make_rd_kafka_conf(default_settings(), settings);
  // The opaque is the heap state, so moving the producer keeps callbacks pointing at live data.
  rd_kafka_conf_set_opaque(conf.get(), state_.get());
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &state::on_delivery_report);
  state_->rk = make_rd_kafka(RD_KAFKA_PRODUCER, std::move(conf));
}

kafka_producer::~kafka_producer() = default;
kafka_producer::kafka_producer(kafka_producer&&) noexcept = default;
kafka_producer& kafka_producer::operator=(kafka_producer&&) noexcept = default;

kafka_status kafka_producer::produce_waiting(std::string_view topic, std::string_view key, std::string_view value,
                                             const kafka_produce_options& options, std::chrono::milliseconds wait) {
  return produce_until(topic, key, value, options, std::chrono::steady_clock::time_point::max(), wait);
}

kafka_status kafka_producer::produce_until(std::string_view topic, std::string_view key, std::string_view value,
                                           const kafka_produce_options& options,
                                           std::chrono::steady_clock::time_point deadline,
                                           std::chrono::milliseconds wait) {
  auto st = produce(topic, key, value, options);
  while (st.queue_full()) {
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero())
      break;
    // Round up so that a sub-millisecond remainder still waits instead of spinning.
    poll(std::min(wait, std::chrono::ceil<std::chrono::milliseconds>(left)));
    st = produce(topic, key, value, options);
  }
  return st;
}

kafka_status kafka_producer::produce(std::string_view topic, std::string_view key,
                                     std::string_view value, const kafka_produce_options& options) {
  rd_kafka_topic_t* rkt = state_->topic(topic);
  if (rkt == nullptr)
    return kafka_status::from(rd_kafka_last_error(), "produce to " + std::string{topic});

  std::array<rd_kafka_vu_t, fixed_field_count + inline_header_count> inline_fields;
  std::vector<rd_kafka_vu_t> heap_fields;
  rd_kafka_vu_t* fields = inline_fields.data();
  if (options.headers.size() > inline_header_count) {
    heap_fields.resize(fixed_field_count + options.headers.size());
    fields = heap_fields.data();
  }
  std::size_t n = 0;
  fields[n].vtype = RD_KAFKA_VTYPE_RKT;
  fields[n++].u.rkt = rkt;
  fields[n].vtype = RD_KAFKA_VTYPE_PARTITION;
  fields[n++].u.i32 = options.partition.value_or(RD_KAFKA_PARTITION_UA);
  if (!key.empty()) {
    fields[n].vtype = RD_KAFKA_VTYPE_KEY;
    fields[n].u.mem.ptr = const_cast<char*>(key.data()); // librdkafka always copies the key
    fields[n++].u.mem.size = key.size();
  }
  fields[n].vtype = RD_KAFKA_VTYPE_VALUE;
  fields[n].u.mem.ptr = const_cast<char*>(value.data()); // copied: RD_KAFKA_MSG_F_COPY below
  fields[n++].u.mem.size = value.size();
  fields[n].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
  fields[n++].u.i = RD_KAFKA_MSG_F_COPY;
  fields[n].vtype = RD_KAFKA_VTYPE_OPAQUE;
  fields[n++].u.ptr = reinterpret_cast<void*>(static_cast<std::uintptr_t>(options.correlation_id));
  for (const auto& h : options.headers) {
    fields[n].vtype = RD_KAFKA_VTYPE_HEADER;
    fields[n].u.header.name = h.name.c_str();
    fields[n].u.header.val = h.value.data();
    fields[n++].u.header.size = static_cast<ssize_t>(h.value.size());
  }
  rd_kafka_error_t* err = rd_kafka_produceva(state_->rk.get(), fields, n);
  if (err == nullptr)
    return kafka_status::success();
  return kafka_status::from(err, "produce to " + std::string{topic});
}

int kafka_producer::poll(std::chrono::milliseconds timeout) {
  return rd_kafka_poll(state_->rk.get(), static_cast<int>(timeout.count()));
}

kafka_status kafka_producer::flush(std::chrono::milliseconds timeout) {
  return kafka_status::from(rd_kafka_flush(state_->rk.get(), static_cast<int>(timeout.count())),
                            "flush producer");
}

int kafka_producer::in_flight() const {
  return rd_kafka_outq_len(state_->rk.get());
}

std::size_t kafka_producer::max_message_bytes() const {
  // librdkafka's own default, should the lookup fail (it cannot for a property it defines).
  constexpr std::size_t librdkafka_default = 1'000'000;
  char value[32];
  std::size_t size = sizeof value;
  if (rd_kafka_conf_get(rd_kafka_conf(state_->rk.get()), "message.max.bytes", value, &size) != RD_KAFKA_CONF_OK)
    return librdkafka_default;
  return static_cast<std::size_t>(std::strtoull(value, nullptr, 10));
}

result<std::int32_t, kafka_status> kafka_producer::partition_count(
  std::string_view topic, std::chrono::milliseconds timeout) {
  return kafka_partition_count(state_->rk.get(), topic, timeout);
}

rd_kafka_t* kafka_producer::native_handle() const {
  return state_->rk.get();
}

} // namespace cs::runtime
