#pragma once
// The node's Prometheus metrics (GET /metrics): every family is declared here, once, with its
// help text (but the HTTP gateway's two, which it declares itself). Values come three ways: actors count in their own state and are asked at scrape time
// with bounded requests (partitions, cache tiers); readers, db_writers and the HTTP gateway record
// observations into the registry as they happen (durations, finals per interval, requests); the
// poll thread, the publisher's counters, the dependency checks and /proc are read at scrape time.
// docs/operations.md lists every metric. Label sets are bounded: partition, interval, tier,
// reason, actor, dependency, route, status; never a symbol.
// Thread-safety: render() may run on any HTTP thread; it blocks that thread for at most the
// scrape timeout per actor asked plus the dependency checks' timeouts.
#include <caf/actor_system.hpp>

#include <chrono>
#include <string>

#include "runtime/metrics/registry.hpp"

namespace cs::node {

class node_pipeline;
}
namespace cs::live {
class ws_server;
}
namespace cs::node {

class dependency_checks;

class node_metrics {
public:
  node_metrics(); // declares the families; collectors come with attach()
  runtime::metrics::registry& registry() { return registry_; }
  // Adds the scrape-time collectors. `pipeline` and `deps` must outlive every render().
  void attach(caf::actor_system& sys, const node_pipeline& pipeline, dependency_checks& deps);
  // The WebSocket server's counters; `ws` must outlive every render().
  void attach_ws(const live::ws_server& ws);
  std::string render() { return registry_.render(); }

private:
  runtime::metrics::registry registry_;
  std::chrono::seconds timeout_{2};
};

} // namespace cs::node
