#pragma once
// Readiness of the node's dependencies (Kafka, Redis, PostgreSQL), each checked with a bounded
// timeout. Blocking: called from HTTP worker threads, never from an actor.
#include <memory>
#include <string>
#include <vector>

#include "runtime/config/config.hpp"

namespace cs::node {

struct dependency_state {
  std::string name;
  bool ok = false;
  std::string detail;    // what was checked, or why it failed
  bool required = true;  // false: the node serves without it, degraded (Redis, the L2 cache)
};

class dependency_checks {
public:
  explicit dependency_checks(const runtime::config& cfg);
  ~dependency_checks();
  dependency_checks(const dependency_checks&) = delete;
  dependency_checks& operator=(const dependency_checks&) = delete;

  std::vector<dependency_state> run();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// {"status":"ready"|"degraded"|"not_ready","dependencies":[{"name":..,"ok":..,"required":..,"detail":..}]}
// ready = false only when a required dependency is down; "degraded" when only optional ones are.
std::string to_json(const std::vector<dependency_state>& deps, bool& ready);

} // namespace cs::node
