#include "actors/partition_reader/partition_reader_actor.hpp"

#include <caf/all.hpp>

#include <chrono>

#include "actors/candle/candle_actor.hpp"
#include "messages/atoms.hpp"
#include "runtime/log/log.hpp"

namespace cs {
namespace {

constexpr std::string_view component = "partition_reader";

timestamp_ns wall_now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::chrono::nanoseconds ns(duration_ns d) { return std::chrono::nanoseconds(d); }

using self_ptr = caf::stateful_actor<reader_state>*;

// Everything one checkpoint carries, gathered from the candle actors.
struct checkpoint_gather {
  std::size_t remaining = 0;
  bool failed = false;
  publish_request publish;
  checkpoint_request commit;
  std::uint64_t covered_events = 0;
};

class reader_logic {
public:
  reader_logic(self_ptr self, const reader_config& cfg, const reader_peers& peers)
    : self_(self), cfg_(cfg), peers_(peers) {}

  std::string where() const { return cfg_.topic + "[" + std::to_string(cfg_.partition) + "]"; }

  // --- claim and restore -------------------------------------------------------------------
  void claim(std::function<void(std::int64_t)> done, std::function<void(const caf::error&)> failed) {
    auto& st = self_->state;
    const auto inc = st.incarnation;
    self_->request(peers_.db_writer, ns(cfg_.commit_timeout), claim_atom::value, cfg_.topic, cfg_.partition, cfg_.owner)
      .then(
        [=, this](partition_claim& claim) {
          if (self_->state.incarnation != inc) return;
          restore(claim);
          done(claim.state.next_offset);
        },
        [=](caf::error& e) { failed(e); });
  }

  void restore(const partition_claim& claim) {
    auto& st = self_->state;
    st.epoch = claim.epoch;
    st.router = std::make_unique<batch_router>(cfg_.partition, cfg_.intervals, cfg_.clock, cfg_.limits);
    st.router->restore(claim.state.next_offset, claim.state.clock);
    st.committed_offset = claim.state.next_offset;
    st.committed_clock = claim.state.clock;
    st.uncheckpointed_events = 0;
    st.by_interval.assign(cfg_.intervals.size(), {});
    std::map<std::string, std::vector<candle>> live_by_symbol;
    for (const auto& c : claim.state.live) live_by_symbol[c.symbol].push_back(c);
    for (auto& [symbol, live] : live_by_symbol)
      for (const auto& a : actors_for(symbol)) self_->send(a, restore_atom::value, live);
    st.ready = true;
    st.restarting = false;
    runtime::log_info(component, where() + ": claimed with epoch " + std::to_string(claim.epoch) + ", resuming at offset " +
                                   std::to_string(claim.state.next_offset) + " with " +
                                   std::to_string(claim.state.live.size()) + " live candles");
  }

  const std::vector<caf::actor>& actors_for(const std::string& symbol) {
    auto& st = self_->state;
    auto it = st.by_symbol.find(symbol);
    if (it != st.by_symbol.end()) return it->second;
    std::vector<caf::actor> actors;
    actors.reserve(cfg_.intervals.size());
    for (std::size_t i = 0; i < cfg_.intervals.size(); ++i) {
      auto a = self_->spawn<caf::monitored>(candle_actor, symbol, cfg_.intervals[i], cfg_.faults_enabled);
      self_->send(peers_.directory, register_atom::value, cfg_.partition, candle_key{symbol, cfg_.intervals[i]}, a);
      st.by_interval[i].push_back(a);
      actors.push_back(std::move(a));
    }
    return st.by_symbol.emplace(symbol, std::move(actors)).first->second;
  }

  // --- batches -----------------------------------------------------------------------------
  void on_batch(raw_batch& batch) {
    auto& st = self_->state;
    peers_.inflight->fetch_sub(1, std::memory_order_relaxed);
    if (!st.ready || st.restarting || batch.generation != st.generation) return; // stale
    if (st.uncheckpointed_events >= cfg_.max_uncheckpointed_events || !st.stash.empty()) {
      // Hold it: the in-flight count stays up, so the poll thread pauses the partition.
      peers_.inflight->fetch_add(1, std::memory_order_relaxed);
      st.stash.push_back(std::move(batch));
      return;
    }
    process(batch);
  }

  void process(const raw_batch& batch) {
    auto& st = self_->state;
    auto& out = st.scratch;
    st.router->route(batch, wall_now(), out);
    st.uncheckpointed_events += batch.size();
    for (auto& d : out.invalid) st.pending_invalid.push_back(std::move(d));
    for (auto& d : out.late) st.pending_late.push_back(std::move(d));
    for (auto& s : out.slices) {
      event_slice slice{std::make_shared<const std::vector<routed_event>>(std::move(s.events)), out.watermark_after};
      for (const auto& a : actors_for(s.symbol)) self_->send(a, apply_atom::value, slice);
    }
    announce(out.boundary_crossed, out.watermark_after);
    if (out.unconfirmed_gap_at >= 0) reread_from(out.unconfirmed_gap_at);
  }

  // Records seem missing: seek back and drop everything already in flight (older generation).
  void reread_from(std::int64_t offset) {
    auto& st = self_->state;
    runtime::log_warn(component, where() + ": records from offset " + std::to_string(offset) +
                                   " did not arrive in order; re-reading from there");
    ++st.generation;
    peers_.commands->push({consumer_command::kind::seek, cfg_.partition, offset, st.generation});
  }

  void announce(const std::vector<bool>& crossed, timestamp_ns watermark) {
    auto& st = self_->state;
    for (std::size_t i = 0; i < crossed.size(); ++i)
      if (crossed[i])
        for (const auto& a : st.by_interval[i]) self_->send(a, advance_atom::value, watermark);
  }

  void drain_stash() {
    auto& st = self_->state;
    while (!st.stash.empty() && st.uncheckpointed_events < cfg_.max_uncheckpointed_events) {
      raw_batch b = std::move(st.stash.front());
      st.stash.erase(st.stash.begin());
      peers_.inflight->fetch_sub(1, std::memory_order_relaxed);
      if (b.generation == st.generation) process(b);
    }
  }

  // --- checkpoints -------------------------------------------------------------------------
  void on_tick() {
    auto& st = self_->state;
    if (st.ready && !st.restarting) {
      std::vector<bool> crossed;
      if (st.router->advance_idle(wall_now(), crossed)) announce(crossed, st.router->clock().watermark);
      checkpoint({});
    }
    self_->delayed_send(self_, ns(cfg_.checkpoint_interval), tick_atom::value);
  }

  bool has_changes() const {
    const auto& st = self_->state;
    return st.router->next_offset() != st.committed_offset || !(st.router->clock() == st.committed_clock) ||
           !st.pending_invalid.empty() || !st.pending_late.empty();
  }

  // Starts a checkpoint; `done` (if any) runs when it committed.
  void checkpoint(std::function<void()> done) {
    auto& st = self_->state;
    if (st.checkpoint_in_flight) {
      // Runs again once the one in flight commits, covering what arrived meanwhile.
      if (done) after_commit_ = std::move(done);
      return;
    }
    if (!st.ready || st.restarting) return;
    if (!has_changes()) {
      if (done) done();
      return;
    }
    st.checkpoint_in_flight = true;
    auto g = std::make_shared<checkpoint_gather>();
    g->commit.topic = cfg_.topic;
    g->commit.epoch = st.epoch;
    g->commit.state.partition = cfg_.partition;
    g->commit.state.next_offset = st.router->next_offset();
    g->commit.state.clock = st.router->clock();
    g->publish.invalid.swap(st.pending_invalid);
    g->publish.late.swap(st.pending_late);
    g->covered_events = st.uncheckpointed_events;
    const auto inc = st.incarnation;
    std::vector<caf::actor> all;
    for (const auto& [sym, actors] : st.by_symbol) all.insert(all.end(), actors.begin(), actors.end());
    g->remaining = all.size();
    if (all.empty()) return publish(g, inc, std::move(done));
    for (const auto& a : all) {
      // Replies come after every batch sent before: FIFO between two actors.
      self_->request(a, ns(cfg_.request_timeout), collect_atom::value)
        .then(
          [=, this](checkpoint_part& part) {
            if (self_->state.incarnation != inc) return;
            for (auto& c : part.finals) g->publish.finals.push_back(std::move(c));
            for (auto& c : part.live) g->commit.state.live.push_back(std::move(c));
            if (--g->remaining == 0 && !g->failed) publish(g, inc, done);
          },
          [=, this](caf::error& e) {
            if (self_->state.incarnation != inc || g->failed) return;
            g->failed = true;
            restart("checkpoint collect failed: " + caf::to_string(e));
          });
    }
  }

  void publish(std::shared_ptr<checkpoint_gather> g, std::uint64_t inc, std::function<void()> done) {
    g->commit.finals = g->publish.finals; // the same finals go to PostgreSQL
    self_->request(peers_.publisher, ns(cfg_.request_timeout), publish_atom::value, g->publish)
      .then(
        [=, this](bool ok) {
          if (self_->state.incarnation != inc) return;
          if (!ok) return restart("publishing to Kafka failed");
          commit(g, inc, done);
        },
        [=, this](caf::error& e) {
          if (self_->state.incarnation == inc) restart("publish failed: " + caf::to_string(e));
        });
  }

  void commit(std::shared_ptr<checkpoint_gather> g, std::uint64_t inc, std::function<void()> done) {
    self_->request(peers_.db_writer, ns(cfg_.commit_timeout), commit_atom::value, g->commit)
      .then(
        [=, this](bool committed) {
          auto& st = self_->state;
          if (st.incarnation != inc) return;
          st.checkpoint_in_flight = false;
          if (!committed) return fenced();
          st.committed_offset = g->commit.state.next_offset;
          st.committed_clock = g->commit.state.clock;
          st.uncheckpointed_events -= g->covered_events;
          st.candles_published += g->publish.finals.size();
          ++st.checkpoints;
          peers_.commands->push({consumer_command::kind::commit, cfg_.partition, st.committed_offset, 0});
          drain_stash();
          if (done) done();
          if (after_commit_) checkpoint(std::exchange(after_commit_, {}));
        },
        [=, this](caf::error& e) {
          if (self_->state.incarnation == inc) restart("checkpoint commit failed: " + caf::to_string(e));
        });
  }

  void fenced() {
    runtime::log_warn(component, where() + ": fenced (another owner has epoch > " + std::to_string(self_->state.epoch) +
                                   "); stopping");
    peers_.commands->push({consumer_command::kind::stop_partition, cfg_.partition, 0, 0});
    stop_children();
    self_->quit(caf::exit_reason::user_shutdown);
  }

  // --- supervision -------------------------------------------------------------------------
  void stop_children() {
    auto& st = self_->state;
    for (const auto& [sym, actors] : st.by_symbol)
      for (const auto& a : actors) self_->send_exit(a, caf::exit_reason::user_shutdown);
    st.by_symbol.clear();
    st.by_interval.assign(cfg_.intervals.size(), {});
    self_->send(peers_.directory, unregister_atom::value, cfg_.partition);
  }

  bool is_child(const caf::actor_addr& who) const {
    for (const auto& [sym, actors] : self_->state.by_symbol)
      for (const auto& a : actors)
        if (a.address() == who) return true;
    return false;
  }

  // Restores the whole partition from its last checkpoint and replays from there: the only
  // state a crashed candle actor can come back to without losing or doubling an event.
  void restart(const std::string& why) {
    auto& st = self_->state;
    const auto decision = st.restarts.on_failure(wall_now());
    runtime::log_warn(component, where() + ": " + why + (decision.escalate ? "; restart intensity exceeded, escalating" : "; restarting from the last checkpoint"));
    ++st.incarnation;
    st.restarting = true;
    st.ready = false;
    st.checkpoint_in_flight = false;
    stop_children();
    for (std::size_t i = 0; i < st.stash.size(); ++i) peers_.inflight->fetch_sub(1, std::memory_order_relaxed);
    st.stash.clear();
    st.pending_invalid.clear();
    st.pending_late.clear();
    if (decision.escalate) {
      peers_.commands->push({consumer_command::kind::stop_partition, cfg_.partition, 0, 0});
      self_->quit(caf::sec::runtime_error);
      return;
    }
    ++st.restarts_done;
    const auto inc = st.incarnation;
    self_->delayed_send(self_, ns(decision.delay), retry_atom::value, inc);
  }

  void resume_after_restart(std::uint64_t inc) {
    if (self_->state.incarnation != inc) return;
    claim(
      [=, this](std::int64_t next_offset) {
        auto& st = self_->state;
        ++st.generation;
        peers_.commands->push({consumer_command::kind::seek, cfg_.partition, next_offset, st.generation});
      },
      [=, this](const caf::error& e) { restart("re-claim failed: " + caf::to_string(e)); });
  }

  std::string stats_json() const {
    const auto& st = self_->state;
    std::string s = "{\"partition\":" + std::to_string(cfg_.partition) + ",\"epoch\":" + std::to_string(st.epoch);
    if (st.router) {
      const auto& c = st.router->counters();
      s += ",\"next_offset\":" + std::to_string(st.router->next_offset()) + ",\"committed_offset\":" +
           std::to_string(st.committed_offset) + ",\"watermark\":" + std::to_string(st.router->clock().watermark) +
           ",\"valid\":" + std::to_string(c.valid) + ",\"invalid\":" + std::to_string(c.invalid) +
           ",\"late\":" + std::to_string(c.late) + ",\"fully_late\":" + std::to_string(c.fully_late) +
           ",\"duplicate\":" + std::to_string(c.duplicate) + ",\"gaps\":" + std::to_string(c.gaps) +
           ",\"gap_rereads\":" + std::to_string(c.gap_rereads);
    }
    s += ",\"candle_actors\":" + std::to_string(st.by_symbol.size() * cfg_.intervals.size()) +
         ",\"checkpoints\":" + std::to_string(st.checkpoints) + ",\"restarts\":" + std::to_string(st.restarts_done) +
         ",\"candles_published\":" + std::to_string(st.candles_published) + ",\"stash\":" + std::to_string(st.stash.size()) + "}";
    return s;
  }

private:
  std::function<void()> after_commit_; // a caller waiting for a checkpoint that was in flight
  self_ptr self_;
  const reader_config& cfg_;
  const reader_peers& peers_;
};

} // namespace

caf::behavior partition_reader_actor(caf::stateful_actor<reader_state>* self, reader_config cfg, reader_peers peers) {
  self->state.restarts = restart_policy(cfg.restarts);
  self->state.by_interval.assign(cfg.intervals.size(), {});
  // The logic object lives as long as the actor; it refers to cfg/peers kept alive below.
  auto keep = std::make_shared<std::pair<reader_config, reader_peers>>(std::move(cfg), std::move(peers));
  auto logic = std::make_shared<reader_logic>(self, keep->first, keep->second);
  self->set_down_handler([=](caf::down_msg& dm) {
    if (dm.reason && logic->is_child(dm.source)) logic->restart("candle actor failed: " + caf::to_string(dm.reason));
  });
  return {
    [=](claim_atom) {
      auto rp = self->make_response_promise<std::int64_t>();
      logic->claim(
        [=](std::int64_t next_offset) mutable {
          rp.deliver(next_offset);
          self->delayed_send(self, ns(keep->first.checkpoint_interval), tick_atom::value);
        },
        [=](const caf::error& e) mutable { rp.deliver(e); });
      return rp;
    },
    [=](batch_atom, raw_batch& batch) { logic->on_batch(batch); },
    [=](tick_atom) { logic->on_tick(); },
    [=](retry_atom, std::uint64_t inc) { logic->resume_after_restart(inc); },
    [=](revoke_atom, bool lost) {
      auto rp = self->make_response_promise<bool>();
      if (lost || !self->state.ready) {
        logic->stop_children();
        rp.deliver(true);
        self->quit();
        return rp;
      }
      logic->checkpoint([=]() mutable {
        logic->stop_children();
        rp.deliver(true);
        self->quit();
      });
      return rp;
    },
    [=](crash_atom, const candle_key& key) {
      const auto& ivs = keep->first.intervals;
      auto it = self->state.by_symbol.find(key.symbol);
      if (it == self->state.by_symbol.end()) return;
      for (std::size_t i = 0; i < ivs.size(); ++i)
        if (ivs[i] == key.iv) self->send(it->second[i], crash_atom::value);
    },
    [=](stats_atom) { return logic->stats_json(); },
  };
}

} // namespace cs
