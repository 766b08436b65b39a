#pragma once
// A stand-in for runtime::kafka_producer that the publisher's core (actors/publisher/) runs
// against in unit tests: it "delivers" what it is given when flushed, refusing records as a test
// scripts it (per topic size limits, per key error codes, reports held back until released,
// a slow or full local queue), so that late reports, oversize records and deadlines happen
// exactly when a test wants them. Single-threaded, like the publisher.
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "runtime/kafka/producer.hpp"

namespace cs::test {

class scripted_producer {
public:
  using clock = std::chrono::steady_clock;

  struct record {
    std::string topic, key, value;
    std::vector<runtime::kafka_header> headers;
    std::uint64_t id = 0;
  };

  // --- the script ---
  std::size_t max_bytes = 1'000'000;                      // message.max.bytes: larger is refused by produce
  std::map<std::string, std::size_t> topic_limit;         // the broker refuses larger values (report)
  std::map<std::string, rd_kafka_resp_err_t> fail_key;    // every record with this key fails so (report)
  std::set<std::string> hold_topics;                      // reports for these topics wait for release()
  clock::duration produce_delay{};                        // each produce waits on a full queue this long
  bool queue_always_full = false;

  // --- what happened ---
  std::vector<record> accepted; // every record produce took, in order
  std::function<void(const runtime::kafka_delivery_report&)> on_delivery;

  runtime::kafka_status produce_until(std::string_view topic, std::string_view key, std::string_view value,
                                      const runtime::kafka_produce_options& options, clock::time_point deadline) {
    const auto wait = queue_always_full ? deadline - clock::now() : produce_delay;
    if (wait > clock::duration::zero()) std::this_thread::sleep_for(std::min(wait, deadline - clock::now()));
    if (queue_always_full || (produce_delay > clock::duration::zero() && clock::now() >= deadline))
      return runtime::kafka_status::from(RD_KAFKA_RESP_ERR__QUEUE_FULL, "produce to " + std::string{topic});
    std::size_t size = key.size() + value.size();
    for (const auto& h : options.headers) size += h.name.size() + h.value.size();
    if (size > max_bytes)
      return runtime::kafka_status::from(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, "produce to " + std::string{topic});
    record r{std::string{topic}, std::string{key}, std::string{value}, {options.headers.begin(), options.headers.end()},
             options.correlation_id};
    auto err = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (auto it = topic_limit.find(r.topic); it != topic_limit.end() && value.size() > it->second)
      err = RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE;
    if (auto it = fail_key.find(r.key); it != fail_key.end()) err = it->second;
    reports_.push_back({r.id, r.topic, r.key, err, hold_topics.count(r.topic) > 0});
    accepted.push_back(std::move(r));
    return runtime::kafka_status::success();
  }

  // Delivers every report not held back; with none to deliver, waits `timeout` as librdkafka would.
  runtime::kafka_status flush(std::chrono::milliseconds timeout) {
    bool any = false;
    for (auto it = reports_.begin(); it != reports_.end();) {
      if (it->held) {
        ++it;
        continue;
      }
      const auto r = *it;
      it = reports_.erase(it);
      deliver(r);
      any = true;
    }
    if (!any) std::this_thread::sleep_for(timeout);
    return reports_.empty() ? runtime::kafka_status::success()
                            : runtime::kafka_status::from(RD_KAFKA_RESP_ERR__TIMED_OUT, "flush producer");
  }

  // Lets held reports go at the next flush.
  void release() {
    hold_topics.clear();
    for (auto& r : reports_) r.held = false;
  }

  std::size_t max_message_bytes() const { return max_bytes; }

  // The accepted records of one topic.
  std::vector<record> on_topic(const std::string& topic) const {
    std::vector<record> out;
    for (const auto& r : accepted)
      if (r.topic == topic) out.push_back(r);
    return out;
  }

private:
  struct report {
    std::uint64_t id;
    std::string topic, key;
    rd_kafka_resp_err_t err;
    bool held;
  };

  void deliver(const report& r) {
    if (!on_delivery) return;
    runtime::kafka_delivery_report d;
    d.topic = r.topic;
    d.key = r.key;
    d.correlation_id = r.id;
    d.offset = r.err == RD_KAFKA_RESP_ERR_NO_ERROR ? 0 : runtime::kafka_offset_invalid;
    d.status = runtime::kafka_status::from(r.err, "deliver to " + r.topic);
    on_delivery(d);
  }

  std::deque<report> reports_;
};

} // namespace cs::test
