#include "actors/cache/cache_actor.hpp"

#include <chrono>

#include "runtime/log/log.hpp"

namespace cs {
namespace {

constexpr std::string_view component = "cache";
// L1 lookups one request may make before the rest goes to a loader: bounds the actor's work per
// request whatever range is asked for.
constexpr std::int64_t max_l1_walk = 128;
// Final spans per L2 write request: one pipelined Redis round trip of a few MB at most.
constexpr std::size_t max_l2_batch = 2048;

using self_ptr = cache_hdl::stateful_pointer<cache_actor_state>;
using cache::block_end;
using cache::block_index;
using cache::block_key;
using cache::block_start;

timestamp_ns now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::chrono::nanoseconds ns(duration_ns d) { return std::chrono::nanoseconds(d); }

const series_info* known(self_ptr self, const candle_key& key) { return self->state.series->get(key, now_ns()); }

void note_series(self_ptr self, const final_span& span) {
  if (span.candles.empty()) return;
  const auto now = now_ns();
  if (auto* s = self->state.series->peek_mut(span.key, now)) {
    s->first_open_time = std::min(s->first_open_time, span.candles.front().open_time);
    s->last_open_time = std::max(s->last_open_time, span.candles.back().open_time);
    return;
  }
  // Not known (or no longer trusted): what this node finalised is a lower bound of the series'
  // end, and its first candle is PostgreSQL's to say, so it is looked up when a query needs it.
}

// Sends the loader's pending spans unless a batch is in flight; the reply sends the next.
void flush_l2(self_ptr self, std::size_t loader, duration_ns timeout) {
  auto& q = self->state.l2_queues[loader];
  if (q.in_flight || q.pending.empty()) return;
  q.in_flight = true;
  // Bounded round trips: a loader also serves reads, and a batch that outlives its request
  // timeout would leave the next one queued in the loader's mailbox, beyond the backlog bound.
  std::vector<final_span> batch;
  if (q.pending.size() <= max_l2_batch) {
    batch.swap(q.pending);
  } else {
    const auto cut = q.pending.begin() + static_cast<std::ptrdiff_t>(max_l2_batch);
    batch.assign(std::make_move_iterator(q.pending.begin()), std::make_move_iterator(cut));
    q.pending.erase(q.pending.begin(), cut);
  }
  self->state.stats.l2_writes += batch.size();
  const auto n = batch.size();
  auto done = [=](std::uint64_t errors) {
    auto& s = self->state.stats;
    s.l2_errors += errors;
    s.l2_up = errors == 0;
    self->state.l2_queues[loader].in_flight = false;
    flush_l2(self, loader, timeout);
  };
  self->request(self->state.loaders[loader], ns(timeout), final_atom::value, std::move(batch))
    .then(done, [=](caf::error&) { done(n); });
}

void write_through_l1(self_ptr self, const final_span& span) {
  auto& l1 = *self->state.l1;
  const auto& iv = span.key.iv;
  const auto now = now_ns();
  for (auto i = block_index(iv, span.from), last = block_index(iv, span.to - 1); i <= last; ++i) {
    block_key k{span.key.symbol, iv, i};
    if (auto* existing = l1.peek_mut(k, now)) cache::extend_block(*existing, iv, i, span);
    else if (auto fresh = cache::start_block(iv, i, span)) l1.put(std::move(k), std::move(*fresh), now);
  }
}

void promote(self_ptr self, const candle_key& key, std::vector<std::pair<std::int64_t, cache::block_data>>& blocks) {
  const auto now = now_ns();
  for (auto& [i, b] : blocks)
    self->state.l1->put(block_key{key.symbol, key.iv, i}, std::move(b), now);
}

void add_loader_counts(self_ptr self, const load_reply& r) {
  auto& s = self->state.stats;
  s.l2_hits += r.l2_hits;
  s.l2_misses += r.l2_misses;
  s.l2_errors += r.l2_errors;
  s.postgres_reads += r.postgres_reads;
  if (r.l2_hits + r.l2_misses > 0) s.l2_up = r.l2_up;
  if (r.l2_errors > 0) s.l2_up = false;
}

// What L1 alone answers of a range: candles, how far it got, whether it is done.
struct l1_walk {
  encoded_candles candles;
  std::int64_t next_index = 0; // first block not answered (oldest) / last (newest)
  bool done = false;
  bool truncated = false;
  std::uint32_t hits = 0;
};

l1_walk walk_oldest(self_ptr self, const range_request& rq, timestamp_ns walk_from, timestamp_ns end) {
  l1_walk w;
  auto& l1 = *self->state.l1;
  const auto& iv = rq.key.iv;
  const auto now = now_ns();
  auto idx = block_index(iv, walk_from);
  for (std::int64_t n = 0; n < max_l1_walk; ++n, ++idx) {
    const auto start = block_start(iv, idx);
    if (start >= end) {
      w.done = true;
      break;
    }
    const auto* b = l1.get(block_key{rq.key.symbol, iv, idx}, now);
    const auto need_hi = std::min(end, block_end(iv, idx));
    if (!b || !b->covers(need_hi)) break;
    ++w.hits;
    cache::append_range(*b, std::max(rq.from, start), need_hi, w.candles);
    if (static_cast<std::int64_t>(w.candles.size()) >= rq.limit) {
      w.truncated = static_cast<std::int64_t>(w.candles.size()) > rq.limit || need_hi < end;
      w.candles.keep(0, static_cast<std::size_t>(rq.limit));
      w.done = true;
      break;
    }
  }
  w.next_index = idx;
  return w;
}

l1_walk walk_newest(self_ptr self, const range_request& rq, timestamp_ns walk_from, timestamp_ns end) {
  l1_walk w;
  auto& l1 = *self->state.l1;
  const auto& iv = rq.key.iv;
  const auto now = now_ns();
  std::vector<encoded_candles> parts; // newest first
  std::int64_t got = 0;
  auto idx = block_index(iv, end - 1);
  for (std::int64_t n = 0; n < max_l1_walk; ++n, --idx) {
    if (block_end(iv, idx) <= walk_from) {
      w.done = true;
      break;
    }
    const auto* b = l1.get(block_key{rq.key.symbol, iv, idx}, now);
    const auto need_lo = std::max(walk_from, block_start(iv, idx)), need_hi = std::min(end, block_end(iv, idx));
    if (!b || !b->covers(need_hi)) break;
    ++w.hits;
    encoded_candles part;
    cache::append_range(*b, need_lo, need_hi, part);
    got += static_cast<std::int64_t>(part.size());
    if (got >= rq.limit) {
      const auto extra = got - rq.limit;
      part.keep(static_cast<std::size_t>(extra), part.size());
      w.truncated = extra > 0 || need_lo > walk_from;
      parts.push_back(std::move(part));
      w.done = true;
      break;
    }
    parts.push_back(std::move(part));
  }
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) w.candles.append(*it);
  w.next_index = idx;
  return w;
}

// Writes of one series always go through the same loader, so they reach Redis in order.
std::size_t loader_index(self_ptr self, const candle_key& key) {
  return std::hash<std::string>{}(key.symbol) % self->state.loaders.size();
}

cache_loader_hdl any_loader(self_ptr self) {
  auto& st = self->state;
  return st.loaders[st.next_loader++ % st.loaders.size()];
}

} // namespace

std::size_t candle_key_hash::operator()(const candle_key& k) const {
  // The block hash of block 0: one mixing recipe for both keys.
  return cache::block_key_hash{}(cache::block_key{k.symbol, k.iv, 0});
}

cache_actor_state::cache_actor_state() = default;

cache_hdl::behavior_type cache_actor(cache_hdl::stateful_pointer<cache_actor_state> self, cache_config cfg) {
  auto& st = self->state;
  st.l1 = std::make_unique<cache_actor_state::l1_cache>(cfg.l1);
  st.series = std::make_unique<cache_actor_state::series_cache>(cfg.series);
  for (std::size_t i = 0; i < std::max<std::size_t>(1, cfg.loaders); ++i)
    st.loaders.push_back(self->spawn<caf::detached + caf::linked>(cache_loader, cfg.loader));
  st.l2_queues.resize(st.loaders.size());
  const auto timeout = ns(cfg.request_timeout);
  return {
    [=](final_atom, final_span& span) {
      note_series(self, span);
      write_through_l1(self, span);
      if (!cfg.loader.l2_enabled) return;
      const auto i = loader_index(self, span.key);
      auto& q = self->state.l2_queues[i];
      if (q.pending.size() >= cfg.l2_write_backlog) {
        // Redis is slower than finalisation: L2 skips this span. Its blocks' coverage markers
        // stop short of it, so L2 misses them from here on and reads go to PostgreSQL.
        ++self->state.stats.l2_dropped;
        return;
      }
      q.pending.push_back(std::move(span));
      flush_l2(self, i, cfg.request_timeout);
    },
    [=](range_atom, range_request rq) -> caf::result<range_reply> {
      const auto* series = known(self, rq.key);
      const auto first = series ? series->first_open_time : no_frontier;
      const bool series_known = series != nullptr;
      auto rp = self->make_response_promise<range_reply>();
      auto ask_loader = [=](range_request part, range_reply head, bool head_is_newer) mutable {
        self->request(any_loader(self), timeout, load_atom::value, load_request{part, first})
          .then(
            [=](load_reply& r) mutable {
              add_loader_counts(self, r);
              if (r.series) self->state.series->put(part.key, *r.series, now_ns());
              promote(self, part.key, r.blocks);
              auto& a = r.answer;
              if (head_is_newer) {
                a.candles.append(head.candles);
              } else {
                head.candles.append(a.candles);
                a.candles = std::move(head.candles);
              }
              a.truncated = a.truncated || head.truncated;
              a.tiers.l1 += head.tiers.l1;
              a.series_known = series_known || r.series.has_value() || head.tiers.l1 > 0 || !a.candles.empty();
              rp.deliver(std::move(a));
            },
            [=](caf::error& e) mutable {
              ++self->state.stats.postgres_errors;
              rp.deliver(std::move(e));
            });
      };
      if (rq.complete_to == no_frontier) {
        ask_loader(rq, {}, false);
        return rp;
      }
      const auto end = std::min(rq.to, rq.complete_to);
      auto walk_from = rq.from;
      if (first != no_frontier) walk_from = std::max(walk_from, block_start(rq.key.iv, block_index(rq.key.iv, first)));
      range_reply head;
      head.complete_to = rq.complete_to;
      head.series_known = series_known;
      if (rq.limit <= 0 || walk_from >= end) {
        rp.deliver(std::move(head));
        return rp;
      }
      auto w = rq.newest ? walk_newest(self, rq, walk_from, end) : walk_oldest(self, rq, walk_from, end);
      head.candles = std::move(w.candles);
      head.truncated = w.truncated;
      head.tiers.l1 = w.hits;
      head.series_known = series_known || w.hits > 0; // L1 holds blocks of it: it exists
      if (w.done) {
        rp.deliver(std::move(head));
        return rp;
      }
      auto rest = rq;
      rest.limit = rq.limit - static_cast<std::int64_t>(head.candles.size());
      if (rq.newest) {
        rest.to = block_end(rq.key.iv, w.next_index);
        ask_loader(rest, std::move(head), true);
      } else {
        rest.from = std::max(rq.from, block_start(rq.key.iv, w.next_index));
        ask_loader(rest, std::move(head), false);
      }
      return rp;
    },
    [=](series_atom, const std::string& prefix, std::int64_t limit) -> caf::result<std::vector<series_info>> {
      return self->delegate(any_loader(self), series_atom::value, prefix, limit);
    },
    [=](stats_atom) {
      auto s = self->state.stats;
      const auto& c = self->state.l1->counters();
      s.l1_hits = c.hits;
      s.l1_misses = c.misses;
      s.l1_size = self->state.l1->size();
      s.l1_evictions = c.evictions;
      s.l1_rejections = c.rejections;
      s.l1_expirations = c.expirations;
      return s;
    },
  };
}

} // namespace cs
