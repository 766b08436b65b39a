#pragma once
// The node's Prometheus metrics (GET /metrics): families declared here, once, with their help
// text; values that actors count themselves (partitions, cache tiers) are asked for at scrape time
// with bounded requests, the HTTP gateway records requests as they happen, and the process
// metrics come from /proc. docs/operations.md lists every metric. Label sets are bounded:
// partition, interval, tier, reason, route, status; never a symbol.
// Thread-safety: render() may run on any HTTP thread; it blocks that thread for at most the
// scrape timeout per actor asked.
#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include <chrono>
#include <string>

#include "messages/protocols.hpp"
#include "runtime/metrics/registry.hpp"

namespace cs::node {

class node_metrics {
public:
  node_metrics(caf::actor_system& sys, caf::actor consumer, cache_hdl cache);
  runtime::metrics::registry& registry() { return registry_; }
  std::string render() { return registry_.render(); }

private:
  void collect_partitions(runtime::metrics::registry& r);
  void collect_cache(runtime::metrics::registry& r);

  caf::actor_system& sys_;
  caf::actor consumer_;
  cache_hdl cache_;
  std::chrono::seconds timeout_{2};
  runtime::metrics::registry registry_;
};

} // namespace cs::node
