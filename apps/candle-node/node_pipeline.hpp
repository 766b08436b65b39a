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
#include "messages/protocols.hpp"
#include "runtime/config/config.hpp"

namespace cs::node {

class node_pipeline {
public:
  // `escalate` runs (on an actor thread) when a node service actor fails: the node must shut down.
  node_pipeline(caf::actor_system& sys, const runtime::config& cfg, std::function<void(const std::string&)> escalate);
  ~node_pipeline();
  void start();
  void stop();

  const directory_hdl& directory() const { return directory_; }
  const cache_hdl& cache() const { return cache_; }
  const caf::actor& consumer() const { return consumer_; }

private:
  caf::actor_system& sys_;
  directory_hdl directory_;
  cache_hdl cache_;
  std::vector<db_writer_hdl> db_writers_;
  publisher_hdl publisher_;
  caf::actor consumer_, root_, gap_verifier_;
  std::shared_ptr<consumer_commands> commands_;
  std::unique_ptr<poll_loop> loop_;
};

} // namespace cs::node
