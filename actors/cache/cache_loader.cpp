#include "actors/cache/cache_loader.hpp"

#include <algorithm>

#include "messages/pipeline_errc.hpp"
#include "runtime/kafka/partitioner.hpp"
#include "runtime/log/log.hpp"
#include "runtime/postgres/store/candle_store.hpp"
#include "runtime/redis/candle_l2.hpp"
#include "runtime/redis/client.hpp"
#include "runtime/redis/cluster_client.hpp"

namespace cs {
namespace {

constexpr std::string_view component = "cache_loader";
// Blocks read from L2 in one round trip, and promoted to L1 from one PostgreSQL read.
constexpr std::int64_t l2_chunk = 16;
constexpr std::size_t max_promoted = 64;
// Blocks cut from one PostgreSQL read before the newest max_promoted are kept (newest-first reads).
constexpr std::size_t max_scanned = 4096;

using self_ptr = cache_loader_hdl::stateful_pointer<cache_loader_state>;
using cache::block_data;
using cache::block_end;
using cache::block_index;
using cache::block_start;

// A connection to L2 as configured: the single Redis, or the Redis Cluster (slot table discovered).
runtime::result<std::unique_ptr<runtime::redis_commands>, runtime::redis_error> connect_l2(const loader_config& cfg) {
  runtime::redis_options o;
  o.host = cfg.redis_host;
  o.port = cfg.redis_port;
  o.connect_timeout = o.command_timeout = std::chrono::milliseconds(500);
  if (cfg.redis_cluster_nodes.empty()) {
    auto c = runtime::redis_client::connect(o);
    if (!c) return c.error();
    return std::unique_ptr<runtime::redis_commands>(std::make_unique<runtime::redis_client>(std::move(*c)));
  }
  auto c = runtime::redis_cluster_client::connect({cfg.redis_cluster_nodes, o});
  if (!c) return c.error();
  return std::unique_ptr<runtime::redis_commands>(std::make_unique<runtime::redis_cluster_client>(std::move(*c)));
}

// The connected Redis client, or nullptr while Redis is down (then retried after a backoff).
runtime::redis_commands* redis(self_ptr self, const loader_config& cfg) {
  auto& st = self->state;
  if (!cfg.l2_enabled) return nullptr;
  if (st.redis && st.redis->connected()) return st.redis.get();
  const auto now = std::chrono::steady_clock::now();
  if (now < st.redis_retry_at) return nullptr;
  auto c = connect_l2(cfg);
  if (!c) {
    st.redis_retry_at = now + cfg.redis_retry;
    runtime::log_warn(component, "L2 unavailable: " + c.error().reason + "; serving from L1 and PostgreSQL");
    return nullptr;
  }
  if (st.redis) runtime::log_info(component, "L2 reconnected");
  st.redis = std::move(*c);
  return st.redis.get();
}

// PostgreSQL may be down when the node starts (or the store's first open may fail): the loader
// opens its store on first use, and again at most every redis_retry after a failure; meanwhile its
// reads fail as store_unavailable (HTTP 503) instead of the loader, and with it the node, dying.
runtime::candle_store* store_of(self_ptr self, const loader_config& cfg) {
  auto& st = self->state;
  if (st.store) return st.store.get();
  const auto now = std::chrono::steady_clock::now();
  if (now < st.store_retry_at) return nullptr;
  runtime::store_options opts;
  opts.maintenance_on_open = false; // the db_writer owns maintenance
  auto opened = runtime::candle_store::open(cfg.postgres, opts);
  if (!opened) {
    st.store_retry_at = now + cfg.redis_retry;
    runtime::log_warn(component, "cannot open the candle store (retrying on use): " + opened.error().reason);
    return nullptr;
  }
  st.store = std::make_unique<runtime::candle_store>(std::move(*opened));
  return st.store.get();
}

caf::error store_down() { return make_error(pipeline_errc::store_unavailable, "the candle store is not open (PostgreSQL unreachable)"); }

void l2_failed(self_ptr self, const loader_config& cfg, const runtime::redis_error& e, std::uint64_t& errors) {
  ++errors;
  runtime::log_warn(component, "L2: " + e.reason);
  self->state.redis_retry_at = std::chrono::steady_clock::now() + cfg.redis_retry;
  if (self->state.redis && !self->state.redis->connected()) self->state.redis.reset();
}

// An L2 block as a cache block: candles encoded once here, off the cache actor's thread. A block
// without a coverage marker covers nothing.
block_data from_l2(const runtime::l2_block_read& b) {
  block_data out{b.block_start, b.block_end, b.covered ? b.covered_to : b.block_start, {}};
  out.candles.reserve(b.candles.size());
  for (const auto& c : b.candles) out.candles.push_back(c);
  return out;
}

class loader {
public:
  loader(self_ptr self, const loader_config& cfg, const load_request& req, load_reply& out)
    : self_(self), cfg_(cfg), rq_(req.range), out_(out), l2_(cfg.l2_ttl), iv_(req.range.key.iv),
      series_first_(req.series_first) {}

  caf::error run() {
    if (!store_of(self_, cfg_)) return store_down();
    if (auto e = resolve_frontier()) return e;
    if (auto e = resolve_series()) return e;
    // Buckets before the series' first candle are empty: start there, at a block start, so that
    // a range from long ago neither walks empty blocks nor caches them.
    walk_from_ = rq_.from;
    if (series_first_ != no_frontier) walk_from_ = std::max(walk_from_, block_start(iv_, block_index(iv_, series_first_)));
    end_ = std::min(rq_.to, out_.answer.complete_to);
    if (rq_.limit <= 0 || walk_from_ >= end_) return {};
    auto e = rq_.newest ? newest() : oldest();
    if (!e) fill_l2();
    return e;
  }

private:
  caf::error resolve_series() {
    if (series_first_ != no_frontier) return {};
    auto s = self_->state.store->find_series(rq_.key.symbol, iv_);
    ++out_.postgres_reads;
    if (!s) return make_error(pipeline_errc::store_unavailable, "series of " + rq_.key.symbol + ": " + s.error().reason);
    out_.series = *s;
    if (*s) series_first_ = (*s)->first_open_time;
    return {};
  }

  caf::error resolve_frontier() {
    out_.answer.complete_to = rq_.complete_to;
    if (rq_.complete_to != no_frontier) return {};
    const auto partition = runtime::kafka_partition_for_key(rq_.key.symbol, cfg_.partitions);
    auto cp = self_->state.store->load_checkpoint(cfg_.topic, partition);
    ++out_.postgres_reads;
    if (!cp) return make_error(pipeline_errc::store_unavailable, "checkpoint of partition " + std::to_string(partition) + ": " + cp.error().reason);
    const bool known = cp.value() && cp.value()->clock.watermark != no_watermark;
    out_.answer.complete_to = known ? iv_.bucket_start(cp.value()->clock.watermark) : INT64_MIN;
    return {};
  }

  // L2 blocks [first, first + n), or nullopt when L2 is unavailable.
  std::optional<std::vector<block_data>> read_l2(std::int64_t first, std::int64_t n) {
    auto* client = redis(self_, cfg_);
    if (!client) {
      if (cfg_.l2_enabled) ++out_.l2_errors; // down: counted, answered from PostgreSQL
      return std::nullopt;
    }
    std::vector<std::pair<timestamp_ns, timestamp_ns>> bounds;
    for (auto i = first; i < first + n; ++i) bounds.emplace_back(block_start(iv_, i), block_end(iv_, i));
    auto r = l2_.read(*client, rq_.key, bounds);
    if (!r) {
      l2_failed(self_, cfg_, r.error(), out_.l2_errors);
      return std::nullopt;
    }
    out_.l2_up = true;
    std::vector<block_data> blocks;
    blocks.reserve(r->size());
    for (const auto& b : *r) blocks.push_back(from_l2(b));
    return blocks;
  }

  // Whether an L2 block answers everything the range needs of it (up to need_hi); counted.
  bool l2_covers(const block_data& b, timestamp_ns need_hi) {
    if (!b.covers(need_hi)) {
      ++out_.l2_misses;
      return false;
    }
    ++out_.l2_hits;
    ++out_.answer.tiers.l2;
    return true;
  }

  void promote(std::int64_t index, block_data b, bool from_postgres = false) {
    if (out_.blocks.size() >= max_promoted) return;
    if (from_postgres) to_l2_.push_back({b.start, b.start, b.covered_to, b.candles.items()});
    out_.blocks.emplace_back(index, std::move(b));
  }

  // Blocks read from PostgreSQL go to L2 too, so the next node (or this one after an L1
  // eviction) finds them there.
  void fill_l2() {
    if (to_l2_.empty()) return;
    auto* client = redis(self_, cfg_);
    if (!client) return;
    const auto newest = block_index(iv_, to_l2_.back().block_start);
    if (auto r = l2_.write(*client, rq_.key, to_l2_, block_start(iv_, newest - cfg_.l2_keep_blocks)); !r)
      l2_failed(self_, cfg_, r.error(), out_.l2_errors);
  }

  caf::error oldest() {
    auto& answer = out_.answer.candles;
    auto remaining = rq_.limit;
    auto idx = block_index(iv_, walk_from_);
    // L2, chunk by chunk, while every block covers what the range needs of it.
    for (bool hit = true; hit && remaining > 0 && block_start(iv_, idx) < end_;) {
      auto n = std::min<std::int64_t>(l2_chunk, block_index(iv_, end_ - 1) - idx + 1);
      auto blocks = read_l2(idx, n);
      if (!blocks) break;
      for (auto& b : *blocks) {
        const auto need_hi = std::min(b.end, end_);
        if (!(hit = l2_covers(b, need_hi))) break;
        const auto before = answer.size();
        cache::append_range(b, std::max(rq_.from, b.start), need_hi, answer);
        remaining -= static_cast<std::int64_t>(answer.size() - before);
        promote(idx, std::move(b));
        ++idx;
        if (remaining <= 0) break;
      }
    }
    if (remaining < 0) {
      answer.keep(0, static_cast<std::size_t>(rq_.limit));
      out_.answer.truncated = true;
      return {};
    }
    if (remaining == 0) {
      out_.answer.truncated = block_start(iv_, idx) < end_; // more buckets follow: maybe more candles
      return {};
    }
    if (block_start(iv_, idx) >= end_) return {};
    // PostgreSQL for the rest, from the missing block's start so that the block can be cached.
    const auto q_from = block_start(iv_, idx);
    const auto plim = remaining + cache::block_buckets;
    auto rows = self_->state.store->query_candles(rq_.key.symbol, iv_, q_from, end_, plim, runtime::limit_keeps::oldest);
    ++out_.postgres_reads;
    if (!rows) return make_error(pipeline_errc::store_unavailable, "candles of " + rq_.key.symbol + ": " + rows.error().reason);
    auto& run = *rows;
    const bool all = static_cast<std::int64_t>(run.size()) < plim;
    const auto run_end = all ? end_ : std::min(end_, run.back().close_time);
    // Blocks before the first row are empty: cache from the block of the first row on (it is
    // complete from its start, since the read started at or before it).
    const auto promote_from = run.empty() ? run_end : std::max(q_from, block_start(iv_, block_index(iv_, run.front().open_time)));
    for (auto& [i, b] : cache::blocks_of_run(iv_, promote_from, run_end, run, max_promoted)) {
      ++out_.answer.tiers.postgres;
      promote(i, std::move(b), true);
    }
    for (const auto& c : run) {
      if (c.open_time < rq_.from) continue;
      if (remaining == 0) {
        out_.answer.truncated = true;
        break;
      }
      answer.push_back(c);
      --remaining;
    }
    if (!all && remaining == 0) out_.answer.truncated = true;
    return {};
  }

  caf::error newest() {
    auto remaining = rq_.limit;
    std::vector<encoded_candles> from_l2_blocks; // newest block first
    auto idx = block_index(iv_, end_ - 1);
    for (bool hit = true; hit && remaining > 0 && block_end(iv_, idx) > walk_from_;) {
      const auto first = std::max(idx - l2_chunk + 1, block_index(iv_, walk_from_));
      auto blocks = read_l2(first, idx - first + 1);
      if (!blocks) break;
      for (auto it = blocks->rbegin(); it != blocks->rend(); ++it) {
        auto& b = *it;
        const auto need_lo = std::max(walk_from_, b.start), need_hi = std::min(end_, b.end);
        if (!(hit = l2_covers(b, need_hi))) break;
        encoded_candles part;
        cache::append_range(b, need_lo, need_hi, part);
        if (static_cast<std::int64_t>(part.size()) > remaining) {
          part.keep(part.size() - static_cast<std::size_t>(remaining), part.size());
          out_.answer.truncated = true;
        }
        remaining -= static_cast<std::int64_t>(part.size());
        from_l2_blocks.push_back(std::move(part));
        promote(idx, std::move(b));
        --idx;
        if (remaining <= 0) break;
      }
    }
    encoded_candles older;
    if (remaining > 0 && block_end(iv_, idx) > walk_from_) {
      const auto hi = std::min(end_, block_end(iv_, idx));
      auto rows = self_->state.store->query_candles(rq_.key.symbol, iv_, walk_from_, hi, remaining + 1, runtime::limit_keeps::newest);
      ++out_.postgres_reads;
      if (!rows) return make_error(pipeline_errc::store_unavailable, "candles of " + rq_.key.symbol + ": " + rows.error().reason);
      auto& run = *rows;
      const bool more = static_cast<std::int64_t>(run.size()) > remaining;
      auto run_lo = more ? run.front().open_time : walk_from_;
      // The block that holds the oldest row is cacheable only whole: read its start too (at most
      // block_buckets rows, before the answer's range, so not part of the answer).
      if (const auto bs = block_start(iv_, block_index(iv_, run_lo)); bs < run_lo) {
        auto head = self_->state.store->query_candles(rq_.key.symbol, iv_, bs, run_lo, cache::block_buckets, runtime::limit_keeps::oldest);
        ++out_.postgres_reads;
        if (head) {
          std::vector<candle> whole = std::move(*head);
          whole.insert(whole.end(), run.begin(), run.end());
          for (auto& [i, b] : newest_blocks(cache::blocks_of_run(iv_, bs, hi, whole, max_scanned))) {
            ++out_.answer.tiers.postgres;
            promote(i, std::move(b), true);
          }
          run_lo = hi; // promoted already
        }
      }
      for (auto& [i, b] : newest_blocks(cache::blocks_of_run(iv_, run_lo, hi, run, max_scanned))) {
        ++out_.answer.tiers.postgres;
        promote(i, std::move(b), true);
      }
      if (more) out_.answer.truncated = true;
      for (std::size_t i = more ? 1 : 0; i < run.size(); ++i) older.push_back(run[i]);
    }
    auto& answer = out_.answer.candles;
    answer = std::move(older);
    for (auto it = from_l2_blocks.rbegin(); it != from_l2_blocks.rend(); ++it) answer.append(*it);
    return {};
  }

  // The newest max_promoted of `blocks` (ascending): a newest-first read is about the recent end.
  static std::vector<std::pair<std::int64_t, block_data>> newest_blocks(std::vector<std::pair<std::int64_t, block_data>> blocks) {
    if (blocks.size() > max_promoted) blocks.erase(blocks.begin(), blocks.end() - static_cast<std::ptrdiff_t>(max_promoted));
    return blocks;
  }

  self_ptr self_;
  const loader_config& cfg_;
  const range_request& rq_;
  load_reply& out_;
  runtime::candle_l2 l2_;
  interval iv_;
  timestamp_ns series_first_ = no_frontier;
  std::vector<runtime::l2_block_write> to_l2_;
  timestamp_ns walk_from_ = 0;
  timestamp_ns end_ = 0;
};

} // namespace

cache_loader_state::cache_loader_state() = default;
cache_loader_state::~cache_loader_state() = default;

cache_loader_hdl::behavior_type cache_loader(cache_loader_hdl::stateful_pointer<cache_loader_state> self, loader_config cfg) {
  (void)store_of(self, cfg);
  return {
    [=](load_atom, const load_request& req) -> caf::result<load_reply> {
      load_reply out;
      if (auto e = loader(self, cfg, req, out).run()) return e;
      return out;
    },
    [=](final_atom, const std::vector<final_span>& spans) -> std::uint64_t {
      auto* client = redis(self, cfg);
      if (!client) return spans.size();
      std::vector<runtime::l2_series_write> writes;
      writes.reserve(spans.size());
      for (const auto& span : spans) {
        if (span.from >= span.to) continue;
        const auto& iv = span.key.iv;
        const auto last = block_index(iv, span.to - 1);
        runtime::l2_series_write w{span.key, {}, block_start(iv, last - cfg.l2_keep_blocks)};
        auto it = span.candles.begin();
        for (auto i = block_index(iv, span.from); i <= last; ++i) {
          runtime::l2_block_write b{block_start(iv, i), std::max(span.from, block_start(iv, i)), std::min(span.to, block_end(iv, i)), {}};
          for (; it != span.candles.end() && it->open_time < b.hi; ++it) b.candles.push_back(*it);
          w.blocks.push_back(std::move(b));
        }
        writes.push_back(std::move(w));
      }
      auto r = runtime::candle_l2(cfg.l2_ttl).write_many(*client, writes);
      if (r) return *r;
      std::uint64_t errors = 0;
      l2_failed(self, cfg, r.error(), errors);
      return writes.size();
    },
    [=](series_atom, const std::string& prefix, std::int64_t limit) -> caf::result<std::vector<series_info>> {
      auto* store = store_of(self, cfg);
      if (!store) return store_down();
      auto r = store->list_series(prefix, limit);
      if (!r) return make_error(pipeline_errc::store_unavailable, "series: " + r.error().reason);
      return std::move(*r);
    },
  };
}

} // namespace cs
