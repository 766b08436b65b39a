#pragma once
// One publish request, from produce to verdict (docs/design.md §4, step 2). The request succeeds
// only if Kafka acknowledged each of its own records (delivery_ledger), within one deadline for
// the whole request: producing (while the local queue is full), waiting for reports and the
// second attempt at oversize diverted records all count against it, so a request never holds the
// publisher (and every partition's checkpoint behind it) longer than pipeline.publish-timeout.
// Oversize DLQ and late records are re-produced cut, else dropped (oversize_records.hpp).
//
// A template over the producer so that unit tests drive it with a scripted one; the publisher
// actor uses runtime::kafka_producer. A Producer provides
//   kafka_status produce_until(topic, key, value, const kafka_produce_options&, steady_clock::time_point deadline);
//   kafka_status flush(std::chrono::milliseconds);  // serves reports, which reach on_delivery()
//   std::size_t max_message_bytes() const;
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "actors/publisher/delivery_ledger.hpp"
#include "actors/publisher/failure_summary.hpp"
#include "actors/publisher/oversize_records.hpp"
#include "messages/candle_json.hpp"
#include "messages/pipeline.hpp"
#include "runtime/kafka/producer.hpp"

namespace cs {

struct publisher_topics {
  std::string candles;
  std::string dlq;
  std::string late;
};

// What one request came to.
struct publish_outcome {
  bool ok = false;
  std::string reason;            // why not ok: the text of pipeline_errc::publish_failed
  std::uint64_t acknowledged = 0; // records Kafka acknowledged (cut ones included)
  std::uint64_t truncated = 0;    // diverted records acknowledged only with a cut payload
  std::uint64_t dropped = 0;      // diverted records Kafka refused even cut
  std::vector<std::string> truncated_lines; // one per truncated record, for a warning each
  std::vector<std::string> dropped_lines;   // one per dropped record, for an error each
};

template <class Producer>
class publish_job {
public:
  using clock = std::chrono::steady_clock;
  // How long one wait for reports lasts at most before the job looks at its own records again:
  // flush() waits for every record in flight, including those of earlier requests that timed out.
  static constexpr std::chrono::milliseconds report_wait_slice{10};

  publish_job(Producer& producer, const publisher_topics& topics, const publish_request& req,
              clock::duration timeout, std::uint64_t first_id)
    : producer_(producer), topics_(topics), req_(req), timeout_(timeout), deadline_(clock::now() + timeout),
      ledger_(first_id) {}

  // A delivery report; false if this job did not send the record (an earlier request's report).
  bool on_delivery(std::uint64_t id, const runtime::kafka_status& st) {
    if (!ledger_.owns(id)) return false;
    ledger_.settle(id, st);
    return true;
  }

  std::uint64_t end_id() const { return ledger_.end_id(); }

  publish_outcome run() {
    if (!send_all() || !await_reports() || !retry_oversize()) return failed();
    return verdict();
  }

private:
  struct retry_info {
    std::size_t entry = 0; // the retry's ledger entry
    std::size_t kept = 0;  // payload bytes it carried
    bool cut = false;
  };

  std::size_t total_records() const { return req_.finals.size() + req_.invalid.size() + req_.late.size(); }

  const diverted_event& diverted(const record_ref& r) const {
    return r.kind == record_kind::dlq ? req_.invalid[r.index] : req_.late[r.index];
  }
  const std::string& topic_of(record_kind k) const {
    return k == record_kind::final_candle ? topics_.candles : k == record_kind::dlq ? topics_.dlq : topics_.late;
  }
  static const char* name_of(record_kind k) {
    return k == record_kind::final_candle ? "final candle" : k == record_kind::dlq ? "dlq record" : "late record";
  }

  // A failure that fails the request: any of a final candle, and any that is not "too large" of
  // a diverted record. Too large is settled by the retry (original) or means drop (retry).
  static bool fails_request(const delivery_ledger::entry& e) {
    return e.outcome == delivery_ledger::state::failed &&
           (e.ref.kind == record_kind::final_candle || !too_large(e.status.code));
  }

  // Produces one record; false when the request cannot succeed any more (stop_ says why).
  bool send(record_ref ref, std::string_view key, std::string_view value,
            std::span<const runtime::kafka_header> headers) {
    runtime::kafka_produce_options options;
    options.headers = headers;
    options.correlation_id = ledger_.add(ref);
    auto st = producer_.produce_until(topic_of(ref.kind), key, value, options, deadline_);
    if (st.ok()) return true;
    if (st.queue_full()) {
      stop_ = "the local producer queue was still full (" + std::to_string(ledger_.size() - 1) + " of " +
              std::to_string(total_records()) + " records produced)";
      ledger_.settle(options.correlation_id, std::move(st));
      return false;
    }
    ledger_.settle(options.correlation_id, std::move(st)); // refused: no report will come
    return !fails_request(ledger_.at(ledger_.size() - 1));
  }

  bool send_all() {
    std::string json;
    for (std::size_t i = 0; i < req_.finals.size(); ++i) {
      json.clear();
      append_candle_json(json, req_.finals[i]);
      if (!send({record_kind::final_candle, i, false}, req_.finals[i].symbol, json, {})) return false;
    }
    for (record_kind k : {record_kind::dlq, record_kind::late}) {
      const auto& records = k == record_kind::dlq ? req_.invalid : req_.late;
      for (std::size_t i = 0; i < records.size(); ++i) {
        const auto headers = diverted_headers(records[i]);
        if (!send({k, i, false}, records[i].key, records[i].payload, headers)) return false;
      }
    }
    return true;
  }

  // Serves reports until every record sent so far has one, or the deadline passes (false).
  bool await_reports() {
    while (ledger_.pending() > 0) {
      const auto left = deadline_ - clock::now();
      if (left <= clock::duration::zero()) {
        stop_ = std::to_string(ledger_.pending()) + " of " + std::to_string(ledger_.size()) +
                " records sent were not acknowledged";
        return false;
      }
      (void)producer_.flush(std::min(report_wait_slice, std::chrono::ceil<std::chrono::milliseconds>(left)));
    }
    return true;
  }

  // The second attempt at each diverted record Kafka found too large, one at a time: the broker's
  // max.message.bytes applies to a whole batch, so retries sent together could be refused
  // together although each fits alone. Records that only shared a refused batch go as they were.
  bool retry_oversize() {
    const std::size_t first_round = ledger_.size();
    for (std::size_t i = 0; i < first_round; ++i) {
      const auto e = ledger_.at(i); // a copy: send() grows the ledger
      if (e.outcome != delivery_ledger::state::failed || fails_request(e)) continue;
      const diverted_event& d = diverted(e.ref);
      const auto t = truncate_for_retry(d, producer_.max_message_bytes());
      retries_.push_back({ledger_.size(), t.payload.size(), t.cut});
      if (!send({e.ref.kind, e.ref.index, true}, d.key, t.payload, t.headers) || !await_reports()) return false;
    }
    return true;
  }

  std::string describe(const record_ref& r) const {
    const auto& d = diverted(r);
    return std::string{name_of(r.kind)} + " of partition " + std::to_string(d.partition) + " offset " +
           std::to_string(d.offset) + " (" + std::to_string(d.payload.size()) + " bytes, topic " + topic_of(r.kind) + ")";
  }

  publish_outcome verdict() {
    publish_outcome out;
    failure_summary fatal;
    for (std::size_t i = 0; i < ledger_.size(); ++i) {
      const auto& e = ledger_.at(i);
      if (e.outcome == delivery_ledger::state::acknowledged) ++out.acknowledged;
      if (fails_request(e)) fatal.add(e.status);
    }
    if (!fatal.empty()) {
      out.reason = std::to_string(fatal.count()) + " of " + std::to_string(total_records()) +
                   " records failed: " + fatal.text();
      return out;
    }
    for (const auto& r : retries_) {
      const auto& e = ledger_.at(r.entry);
      const std::string what = describe(e.ref);
      if (e.outcome == delivery_ledger::state::acknowledged) {
        if (!r.cut) continue; // it only shared a refused batch: published whole
        ++out.truncated;
        out.truncated_lines.push_back(what + " was too large; published with its payload cut to " +
                                      std::to_string(r.kept) + " bytes");
      } else {
        ++out.dropped;
        out.dropped_lines.push_back(what + " dropped: too large even with its payload cut to " +
                                    std::to_string(r.kept) + " bytes (" + e.status.reason + ")");
      }
    }
    out.ok = true;
    return out;
  }

  publish_outcome failed() const {
    publish_outcome out;
    failure_summary fatal;
    for (std::size_t i = 0; i < ledger_.size(); ++i)
      if (fails_request(ledger_.at(i)) && !ledger_.at(i).status.queue_full()) fatal.add(ledger_.at(i).status);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout_).count();
    if (!stop_.empty()) out.reason = "publish deadline of " + std::to_string(ms) + " ms passed: " + stop_;
    if (!fatal.empty()) {
      if (!out.reason.empty()) out.reason += "; ";
      out.reason += std::to_string(fatal.count()) + " of " + std::to_string(total_records()) +
                    " records failed: " + fatal.text();
    }
    return out;
  }

  Producer& producer_;
  const publisher_topics& topics_;
  const publish_request& req_;
  clock::duration timeout_;
  clock::time_point deadline_;
  delivery_ledger ledger_;
  std::vector<retry_info> retries_;
  std::string stop_; // why the deadline stopped the request, if it did
};

} // namespace cs
