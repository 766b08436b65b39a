#include "actors/live_push/session_state.hpp"

#include <algorithm>
#include <utility>

namespace cs::live {

session_state::session_state(session_limits limits) : limits_(limits) {}

session_state::add_result session_state::subscribe(const candle_key& key, std::optional<timestamp_ns> since) {
  if (subs_.contains(key)) return add_result::already;
  if (subs_.size() >= limits_.max_subscriptions) return add_result::too_many;
  sub s;
  s.since = since;
  s.resuming = since.has_value();
  // The client has every final up to `since`: the final path then drops those (from history or
  // live) like any redelivery, and a live update of such a bucket as stale.
  s.last_final = since;
  subs_.emplace(key, std::move(s));
  return add_result::added;
}

bool session_state::unsubscribe(const candle_key& key) { return subs_.erase(key) > 0; }

std::optional<timestamp_ns> session_state::last_final(const candle_key& key) const {
  const auto it = subs_.find(key);
  return it == subs_.end() ? std::nullopt : it->second.last_final;
}

bool session_state::refill(const candle_key& key, timestamp_ns since) {
  const auto it = subs_.find(key);
  if (it == subs_.end() || it->second.resuming) return false;
  sub& s = it->second;
  s.since = since;
  s.resuming = true;
  if (!s.last_final) s.last_final = since; // nothing sent yet: finals up to `since` are not wanted
  if (s.pending_live) s.held.push_back(std::move(*s.pending_live)); // goes out after the history
  s.pending_live.reset();
  return true;
}

bool session_state::subscribed(const candle_key& key) const { return subs_.contains(key); }

bool session_state::resuming(const candle_key& key) const {
  const auto it = subs_.find(key);
  return it != subs_.end() && it->second.resuming;
}

std::vector<candle_key> session_state::keys() const {
  std::vector<candle_key> out;
  out.reserve(subs_.size());
  for (const auto& [key, s] : subs_) out.push_back(key);
  return out;
}

void session_state::on_live(const candle& c, timestamp_ns now) {
  if (c.closed) return;
  const auto it = subs_.find(c.key());
  if (it == subs_.end()) return;
  sub& s = it->second;
  if (s.resuming) {
    // Only the newest state matters; it goes out after the history.
    std::erase_if(s.held, [](const candle& h) { return !h.closed; });
    s.held.push_back(c);
    return;
  }
  send_live(s, c, now);
}

void session_state::on_final(const candle& c) {
  if (!c.closed) return;
  const auto it = subs_.find(c.key());
  if (it == subs_.end()) return;
  sub& s = it->second;
  if (s.resuming) {
    s.held.push_back(c); // merged with the history, which may hold it too
    return;
  }
  send_final(s, c);
}

void session_state::on_history(const candle_key& key, std::vector<candle> finals, timestamp_ns now, bool last) {
  const auto it = subs_.find(key);
  if (it == subs_.end() || !it->second.resuming) return;
  sub& s = it->second;
  std::optional<candle> live;
  if (last) { // what was held meanwhile joins the end of the history; a page leaves it held
    for (candle& h : s.held) {
      if (h.closed)
        finals.push_back(std::move(h));
      else
        live = std::move(h);
    }
    s.held.clear();
    s.resuming = false;
  }
  // In open-time order, history first among equals; send_final drops what is at or before
  // `since` and every repeat of an open time already sent.
  std::stable_sort(finals.begin(), finals.end(),
                   [](const candle& a, const candle& b) { return a.open_time < b.open_time; });
  for (const candle& c : finals)
    if (c.closed && c.key() == key) send_final(s, c);
  if (live) send_live(s, *live, now);
}

void session_state::on_tick(timestamp_ns now) {
  for (auto& [key, s] : subs_) {
    if (!s.pending_live || now - *s.last_live_sent < limits_.live_interval) continue;
    const candle c = std::move(*s.pending_live);
    s.pending_live.reset();
    send_live(s, c, now); // due, so it goes out now
  }
}

std::optional<timestamp_ns> session_state::next_due() const {
  std::optional<timestamp_ns> due;
  for (const auto& [key, s] : subs_) {
    // A pending update exists only after a send (it waits for the throttle), so last_live_sent is set.
    if (!s.pending_live || !s.last_live_sent) continue;
    const timestamp_ns t = *s.last_live_sent + limits_.live_interval;
    if (!due || t < *due) due = t;
  }
  return due;
}

void session_state::push_control(std::string frame) { queue_frame(std::move(frame)); }

std::string session_state::pop_output() {
  if (queue_.empty()) return {};
  std::string frame = std::move(queue_.front());
  queue_.pop_front();
  queued_bytes_ -= frame.size();
  return frame;
}

void session_state::queue_frame(std::string frame) {
  // Once a frame is lost the client's stream has a hole: nothing after it may be sent, and the
  // transport closes the session.
  if (overflowed_) return;
  if (queued_bytes_ + frame.size() > limits_.max_queue_bytes) {
    overflowed_ = true;
    return;
  }
  queued_bytes_ += frame.size();
  queue_.push_back(std::move(frame));
}

void session_state::send_final(sub& s, const candle& c) {
  if (s.last_final && c.open_time <= *s.last_final) {
    ++stats_.finals_deduped;
    return;
  }
  queue_frame(encode_candle_message(c));
  ++stats_.finals_sent;
  s.last_final = c.open_time;
  // The final is the newest state of its bucket; an update of it or an earlier one is stale.
  if (s.pending_live && s.pending_live->open_time <= c.open_time) {
    s.pending_live.reset();
    ++stats_.dropped_stale;
  }
}

void session_state::send_live(sub& s, const candle& c, timestamp_ns now) {
  if (s.last_final && c.open_time <= *s.last_final) {
    ++stats_.dropped_stale;
    return;
  }
  if (s.live_sent && *s.live_sent == c) {
    ++stats_.live_repeated;
    if (s.pending_live) { // an older state waits: the one the client has is newer
      s.pending_live.reset();
      ++stats_.live_coalesced;
    }
    return;
  }
  if (s.last_live_sent && now - *s.last_live_sent < limits_.live_interval) {
    if (s.pending_live) ++stats_.live_coalesced;
    s.pending_live = c;
    return;
  }
  if (s.pending_live) { // late tick: the newer state supersedes it
    ++stats_.live_coalesced;
    s.pending_live.reset();
  }
  queue_frame(encode_candle_message(c));
  ++stats_.live_sent;
  s.last_live_sent = now;
  s.live_sent = c;
}

} // namespace cs::live
