#pragma once
// How the gateway reads one series: the owning candle actor first (via the directory), for the
// candles PostgreSQL may not have yet and the frontiers, then the cache for every final candle
// before the committed frontier (L1 -> L2 -> PostgreSQL), and the two joined. Asking the actor
// first matters: a final candle it hands to a checkpoint stays in its answer until the next
// checkpoint, so whatever the cache reads afterwards, no candle falls between the two.
// Runs on an HTTP worker thread with a scoped_actor; every request has a timeout.
#include <caf/scoped_actor.hpp>

#include <chrono>
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
  std::vector<candle> candles; // ascending; final ones closed, the live ones last
  bool truncated = false;      // `limit` cut the answer
  bool known = false;          // the series exists (a live actor, or candles in PostgreSQL)
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

private:
  directory_hdl directory_;
  cache_hdl cache_;
  std::chrono::nanoseconds timeout_;
};

} // namespace cs::gateway
