#include "actors/kafka_consumer/poll_loop.hpp"

#include <caf/send.hpp>

#include <librdkafka/rdkafka.h>

#include <mutex>

#include "messages/atoms.hpp"
#include "messages/pipeline.hpp"
#include "runtime/log/log.hpp"
#include "runtime/kafka/consumer.hpp"

namespace cs {
namespace {
constexpr std::string_view component = "kafka_consumer";
constexpr std::size_t expected_payload_bytes = 128; // reserve hint for packed batches
constexpr std::size_t consume_batch = 4096;         // records per rd_kafka_consume_batch_queue call
} // namespace

struct poll_loop::state {
  runtime::kafka_config settings;
  std::string topic;
  poll_hooks hooks;
  poll_limits limits;
  std::shared_ptr<consumer_commands> commands;
  std::unique_ptr<runtime::kafka_consumer> consumer;

  struct owned {
    caf::actor reader;
    reader_instance instance = 0;
    inflight_counter inflight;
    std::uint64_t generation = 0;
    bool held = false;   // the reader is (re-)claiming: no records until its seek
    bool paused = false; // paused in librdkafka (held, or its reader is behind)
    raw_batch pending;
  };
  std::map<std::int32_t, owned> partitions; // touched only on the poll thread
  rd_kafka_queue_t* queue = nullptr;         // the consumer queue (records, errors, rebalances)
  std::vector<rd_kafka_message_t*> messages = std::vector<rd_kafka_message_t*>(consume_batch);
  bool fatal_reported = false;
  std::map<std::int32_t, std::int64_t> to_mirror; // checkpointed offsets not yet committed to the group
  std::chrono::steady_clock::time_point quiet_until{}; // no group commit before this
  mutable std::mutex stats_mutex;
  poll_loop::stats stats;
  std::vector<poll_loop::partition_view> views; // under stats_mutex
  std::chrono::steady_clock::time_point views_at{};

  runtime::kafka_topic_partition tp(std::int32_t p, std::int64_t offset = runtime::kafka_offset_invalid) const {
    return {topic, p, offset};
  }

  void count(std::uint64_t poll_loop::stats::*field) {
    std::lock_guard lock(stats_mutex);
    ++(stats.*field);
  }

  void refresh_views() {
    const auto now = std::chrono::steady_clock::now();
    if (now - views_at < std::chrono::milliseconds(250)) return;
    views_at = now;
    std::vector<poll_loop::partition_view> fresh;
    fresh.reserve(partitions.size());
    for (const auto& [p, o] : partitions) {
      std::int64_t low = -1, high = -1;
      // Reads librdkafka's cache: no broker round trip.
      if (rd_kafka_get_watermark_offsets(consumer->native_handle(), topic.c_str(), p, &low, &high) != RD_KAFKA_RESP_ERR_NO_ERROR ||
          high < 0)
        high = -1;
      fresh.push_back({p, o.paused, high});
    }
    std::lock_guard lock(stats_mutex);
    views = std::move(fresh);
  }

  void fatal(const std::string& why) {
    runtime::log_error(component, why + "; stopping this node so that a fresh group member takes over");
    count(&poll_loop::stats::errors);
    if (std::exchange(fatal_reported, true) || !hooks.on_fatal) return;
    hooks.on_fatal(why);
  }

  void on_rebalance(runtime::kafka_rebalance_event ev, std::span<runtime::kafka_topic_partition> parts) {
    quiet_until = std::chrono::steady_clock::now() + limits.mirror_interval;
    std::vector<std::int32_t> ids;
    for (const auto& p : parts) ids.push_back(p.partition);
    if (ev == runtime::kafka_rebalance_event::assigned) {
      auto starts = hooks.on_assign(ids);
      for (auto& s : starts) {
        if (!s.reader) continue;
        for (auto& p : parts)
          if (p.partition == s.partition) p.offset = s.offset;
        auto& o = partitions[s.partition];
        o = owned{};
        o.reader = s.reader;
        o.instance = s.instance;
        o.inflight = s.inflight;
        // Not claimed yet: librdkafka would start at the group's committed offset, which may be
        // behind the claim; hold it (paused right after the assignment) until the reader seeks.
        o.held = s.offset == runtime::kafka_offset_invalid;
      }
      std::size_t missing = 0;
      for (auto id : ids) missing += partitions.count(id) == 0 ? 1 : 0;
      runtime::log_info(component, "assigned " + std::to_string(ids.size()) + " partition(s)");
      if (missing > 0)
        fatal(std::to_string(missing) + " of " + std::to_string(ids.size()) + " assigned partitions have no reader");
    } else {
      for (auto id : ids) flush(id);
      hooks.on_revoke(ids, ev == runtime::kafka_rebalance_event::lost);
      for (auto id : ids) {
        partitions.erase(id);
        to_mirror.erase(id); // its next owner mirrors its own checkpoints
      }
      runtime::log_info(component, std::string(ev == runtime::kafka_rebalance_event::lost ? "lost " : "revoked ") +
                                     std::to_string(ids.size()) + " partition(s)");
    }
  }

  void flush(std::int32_t p) {
    auto it = partitions.find(p);
    if (it == partitions.end() || it->second.pending.size() == 0) return;
    auto& o = it->second;
    o.inflight->fetch_add(1, std::memory_order_relaxed);
    o.pending.partition = p;
    o.pending.generation = o.generation;
    // librdkafka's cached high watermark of the last fetch response: no broker round trip.
    std::int64_t low = -1, high = -1;
    if (rd_kafka_get_watermark_offsets(consumer->native_handle(), topic.c_str(), p, &low, &high) == RD_KAFKA_RESP_ERR_NO_ERROR && high >= 0)
      o.pending.log_end = high;
    caf::anon_send(o.reader, batch_atom::value, std::move(o.pending));
    o.pending = raw_batch{};
    count(&poll_loop::stats::batches);
  }

  void apply_commands() {
    for (const auto& c : commands->take()) {
      auto it = partitions.find(c.partition);
      if (it == partitions.end() || it->second.instance != c.instance) {
        // A revoked reader (its partition gone, or read here by a newer reader): never obeyed.
        count(&poll_loop::stats::stale_commands);
        continue;
      }
      auto& o = it->second;
      switch (c.what) {
        case consumer_command::kind::seek: seek(c.partition, o, c.offset, c.generation); break;
        case consumer_command::kind::commit: to_mirror[c.partition] = c.offset; break;
        case consumer_command::kind::hold:
          o.held = true;
          o.pending = raw_batch{};
          break;
      }
    }
  }

  void seek(std::int32_t p, owned& o, std::int64_t offset, std::uint64_t generation) {
    o.generation = generation;
    o.pending = raw_batch{};
    // rd_kafka_seek_partitions also purges what was prefetched for the partition.
    auto list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = offset;
    std::string failure;
    if (auto* err = rd_kafka_seek_partitions(consumer->native_handle(), list, -1)) {
      failure = rd_kafka_error_string(err);
      rd_kafka_error_destroy(err);
    } else if (list->elems[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      failure = rd_kafka_err2str(list->elems[0].err);
    }
    rd_kafka_topic_partition_list_destroy(list);
    if (!failure.empty()) {
      // The reader restarts from its checkpoint and asks again; until then it reads nothing.
      runtime::log_error(component, topic + "[" + std::to_string(p) + "]: seek to " + std::to_string(offset) + " failed: " + failure);
      count(&poll_loop::stats::seek_failures);
      o.held = true;
      caf::anon_send(o.reader, seek_failed_atom::value, failure);
      return;
    }
    o.held = false;
  }

  void mirror_offsets() {
    const auto now = std::chrono::steady_clock::now();
    if (to_mirror.empty() || now < quiet_until) return;
    std::vector<runtime::kafka_topic_partition> offsets;
    for (const auto& [p, off] : to_mirror) offsets.push_back(tp(p, off));
    to_mirror.clear();
    quiet_until = now + limits.mirror_interval;
    if (auto st = consumer->commit(offsets, true); !st) runtime::log_warn(component, "offset commit failed: " + st.reason);
  }

  // Pauses a partition while it is held or its reader is behind; resumes it when neither holds.
  void apply_flow() {
    for (auto& [p, o] : partitions) {
      const auto n = o.inflight->load(std::memory_order_relaxed);
      const bool behind = o.paused ? n > limits.resume_inflight_batches : n > limits.max_inflight_batches;
      const bool want = o.held || behind;
      if (want == o.paused) continue;
      const runtime::kafka_topic_partition t = tp(p);
      if (want) {
        if (auto st = consumer->pause(std::span(&t, 1)); st) {
          o.paused = true;
          if (!o.held) count(&poll_loop::stats::pauses);
        } else {
          runtime::log_warn(component, "pause failed: " + st.reason);
        }
      } else if (auto st = consumer->resume(std::span(&t, 1)); st) {
        o.paused = false;
      } else {
        runtime::log_warn(component, "resume failed: " + st.reason);
      }
    }
  }

  // One poll round: drain what is already fetched, in batches (rd_kafka_consume_batch_queue takes
  // the queue lock once per batch, not once per record, and also serves rebalance callbacks); if
  // nothing is, wait for the first record only. A batch call with a timeout waits until its batch
  // is FULL or the timeout passes, so waiting for a whole batch would hold a trickle of records
  // back by up to the poll timeout.
  void poll_round() {
    std::size_t taken = 0;
    bool waited = false;
    while (taken < limits.max_poll_records) {
      const auto want = std::min(messages.size(), limits.max_poll_records - taken);
      ssize_t n = rd_kafka_consume_batch_queue(queue, 0, messages.data(), want);
      if (n == 0 && taken == 0 && !waited) {
        waited = true;
        n = rd_kafka_consume_batch_queue(queue, static_cast<int>(limits.poll_timeout.count()), messages.data(), 1);
      }
      if (n <= 0) break;
      for (ssize_t i = 0; i < n; ++i) taken += take(messages[static_cast<std::size_t>(i)]);
    }
    for (auto& [p, o] : partitions) flush(p);
    std::lock_guard lock(stats_mutex);
    stats.records += taken;
  }

  // Copies one record into its partition's pending batch; returns 1 if it was taken.
  std::size_t take(rd_kafka_message_t* msg) {
    std::size_t taken = 0;
    if (msg->err) {
      if (msg->err == RD_KAFKA_RESP_ERR__FATAL) {
        fatal(std::string("fatal consumer error: ") + rd_kafka_message_errstr(msg));
      } else if (msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        // Mostly transient (a broker connection lost and retried by librdkafka).
        runtime::log_warn(component, std::string("consume error: ") + rd_kafka_message_errstr(msg));
        count(&poll_loop::stats::errors);
      }
    } else if (auto it = partitions.find(msg->partition); it != partitions.end() && !it->second.held) {
      auto& b = it->second.pending;
      if (b.size() == 0) b.bytes.reserve(limits.max_poll_records * expected_payload_bytes / 4);
      b.bytes.append(static_cast<const char*>(msg->payload), msg->len);
      b.ends.push_back(static_cast<std::uint32_t>(b.bytes.size()));
      b.offsets.push_back(msg->offset);
      taken = 1;
    }
    rd_kafka_message_destroy(msg);
    return taken;
  }
};

poll_loop::poll_loop(runtime::kafka_config settings, std::string topic, poll_hooks hooks, poll_limits limits,
                     std::shared_ptr<consumer_commands> commands)
  : state_(std::make_unique<state>()) {
  state_->settings = std::move(settings);
  state_->topic = std::move(topic);
  state_->hooks = std::move(hooks);
  state_->limits = limits;
  state_->commands = std::move(commands);
}

poll_loop::~poll_loop() { stop(); }

void poll_loop::start() {
  auto* st = state_.get();
  st->consumer = std::make_unique<runtime::kafka_consumer>(
    st->settings, [st](runtime::kafka_rebalance_event ev, std::span<runtime::kafka_topic_partition> parts) {
      st->on_rebalance(ev, parts);
    });
  const std::string topics[] = {st->topic};
  if (auto s = st->consumer->subscribe(topics); !s) throw runtime::kafka_config_error("subscribe failed: " + s.reason);
  st->queue = rd_kafka_queue_get_consumer(st->consumer->native_handle());
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void poll_loop::run() {
  while (!stop_requested_.load()) {
    state_->apply_commands();
    state_->mirror_offsets();
    state_->apply_flow();
    state_->poll_round();
    state_->refresh_views();
    // Errors raised inside the rebalance callback (an (un)assignment librdkafka refused): the
    // group and this node now disagree about who reads what.
    if (auto deferred = state_->consumer->take_deferred_error(); !deferred.ok())
      state_->fatal("rebalance failed: " + deferred.reason);
  }
  // Leaving the group revokes every partition through the hook: final checkpoints happen there.
  rd_kafka_queue_destroy(state_->queue);
  state_->queue = nullptr;
  (void)state_->consumer->close();
  const auto c = counters();
  runtime::log_info(component, "poll loop stopped: " + std::to_string(c.records) + " records in " + std::to_string(c.batches) +
                                 " batches, " + std::to_string(c.pauses) + " pauses, " + std::to_string(c.errors) + " errors, " +
                                 std::to_string(c.stale_commands) + " stale commands, " + std::to_string(c.seek_failures) +
                                 " failed seeks");
  running_ = false;
}

void poll_loop::stop() {
  stop_requested_ = true;
  if (thread_.joinable()) thread_.join();
}

std::vector<poll_loop::partition_view> poll_loop::partitions() const {
  std::lock_guard lock(state_->stats_mutex);
  return state_->views;
}

poll_loop::stats poll_loop::counters() const {
  std::lock_guard lock(state_->stats_mutex);
  return state_->stats;
}

} // namespace cs
