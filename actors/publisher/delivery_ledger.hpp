#pragma once
// The delivery outcome of every record one publish request sent. Each send gets its own
// correlation id (librdkafka echoes it in the delivery report), and ids keep increasing across
// requests, so a report is settled against the request that sent the record and no other: the
// report of an earlier request whose deadline passed cannot fail a later one (it is "not owned").
// Pure bookkeeping, no Kafka calls; the publisher serves reports on its own thread, so no locking.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "runtime/kafka/status.hpp"

namespace cs {

enum class record_kind : std::uint8_t { final_candle, dlq, late };

// What one send was: which record of the request, and whether it is that record's second,
// truncated attempt (docs: actors/publisher/oversize_records.hpp).
struct record_ref {
  record_kind kind = record_kind::final_candle;
  std::size_t index = 0; // into publish_request::finals, ::invalid or ::late
  bool retry = false;
};

class delivery_ledger {
public:
  enum class state : std::uint8_t { pending, acknowledged, failed };
  struct entry {
    record_ref ref;
    state outcome = state::pending;
    runtime::kafka_status status; // why it failed
  };

  explicit delivery_ledger(std::uint64_t first_id) : first_id_(first_id) {}

  // Registers a send; returns the correlation id to give produce().
  std::uint64_t add(record_ref ref) {
    entries_.push_back({ref, state::pending, {}});
    ++pending_;
    return first_id_ + entries_.size() - 1;
  }

  bool owns(std::uint64_t id) const { return id >= first_id_ && id - first_id_ < entries_.size(); }

  // A delivery report, or a produce() refusal (which never gets a report). The first outcome of
  // an id counts; ids this request did not hand out are ignored (the caller checks owns()).
  void settle(std::uint64_t id, runtime::kafka_status st) {
    if (!owns(id)) return;
    auto& e = entries_[id - first_id_];
    if (e.outcome != state::pending) return;
    e.outcome = st.ok() ? state::acknowledged : state::failed;
    e.status = std::move(st);
    --pending_;
  }

  std::size_t pending() const { return pending_; }
  std::size_t size() const { return entries_.size(); }
  const entry& at(std::size_t i) const { return entries_[i]; }
  // The first id the next request may use.
  std::uint64_t end_id() const { return first_id_ + entries_.size(); }

private:
  std::uint64_t first_id_;
  std::vector<entry> entries_; // entry i has id first_id_ + i
  std::size_t pending_ = 0;
};

} // namespace cs
