#include "dependency_checks.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <mutex>

#include "runtime/kafka/producer.hpp"
#include "runtime/postgres/client.hpp"
#include "runtime/postgres/connection_params.hpp"
#include "runtime/redis/client.hpp"
#include "runtime/redis/cluster_client.hpp"

namespace cs::node {

struct dependency_checks::impl {
  impl(const runtime::config& c, std::chrono::milliseconds t) : cfg(c), timeout(t) {}
  const runtime::config& cfg;
  std::chrono::milliseconds timeout;
  std::mutex kafka_mutex;
  std::unique_ptr<runtime::kafka_producer> kafka; // one client reused by every check

  dependency_state check_kafka() {
    const auto& topic = cfg.get(runtime::keys::kafka_topic_events);
    std::lock_guard lock(kafka_mutex);
    try {
      if (!kafka) kafka = std::make_unique<runtime::kafka_producer>(runtime::kafka_config{{"bootstrap.servers", cfg.get(runtime::keys::kafka_brokers)}});
    } catch (const std::exception& e) {
      return {"kafka", false, e.what()};
    }
    auto n = kafka->partition_count(topic, timeout);
    if (!n) return {"kafka", false, n.error().reason};
    return {"kafka", true, topic + " has " + std::to_string(*n) + " partitions"};
  }

  // With redis.cluster-nodes, L2 is that cluster: ready when its slot table is known and every
  // slot has a master (a cluster mid-failover is degraded: those slots' reads go to PostgreSQL).
  dependency_state check_redis_cluster(const std::string& seeds) {
    const std::string off = " (L2 cache off: serving from L1 and PostgreSQL)";
    auto nodes = runtime::parse_redis_seed_list(seeds);
    if (!nodes) return {"redis", false, nodes.error().reason + off, false};
    runtime::redis_cluster_options o;
    o.seeds = std::move(*nodes);
    o.node.connect_timeout = o.node.command_timeout = timeout;
    auto c = runtime::redis_cluster_client::connect(std::move(o));
    if (!c) return {"redis", false, c.error().reason + off, false};
    if (const auto n = c->slots().uncovered(); n > 0)
      return {"redis", false, "Redis Cluster: " + std::to_string(n) + " slots have no master (their L2 reads go to PostgreSQL)", false};
    return {"redis", true, "Redis Cluster: " + std::to_string(c->slots().masters.size()) + " masters serve every slot", false};
  }

  dependency_state check_redis() {
    if (const auto seeds = cfg.get(runtime::keys::redis_cluster_nodes); seeds != "none") return check_redis_cluster(seeds);
    auto opt = runtime::redis_options_from_config(cfg);
    opt.connect_timeout = opt.command_timeout = timeout;
    auto c = runtime::redis_client::connect(opt);
    if (!c) return {"redis", false, c.error().reason + " (L2 cache off: serving from L1 and PostgreSQL)", false};
    if (auto p = c->ping(); !p) return {"redis", false, p.error().reason + " (L2 cache off: serving from L1 and PostgreSQL)", false};
    return {"redis", true, "PING ok at " + opt.host + ":" + std::to_string(opt.port), false};
  }

  dependency_state check_postgres() {
    auto p = runtime::pg_params_from_config(cfg);
    p.connect_timeout = std::chrono::duration_cast<std::chrono::seconds>(timeout) + std::chrono::seconds{1};
    auto c = runtime::pg_client::connect(runtime::pg_connection_string(p));
    if (!c) return {"postgres", false, c.error().reason};
    auto r = c->transact([](pqxx::work& w) { return w.exec1("SELECT 1")[0].as<int>(); });
    if (!r) return {"postgres", false, r.error().reason};
    return {"postgres", true, "SELECT 1 ok on " + p.database};
  }
};

dependency_checks::dependency_checks(const runtime::config& cfg)
  : impl_(std::make_unique<impl>(cfg, std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::nanoseconds(cfg.get(runtime::keys::node_dependency_timeout))))) {}

dependency_checks::~dependency_checks() = default;

std::vector<dependency_state> dependency_checks::run() {
  return {impl_->check_kafka(), impl_->check_redis(), impl_->check_postgres()};
}

std::string to_json(const std::vector<dependency_state>& deps, bool& ready) {
  ready = true;
  bool degraded = false;
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& d : deps) {
    if (!d.ok && d.required) ready = false;
    if (!d.ok && !d.required) degraded = true;
    arr.push_back({{"name", d.name}, {"ok", d.ok}, {"required", d.required}, {"detail", d.detail}});
  }
  return nlohmann::json{{"status", !ready ? "not_ready" : degraded ? "degraded" : "ready"}, {"dependencies", arr}}.dump();
}

} // namespace cs::node
