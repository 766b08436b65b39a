#pragma once
// Wires one node's pipeline from its configuration: directory, db_writer, publisher, the
// kafka_consumer actor and its poll thread. Start/stop order matters for exactly-once: the poll
// thread stops first (its last revoke checkpoints every partition), then the actors.
#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "actors/kafka_consumer/poll_loop.hpp"
#include "actors/publisher/publisher_core.hpp"
#include "messages/protocols.hpp"
#include "runtime/config/config.hpp"
#include "runtime/metrics/registry.hpp"

namespace cs::node {

class node_pipeline {
public:
  // `escalate` runs (on an actor thread) when a node service actor fails: the node must shut down.
  // `metrics` (may be null) must hold the node's families (node_metrics) and outlive the pipeline:
  // readers and db_writers record into it as things happen.
  node_pipeline(caf::actor_system& sys, const runtime::config& cfg, std::function<void(const std::string&)> escalate,
                runtime::metrics::registry* metrics = nullptr);
  ~node_pipeline();
  void start();
  void stop();

  const directory_hdl& directory() const { return directory_; }
  const cache_hdl& cache() const { return cache_; }
  const caf::actor& consumer() const { return consumer_; }
  const std::vector<db_writer_hdl>& db_writers() const { return db_writers_; }
  const publisher_counters& publisher_stats() const { return *publisher_counters_; }
  // Empty before start() and after stop().
  std::vector<poll_loop::partition_view> partition_views() const;
  // The poll thread's counters since start (zero before start()).
  poll_loop::stats poll_counters() const;

private:
  caf::actor_system& sys_;
  directory_hdl directory_;
  cache_hdl cache_;
  std::vector<db_writer_hdl> db_writers_;
  publisher_hdl publisher_;
  std::shared_ptr<publisher_counters> publisher_counters_ = std::make_shared<publisher_counters>();
  caf::actor consumer_, root_, gap_verifier_;
  std::shared_ptr<consumer_commands> commands_;
  std::unique_ptr<poll_loop> loop_;
};

} // namespace cs::node
