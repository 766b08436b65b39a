#include "topic_range_reader.hpp"

#include <unistd.h>

#include <algorithm>
#include <map>

#include "event_producer.hpp"
#include "runtime/kafka/consumer.hpp"
#include "runtime/kafka/handles.hpp"

namespace cs::feed {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
constexpr auto metadata_timeout = 10s;
constexpr auto poll_timeout = 200ms;
constexpr std::size_t poll_batch_size = 10'000;

runtime::kafka_config consumer_config(const topic_range_request& r) {
  return {
    {"bootstrap.servers", r.brokers},
    // librdkafka wants a group id; nothing is ever committed under it (manual assignment).
    {"group.id", "candle-feed-reference-" + std::to_string(::getpid())},
    {"enable.auto.offset.store", "false"},
    // A start offset that retention already deleted is an error, not a silent jump.
    {"auto.offset.reset", "error"},
  };
}

struct partition_progress {
  partition_range range;
  std::int64_t next = 0; // next offset expected
  bool done() const { return next >= range.end; }
};

} // namespace

std::vector<partition_range> read_topic_range(const topic_range_request& request,
                                              const std::function<void(const runtime::kafka_record&)>& on_record) {
  runtime::kafka_consumer consumer{consumer_config(request)};
  auto count = consumer.partition_count(request.topic, metadata_timeout);
  if (!count) throw kafka_failure("topic '" + request.topic + "' at " + request.brokers + ": " + count.error().reason);

  std::map<std::int32_t, partition_progress> progress;
  std::vector<runtime::kafka_topic_partition> assignment;
  std::vector<partition_range> ranges;
  for (std::int32_t p = 0; p < *count; ++p) {
    std::int64_t low = 0, high = 0;
    const auto err = rd_kafka_query_watermark_offsets(consumer.native_handle(), request.topic.c_str(), p, &low,
                                                      &high, static_cast<int>(std::chrono::milliseconds{metadata_timeout}.count()));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
      throw kafka_failure("watermarks of " + request.topic + "[" + std::to_string(p) + "]: " + rd_kafka_err2str(err));
    partition_range r{p, request.from == runtime::kafka_offset_beginning ? low : request.from,
                      request.to ? std::min(*request.to, high) : high};
    if (r.begin < low && r.begin < r.end)
      throw kafka_failure(request.topic + "[" + std::to_string(p) + "]: offsets from " + std::to_string(r.begin) +
                          " were deleted by retention; the earliest is " + std::to_string(low));
    r.end = std::max(r.end, r.begin); // an empty range when from is past the end
    ranges.push_back(r);
    if (r.begin < r.end) {
      progress[p] = {r, r.begin};
      assignment.push_back({request.topic, p, r.begin});
    }
  }
  if (assignment.empty()) return ranges;
  if (auto st = consumer.assign(assignment); !st.ok()) throw kafka_failure(st.reason);

  std::vector<runtime::kafka_record> batch;
  std::string last_error;
  auto last_progress = clock_type::now();
  std::size_t pending = progress.size();
  while (pending > 0) {
    batch.clear();
    auto st = consumer.poll_batch(batch, poll_batch_size, poll_timeout);
    if (!st.ok()) {
      if (st.fatal || st.code == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET) throw kafka_failure(st.reason);
      last_error = st.reason; // transient: librdkafka retries
    }
    for (const auto& rec : batch) {
      auto it = progress.find(rec.partition);
      if (it == progress.end() || rec.offset >= it->second.range.end || rec.offset < it->second.next) continue;
      on_record(rec);
      const bool was_done = it->second.done();
      it->second.next = rec.offset + 1;
      if (!was_done && it->second.done()) --pending;
      last_progress = clock_type::now();
    }
    if (!batch.empty() || pending == 0) continue;
    // Nothing fetched: a partition whose last offsets are transaction markers (no records) is
    // complete once the consumer's position reaches the end.
    runtime::rd_kafka_topic_partition_list_ptr list{rd_kafka_topic_partition_list_new(static_cast<int>(pending))};
    for (const auto& [p, pr] : progress)
      if (!pr.done()) rd_kafka_topic_partition_list_add(list.get(), request.topic.c_str(), p);
    if (rd_kafka_position(consumer.native_handle(), list.get()) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      for (int i = 0; i < list->cnt; ++i) {
        auto& pr = progress[list->elems[i].partition];
        if (list->elems[i].offset > pr.next) {
          const bool was_done = pr.done();
          pr.next = list->elems[i].offset;
          if (!was_done && pr.done()) --pending;
          last_progress = clock_type::now();
        }
      }
    }
    if (clock_type::now() - last_progress > request.stall_timeout) {
      std::string where;
      for (const auto& [p, pr] : progress)
        if (!pr.done())
          where += " [" + std::to_string(p) + "] at " + std::to_string(pr.next) + " of " + std::to_string(pr.range.end);
      throw kafka_failure("reading " + request.topic + " stalled:" + where + (last_error.empty() ? "" : "; last error: " + last_error));
    }
  }
  return ranges;
}

} // namespace cs::feed
