#pragma once
// Creating and deleting throwaway topics with librdkafka's admin API, so each test run owns a
// fresh topic (the broker has auto.create.topics.enable=false, and offsets must start at 0).
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <map>
#include <string>
#include <thread>

#include "runtime/kafka/client_config.hpp"
#include "runtime/kafka/handles.hpp"
#include "runtime/kafka/metadata.hpp"
#include "runtime/result.hpp"

namespace cs::runtime {

class kafka_admin {
public:
  static constexpr std::chrono::milliseconds request_timeout{15'000};

  explicit kafka_admin(const std::string& brokers)
    : rk_(runtime::make_rd_kafka(RD_KAFKA_PRODUCER,
                                 runtime::make_rd_kafka_conf({}, {{"bootstrap.servers", brokers}}))) {}

  // "" on success, else the reason. Waits until the topic's metadata shows every partition.
  // `configs` are topic-level settings (e.g. {"max.message.bytes", "64"}).
  std::string create_topic(const std::string& name, int partitions,
                           const std::map<std::string, std::string>& configs = {}) {
    constexpr int replication = 1; // the local broker is a single node
    char errstr[512];
    rd_kafka_NewTopic_t* topic = rd_kafka_NewTopic_new(name.c_str(), partitions, replication, errstr, sizeof errstr);
    if (!topic) return errstr;
    for (const auto& [key, value] : configs) {
      if (rd_kafka_NewTopic_set_config(topic, key.c_str(), value.c_str()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_NewTopic_destroy(topic);
        return "bad topic config " + key;
      }
    }
    auto* opts = rd_kafka_AdminOptions_new(rk_.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS);
    set_timeouts(opts);
    rd_kafka_queue_t* q = rd_kafka_queue_new(rk_.get());
    rd_kafka_CreateTopics(rk_.get(), &topic, 1, opts, q);
    std::string why = result_of(q, [](rd_kafka_event_t* ev, size_t* n) {
      return rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), n);
    });
    rd_kafka_queue_destroy(q);
    rd_kafka_AdminOptions_destroy(opts);
    rd_kafka_NewTopic_destroy(topic);
    if (!why.empty()) return why;
    return wait_for_partitions(name, partitions);
  }

  std::string delete_topic(const std::string& name) {
    rd_kafka_DeleteTopic_t* topic = rd_kafka_DeleteTopic_new(name.c_str());
    auto* opts = rd_kafka_AdminOptions_new(rk_.get(), RD_KAFKA_ADMIN_OP_DELETETOPICS);
    set_timeouts(opts);
    rd_kafka_queue_t* q = rd_kafka_queue_new(rk_.get());
    rd_kafka_DeleteTopics(rk_.get(), &topic, 1, opts, q);
    std::string why = result_of(q, [](rd_kafka_event_t* ev, size_t* n) {
      return rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev), n);
    });
    rd_kafka_queue_destroy(q);
    rd_kafka_AdminOptions_destroy(opts);
    rd_kafka_DeleteTopic_destroy(topic);
    return why;
  }

  // Every topic with its partition count.
  runtime::result<std::map<std::string, int>> list_topics() {
    const rd_kafka_metadata_t* raw = nullptr;
    const auto err = rd_kafka_metadata(rk_.get(), 1, nullptr, &raw, timeout_ms());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return runtime::failure{rd_kafka_err2str(err)};
    runtime::rd_kafka_metadata_ptr md{raw};
    std::map<std::string, int> out;
    for (int i = 0; i < md->topic_cnt; ++i) out[md->topics[i].topic] = md->topics[i].partition_cnt;
    return out;
  }

private:
  static int timeout_ms() { return static_cast<int>(request_timeout.count()); }

  // Bounds both the broker's work and the wait for an unreachable broker (librdkafka's default
  // request timeout is a minute).
  static void set_timeouts(rd_kafka_AdminOptions_t* opts) {
    char errstr[512];
    rd_kafka_AdminOptions_set_operation_timeout(opts, timeout_ms(), errstr, sizeof errstr);
    rd_kafka_AdminOptions_set_request_timeout(opts, timeout_ms(), errstr, sizeof errstr);
  }

  template <class TopicsOf>
  std::string result_of(rd_kafka_queue_t* q, TopicsOf topics_of) {
    rd_kafka_event_t* ev = rd_kafka_queue_poll(q, timeout_ms() * 2);
    if (!ev) return "no answer from the broker within the timeout";
    std::string why;
    if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      why = rd_kafka_event_error_string(ev);
    } else {
      size_t n = 0;
      const rd_kafka_topic_result_t** results = topics_of(ev, &n);
      for (size_t i = 0; i < n; ++i)
        if (rd_kafka_topic_result_error(results[i]) != RD_KAFKA_RESP_ERR_NO_ERROR)
          why = std::string(rd_kafka_topic_result_name(results[i])) + ": " + rd_kafka_topic_result_error_string(results[i]);
    }
    rd_kafka_event_destroy(ev);
    return why;
  }

  std::string wait_for_partitions(const std::string& name, int partitions) {
    using namespace std::chrono_literals;
    const auto deadline = std::chrono::steady_clock::now() + request_timeout;
    std::string last;
    while (std::chrono::steady_clock::now() < deadline) {
      auto n = runtime::kafka_partition_count(rk_.get(), name, 2s);
      if (n && *n == partitions) return {};
      last = n ? "only " + std::to_string(*n) + " partitions visible" : n.error().reason;
      std::this_thread::sleep_for(100ms);
    }
    return "topic " + name + " not visible after creation: " + last;
  }

  runtime::rd_kafka_ptr rk_;
};

// Deletes the topic when the test ends, however it ends.
class scoped_topic {
public:
  scoped_topic(kafka_admin& admin, std::string name) : admin_(admin), name_(std::move(name)) {}
  ~scoped_topic() { (void)admin_.delete_topic(name_); }
  scoped_topic(const scoped_topic&) = delete;
  scoped_topic& operator=(const scoped_topic&) = delete;
  const std::string& name() const { return name_; }

private:
  kafka_admin& admin_;
  std::string name_;
};

} // namespace cs::runtime
