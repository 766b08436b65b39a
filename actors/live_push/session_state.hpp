#pragma once
// What one WebSocket session owes its client, without any I/O: its subscriptions, the newest
// live state of each key not yet sent (throttled per key), final candles exactly once per
// subscription in open-time order, resumes from `since`, and a bounded queue of encoded frames.
// Rules:
//  - Live updates (closed:false) of a key are coalesced: at most one per `live_interval` per key;
//    the newest state replaces a pending one; a pending one is sent when its time comes (on_tick).
//  - A final candle of a key is queued only if its open time is after the last final queued for
//    that key (dedupes redeliveries after a restart; drops out-of-order older ones), and it drops
//    the pending live update of the same or an earlier bucket (the newest state is last).
//    A live update of a bucket at or before the last final sent is dropped, and so is one equal to
//    the last live state sent (it would restart the throttle and hold back the next change).
//  - A subscription with `since` is resuming until on_history() hands it the finals after
//    `since` (read from the cache or PostgreSQL, in one go or page by page): finals and live
//    updates arriving meanwhile are held, then everything goes out in open-time order without
//    gap or duplicate.
//  - The queue is bounded by bytes: a message that would go past max_queue_bytes is not queued
//    and the session is marked overflowed (the transport closes it: the client is too slow).
// Thread-safety: none; one session_state belongs to one session's strand.
// Failure semantics: nothing fails; only std::bad_alloc can escape.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "actors/live_push/ws_protocol.hpp"
#include "messages/candle.hpp"
#include "messages/time.hpp"

namespace cs::live {

// No defaults: the node sets each from its config key (declared once, runtime/config/keys.hpp).
struct session_limits {
  duration_ns live_interval = 0;     // set by the node from ws.live-interval: per key
  std::size_t max_queue_bytes = 0;   // set by the node from ws.max-queue-bytes
  std::size_t max_subscriptions = 0; // set by the node from ws.max-subscriptions (per session)
};

class session_state {
public:
  explicit session_state(session_limits limits);

  enum class add_result { added, already, too_many };
  // A new subscription; `since` makes it resuming (see on_history). Subscribing again to a key
  // already subscribed changes nothing and answers `already`.
  add_result subscribe(const candle_key& key, std::optional<timestamp_ns> since);
  bool unsubscribe(const candle_key& key); // false: was not subscribed
  bool subscribed(const candle_key& key) const;
  bool resuming(const candle_key& key) const;
  std::size_t subscription_count() const { return subs_.size(); }
  // The open time of the last final queued for `key` (or its `since`), if any.
  std::optional<timestamp_ns> last_final(const candle_key& key) const;
  // Re-enters resuming for a subscribed key that may have missed finals after `since` (its candle
  // actor went away and came back): changes are held until on_history, as for a new resume.
  // False: not subscribed, or already resuming.
  bool refill(const candle_key& key, timestamp_ns since);
  std::vector<candle_key> keys() const;

  // A change of a live candle of `c.key()` at wall time `now` (closed must be false).
  void on_live(const candle& c, timestamp_ns now);
  // A final candle (closed must be true).
  void on_final(const candle& c);
  // Finals after the subscription's `since`, in any order. `last`: the history is complete and
  // the resume ends (the finals and live state held meanwhile go out after it); otherwise this
  // is one page of it (sent now, ascending) and more follow. Ignored for a key that is not
  // resuming.
  void on_history(const candle_key& key, std::vector<candle> finals, timestamp_ns now, bool last = true);
  // Sends the pending live updates whose interval has passed.
  void on_tick(timestamp_ns now);
  // The earliest wall time at which on_tick would send something, if any is pending.
  std::optional<timestamp_ns> next_due() const;

  // A frame that is not a candle (acks, pongs, errors): queued under the same bound.
  void push_control(std::string frame);

  // The queue of encoded frames, oldest first.
  bool has_output() const { return !queue_.empty(); }
  std::string pop_output();
  std::size_t queued_bytes() const { return queued_bytes_; }
  bool overflowed() const { return overflowed_; }

  struct counters {
    std::uint64_t live_sent = 0, live_coalesced = 0, live_repeated = 0, finals_sent = 0, finals_deduped = 0,
                  dropped_stale = 0;
  };
  const counters& stats() const { return stats_; }

private:
  struct sub {
    std::optional<timestamp_ns> since;
    bool resuming = false;
    std::optional<timestamp_ns> last_final;     // open time of the last final queued
    std::optional<candle> pending_live;         // newest live state not yet sent
    std::optional<timestamp_ns> last_live_sent; // wall time; none: nothing sent yet, no throttle
    std::optional<candle> live_sent;            // the last live state sent: a repeat is not sent again
    std::vector<candle> held;                   // finals and the newest live while resuming
  };
  void queue_frame(std::string frame);
  void send_final(sub& s, const candle& c);
  void send_live(sub& s, const candle& c, timestamp_ns now);

  session_limits limits_;
  std::map<candle_key, sub> subs_;
  std::deque<std::string> queue_;
  std::size_t queued_bytes_ = 0;
  bool overflowed_ = false;
  counters stats_;
};

} // namespace cs::live
