#include "runtime/kafka/consumer.hpp"

#include <cstring>
#include <exception>
#include <utility>

#include "runtime/kafka/metadata.hpp"

namespace cs::runtime {

static_assert(kafka_offset_beginning == RD_KAFKA_OFFSET_BEGINNING);
static_assert(kafka_offset_end == RD_KAFKA_OFFSET_END);
static_assert(kafka_offset_stored == RD_KAFKA_OFFSET_STORED);
static_assert(kafka_offset_invalid == RD_KAFKA_OFFSET_INVALID);

namespace {

rd_kafka_topic_partition_list_ptr to_rd_list(std::span<const kafka_topic_partition> partitions) {
  rd_kafka_topic_partition_list_ptr list{
    rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size()))};
  for (const auto& p : partitions)
    rd_kafka_topic_partition_list_add(list.get(), p.topic.c_str(), p.partition)->offset = p.offset;
  return list;
}

std::vector<kafka_topic_partition> from_rd_list(const rd_kafka_topic_partition_list_t* list) {
  std::vector<kafka_topic_partition> out;
  if (list == nullptr)
    return out;
  out.reserve(static_cast<std::size_t>(list->cnt));
  for (int i = 0; i < list->cnt; ++i)
    out.push_back({list->elems[i].topic, list->elems[i].partition, list->elems[i].offset});
  return out;
}

// The first per-partition error of a list that librdkafka filled in (commit, committed).
kafka_status first_partition_error(const rd_kafka_topic_partition_list_t* list,
                                   std::string_view what) {
  for (int i = 0; i < list->cnt; ++i) {
    const auto& e = list->elems[i];
    if (e.err != RD_KAFKA_RESP_ERR_NO_ERROR)
      return kafka_status::from(e.err, std::string{what} + " " + e.topic + "["
                                         + std::to_string(e.partition) + "]");
  }
  return kafka_status::success();
}

kafka_status closed_status(std::string_view what) {
  return kafka_status::from(RD_KAFKA_RESP_ERR__STATE, std::string{what} + " (consumer closed)");
}

kafka_record to_record(const rd_kafka_message_t& msg) {
  kafka_record r;
  r.topic = rd_kafka_topic_name(msg.rkt);
  r.partition = msg.partition;
  r.offset = msg.offset;
  rd_kafka_timestamp_type_t ts_type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
  r.timestamp_ms = rd_kafka_message_timestamp(&msg, &ts_type);
  r.has_key = msg.key != nullptr;
  if (r.has_key)
    r.key.assign(static_cast<const char*>(msg.key), msg.key_len);
  if (msg.payload != nullptr)
    r.value.assign(static_cast<const char*>(msg.payload), msg.len);
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(&msg, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name = nullptr;
    const void* value = nullptr;
    std::size_t size = 0;
    for (std::size_t i = 0;
         rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i)
      r.headers.push_back({name, value != nullptr
                                   ? std::string{static_cast<const char*>(value), size}
                                   : std::string{}});
  }
  return r;
}

} // namespace

struct kafka_consumer::state {
  kafka_rebalance_handler on_rebalance;
  rd_kafka_ptr rk;
  // An error raised inside a callback, reported by the next poll_batch().
  kafka_status pending;

  state() = default;
  state(const state&) = delete;
  state& operator=(const state&) = delete;
  // Here rather than in ~kafka_consumer, so that a move-assigned-over consumer closes too.
  ~state() { (void)close(); }

  kafka_status close() {
    if (!rk)
      return kafka_status::success();
    // Serves the final revocation through the rebalance handler, then leaves the group.
    auto s = kafka_status::from(rd_kafka_consumer_close(rk.get()), "close consumer");
    rk.reset();
    if (!pending.ok())
      return std::exchange(pending, kafka_status::success());
    return s;
  }

  void remember(kafka_status s) {
    if (pending.ok() && !s.ok())
      pending = std::move(s);
  }

  void notify(kafka_rebalance_event event, rd_kafka_topic_partition_list_t* list) {
    if (!on_rebalance)
      return;
    auto partitions = from_rd_list(list);
    try {
      on_rebalance(event, partitions);
    } catch (const std::exception& e) {
      remember(kafka_status::from(RD_KAFKA_RESP_ERR__FAIL,
                                  std::string{"rebalance handler threw: "} + e.what()));
      return;
    } catch (...) {
      remember(kafka_status::from(RD_KAFKA_RESP_ERR__FAIL, "rebalance handler threw"));
      return;
    }
    // Only offsets may change: the handler gets a span, so size and order are librdkafka's.
    for (int i = 0; i < list->cnt; ++i)
      list->elems[i].offset = partitions[static_cast<std::size_t>(i)].offset;
  }

  static void on_rebalance_cb(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                              rd_kafka_topic_partition_list_t* partitions, void* opaque) {
    auto* self = static_cast<state*>(opaque);
    // Cooperative strategies hand over increments; eager ones replace the whole assignment.
    const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
    switch (err) {
      case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
        self->notify(kafka_rebalance_event::assigned, partitions);
        if (cooperative)
          self->remember(kafka_status::from(rd_kafka_incremental_assign(rk, partitions),
                                            "incremental assign"));
        else
          self->remember(kafka_status::from(rd_kafka_assign(rk, partitions), "assign"));
        break;
      case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
        self->notify(rd_kafka_assignment_lost(rk) != 0 ? kafka_rebalance_event::lost
                                                       : kafka_rebalance_event::revoked,
                     partitions);
        if (cooperative)
          self->remember(kafka_status::from(rd_kafka_incremental_unassign(rk, partitions),
                                            "incremental unassign"));
        else
          self->remember(kafka_status::from(rd_kafka_assign(rk, nullptr), "unassign"));
        break;
      default:
        // librdkafka's documented reaction to a failed rebalance: drop the assignment.
        self->remember(kafka_status::from(err, "rebalance"));
        (void)rd_kafka_assign(rk, nullptr);
        break;
    }
  }
};

const kafka_config& kafka_consumer::default_settings() {
  static const kafka_config defaults{{"enable.auto.commit", "false"}};
  return defaults;
}

kafka_consumer::kafka_consumer(const kafka_config& settings, kafka_rebalance_handler on_rebalance)
  : state_(std::make_unique<state>()) {
  state_->on_rebalance = std::move(on_rebalance);
  auto conf = make_rd_kafka_conf(default_settings(), settings);
  // The opaque is the heap state, so moving the consumer keeps callbacks pointing at live data.
  rd_kafka_conf_set_opaque(conf.get(), state_.get());
  rd_kafka_conf_set_rebalance_cb(conf.get(), &state::on_rebalance_cb);
  state_->rk = make_rd_kafka(RD_KAFKA_CONSUMER, std::move(conf));
  // One queue for everything (records, errors, rebalances), served by poll_batch().
  (void)rd_kafka_poll_set_consumer(state_->rk.get());
}

kafka_consumer::~kafka_consumer() = default;
kafka_consumer::kafka_consumer(kafka_consumer&&) noexcept = default;
kafka_consumer& kafka_consumer::operator=(kafka_consumer&&) noexcept = default;

kafka_status kafka_consumer::subscribe(std::span<const std::string> topics) {
  if (!state_->rk)
    return closed_status("subscribe");
  rd_kafka_topic_partition_list_ptr list{
    rd_kafka_topic_partition_list_new(static_cast<int>(topics.size()))};
  for (const auto& t : topics)
    rd_kafka_topic_partition_list_add(list.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
  return kafka_status::from(rd_kafka_subscribe(state_->rk.get(), list.get()), "subscribe");
}

kafka_status kafka_consumer::assign(std::span<const kafka_topic_partition> partitions) {
  if (!state_->rk)
    return closed_status("assign");
  auto list = to_rd_list(partitions);
  return kafka_status::from(rd_kafka_assign(state_->rk.get(), list.get()), "assign");
}

kafka_status kafka_consumer::poll_batch(std::vector<kafka_record>& out, std::size_t max_records,
                                        std::chrono::milliseconds timeout) {
  if (!state_->rk)
    return closed_status("poll");
  kafka_status first_error;
  // Bounded by messages polled, errors and end-of-partition events included: a queue that keeps
  // yielding errors must not hold the caller here forever.
  for (std::size_t polled = 0; polled < max_records; ++polled) {
    // Only the first poll may wait: the batch is what is ready, not what might come.
    const int wait_ms = polled == 0 ? static_cast<int>(timeout.count()) : 0;
    rd_kafka_message_t* msg = rd_kafka_consumer_poll(state_->rk.get(), wait_ms);
    if (msg == nullptr)
      break;
    if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      out.push_back(to_record(*msg));
    } else if (msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF && first_error.ok()) {
      first_error = kafka_status::from(msg->err, "consume");
      first_error.reason += std::string{" ("} + rd_kafka_message_errstr(msg) + ")";
      first_error.fatal = msg->err == RD_KAFKA_RESP_ERR__FATAL;
    }
    rd_kafka_message_destroy(msg);
  }
  if (!state_->pending.ok())
    return std::exchange(state_->pending, kafka_status::success());
  return first_error;
}

kafka_status kafka_consumer::take_deferred_error() {
  return std::exchange(state_->pending, kafka_status::success());
}

kafka_status kafka_consumer::commit(std::span<const kafka_topic_partition> offsets, bool async) {
  if (!state_->rk)
    return closed_status("commit");
  auto list = to_rd_list(offsets);
  auto s =
    kafka_status::from(rd_kafka_commit(state_->rk.get(), list.get(), async ? 1 : 0), "commit");
  if (!s.ok() || async)
    return s;
  return first_partition_error(list.get(), "commit");
}

result<std::vector<kafka_topic_partition>, kafka_status>
kafka_consumer::committed(std::span<const kafka_topic_partition> partitions,
                          std::chrono::milliseconds timeout) {
  if (!state_->rk)
    return closed_status("committed");
  auto list = to_rd_list(partitions);
  const int timeout_ms = static_cast<int>(timeout.count());
  auto s = kafka_status::from(rd_kafka_committed(state_->rk.get(), list.get(), timeout_ms),
                              "committed");
  if (s.ok())
    s = first_partition_error(list.get(), "committed");
  if (!s.ok())
    return s;
  return from_rd_list(list.get());
}

result<std::vector<kafka_topic_partition>, kafka_status> kafka_consumer::assignment() {
  if (!state_->rk)
    return closed_status("assignment");
  rd_kafka_topic_partition_list_t* raw = nullptr;
  auto s = kafka_status::from(rd_kafka_assignment(state_->rk.get(), &raw), "assignment");
  rd_kafka_topic_partition_list_ptr list{raw};
  if (!s.ok())
    return s;
  return from_rd_list(list.get());
}

kafka_status kafka_consumer::pause(std::span<const kafka_topic_partition> partitions) {
  if (!state_->rk)
    return closed_status("pause");
  auto list = to_rd_list(partitions);
  auto s = kafka_status::from(rd_kafka_pause_partitions(state_->rk.get(), list.get()), "pause");
  return s.ok() ? first_partition_error(list.get(), "pause") : s;
}

kafka_status kafka_consumer::resume(std::span<const kafka_topic_partition> partitions) {
  if (!state_->rk)
    return closed_status("resume");
  auto list = to_rd_list(partitions);
  auto s = kafka_status::from(rd_kafka_resume_partitions(state_->rk.get(), list.get()), "resume");
  return s.ok() ? first_partition_error(list.get(), "resume") : s;
}

result<kafka_watermarks, kafka_status> kafka_consumer::query_watermarks(const std::string& topic, std::int32_t partition,
                                                                        std::chrono::milliseconds timeout) {
  if (!state_->rk)
    return closed_status("watermarks");
  kafka_watermarks w;
  auto s = kafka_status::from(rd_kafka_query_watermark_offsets(state_->rk.get(), topic.c_str(), partition, &w.low,
                                                               &w.high, static_cast<int>(timeout.count())),
                              "query watermarks");
  if (!s.ok())
    return s;
  return w;
}

result<std::int32_t, kafka_status> kafka_consumer::partition_count(
  std::string_view topic, std::chrono::milliseconds timeout) {
  if (!state_->rk)
    return closed_status("metadata");
  return kafka_partition_count(state_->rk.get(), topic, timeout);
}

kafka_status kafka_consumer::close() {
  return state_ ? state_->close() : kafka_status::success();
}

rd_kafka_t* kafka_consumer::native_handle() const {
  return state_->rk.get();
}

} // namespace cs::runtime
