#pragma once
// How the gateway reads one series: the owning candle actor first (via the directory), for the
// candles PostgreSQL may not have yet and the frontiers, then the cache for every final candle
// before the committed frontier (L1 -> L2 -> PostgreSQL), and the two joined. Asking the actor
// first matters: a final candle it hands to a checkpoint stays in its answer until the next
// checkpoint, so whatever the cache reads afterwards, no candle falls between the two.
// A range that ends before a committed frontier seen earlier needs neither the directory nor the
// actor: everything there is final and in PostgreSQL (a committed frontier only grows, and what
// it vouched for stays committed), so it goes straight to the cache.
// Runs on HTTP worker threads with their scoped_actors; every request has a timeout. Thread-safe.
#include <caf/scoped_actor.hpp>

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "messages/protocols.hpp"

namespace cs::gateway {

struct series_query {
  candle_key key;
  timestamp_ns from = 0;
  timestamp_ns to = 0;
  std::int64_t limit = 0;
  bool newest = false; // the newest `limit` before `to`, else the oldest from `from`
};

struct series_answer {
  encoded_candles candles;     // ascending; final ones closed, the live ones last; with their JSON
  bool truncated = false;      // `limit` cut the answer
  bool known = false;          // the series exists (a live actor, or candles in PostgreSQL)
  bool immutable = false;      // the range ends before a committed frontier: this answer never changes
  timestamp_ns frontier = no_frontier; // every bucket before it is final
  tier_counts tiers;
  // Set when the answer could not be produced: HTTP status and error code/message.
  int status = 200;
  std::string error_code;
  std::string error;
};

class series_reader {
public:
  series_reader(directory_hdl directory, cache_hdl cache, std::chrono::nanoseconds timeout)
    : directory_(std::move(directory)), cache_(std::move(cache)), timeout_(timeout) {}

  series_answer read(caf::scoped_actor& self, const series_query& q) const;
  // The live candle actor of key on this node, if any.
  std::vector<candle_actor_hdl> owner(caf::scoped_actor& self, const candle_key& key) const;
  // After owner() found nothing: who reads the key's partition (unknown without a cluster or
  // when the directory does not answer in time).
  key_owner where(caf::scoped_actor& self, const candle_key& key) const;

private:
  timestamp_ns known_committed(const candle_key& key) const;
  void note_committed(const candle_key& key, timestamp_ns f) const;

  mutable std::mutex committed_mutex_;
  mutable std::map<candle_key, timestamp_ns> committed_; // highest committed frontier seen per series
  directory_hdl directory_;
  cache_hdl cache_;
  std::chrono::nanoseconds timeout_;
};

} // namespace cs::gateway
