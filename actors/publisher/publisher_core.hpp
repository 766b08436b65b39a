#pragma once
// The publisher without CAF: runs one publish_job per request and routes each delivery report to
// the job that sent the record. Reports of a request already answered (its deadline passed, so
// it failed) are counted as stale and touch no other request. Correlation ids keep increasing
// over the publisher's life (2^64 never wraps), so "already answered" is exact.
// Single-threaded: the producer hands reports to on_delivery() from inside produce/flush calls
// made by publish(). The counters are atomics so that other threads may read them.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <utility>

#include "actors/publisher/publish_job.hpp"
#include "runtime/kafka/producer.hpp"

namespace cs {

// Totals over the publisher's life.
struct publisher_counters {
  std::atomic<std::uint64_t> published{0};       // records acknowledged, in requests that succeeded
  std::atomic<std::uint64_t> failed_requests{0};
  std::atomic<std::uint64_t> truncated{0};       // diverted records published with a cut payload
  std::atomic<std::uint64_t> dropped{0};         // diverted records refused even cut, so dropped
  std::atomic<std::uint64_t> stale_reports{0};   // reports that arrived after their request was answered
  std::atomic<std::uint64_t> delivery_failures{0}; // reports with an error, of any request
  std::atomic<std::int64_t> in_flight{0};        // records of the running request not yet reported
};

template <class Producer>
class publisher_core {
public:
  publisher_core(publisher_topics topics, std::chrono::nanoseconds timeout, std::shared_ptr<publisher_counters> counters)
    : topics_(std::move(topics)), timeout_(timeout), counters_(std::move(counters)) {}

  // The producer's delivery callback. False: the report belongs to no running request.
  bool on_delivery(const runtime::kafka_delivery_report& r) {
    if (!r.status.ok()) counters_->delivery_failures.fetch_add(1, std::memory_order_relaxed);
    if (job_ != nullptr && job_->on_delivery(r.correlation_id, r.status)) {
      counters_->in_flight.fetch_sub(1, std::memory_order_relaxed);
      return true;
    }
    counters_->stale_reports.fetch_add(1, std::memory_order_relaxed);
    return false;
  }

  publish_outcome publish(Producer& producer, const publish_request& req) {
    publish_job<Producer> job(producer, topics_, req, std::chrono::duration_cast<std::chrono::steady_clock::duration>(timeout_), next_id_);
    auto& c = *counters_;
    c.in_flight.store(static_cast<std::int64_t>(req.finals.size() + req.invalid.size() + req.late.size()), std::memory_order_relaxed);
    running guard{*this, job};
    auto out = job.run();
    c.in_flight.store(0, std::memory_order_relaxed);
    if (out.ok) c.published.fetch_add(out.acknowledged, std::memory_order_relaxed);
    else c.failed_requests.fetch_add(1, std::memory_order_relaxed);
    c.truncated.fetch_add(out.truncated, std::memory_order_relaxed);
    c.dropped.fetch_add(out.dropped, std::memory_order_relaxed);
    return out;
  }

  const publisher_counters& counters() const { return *counters_; }

private:
  // Routes reports to the job for exactly its run, however run() ends, and then reserves the ids
  // it handed out, so its late reports can never match a later job.
  struct running {
    publisher_core& core;
    publish_job<Producer>& job;
    running(publisher_core& c, publish_job<Producer>& j) : core(c), job(j) { core.job_ = &job; }
    ~running() {
      core.job_ = nullptr;
      core.next_id_ = job.end_id();
    }
    running(const running&) = delete;
    running& operator=(const running&) = delete;
  };

  publisher_topics topics_;
  std::chrono::nanoseconds timeout_;
  std::shared_ptr<publisher_counters> counters_;
  publish_job<Producer>* job_ = nullptr;
  std::uint64_t next_id_ = 1; // 0 is what a record produced without an id reports
};

} // namespace cs
