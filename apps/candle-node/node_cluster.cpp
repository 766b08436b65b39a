#include "node_cluster.hpp"

#include <caf/send.hpp>

#include <chrono>

#include "actors/cluster/node_actor.hpp"
#include "actors/cluster/transport.hpp"
#include "runtime/kafka/producer.hpp"
#include "runtime/log/log.hpp"

namespace cs::node {

namespace {

// The events topic's partition count, which tells the node actor a key's partition; 0 (and a
// warning) when Kafka does not say within a few seconds: keys without an answer are then 404s.
std::int32_t events_partition_count(const runtime::config& cfg) {
  using namespace runtime::keys;
  const auto& topic = cfg.get(kafka_topic_events);
  try {
    runtime::kafka_producer kafka(runtime::kafka_config{{"bootstrap.servers", cfg.get(kafka_brokers)}});
    if (auto n = kafka.partition_count(topic, std::chrono::seconds(5))) return *n;
    else runtime::log_warn("cluster", "partitions of " + topic + " unknown (" + n.error().reason + "): a key no node answers for is a 404, never a 503 naming its owner");
  } catch (const std::exception& e) {
    runtime::log_warn("cluster", std::string("partitions of ") + topic + " unknown: " + e.what());
  }
  return 0;
}

} // namespace

node_cluster start_node_cluster(caf::actor_system& sys, const runtime::config& cfg, node_pipeline& pipeline,
                                const std::string& http_address, const std::vector<std::string>& seeds, const cs::node_roles& node_roles) {
  using namespace runtime::keys;
  node_cluster out;
  out.port = static_cast<std::uint16_t>(cfg.get(cluster_port));
  if (out.port == 0) return out;
  const auto& host = cfg.get(cluster_host);
  out.endpoint = host + ":" + std::to_string(out.port);
  const auto& name = cfg.get(node_name);
  const auto roles = node_roles.names();
  const auto started = wall_clock_now();

  node_actor_settings ns;
  ns.self.name = name;
  ns.self.endpoint = out.endpoint;
  ns.self.http = http_address;
  ns.self.roles = roles;
  ns.self.started_at = started;
  ns.seeds = seeds;
  ns.timeout = cfg.get(cluster_request_timeout);
  ns.tick = cfg.get(cluster_gossip_interval);
  ns.partition_count = events_partition_count(cfg);
  ns.inspector.identity = {name, roles, out.endpoint, http_address, cfg.get(candle_intervals), cfg.get(node_faults), started};
  ns.inspector.timeout = ns.timeout;
  inspector_peers peers{pipeline.directory(), pipeline.cache(), pipeline.consumer(), [&pipeline] {
                          std::vector<console::partition_log> logs;
                          for (const auto& v : pipeline.partition_views()) logs.push_back({v.partition, v.paused, v.high_watermark});
                          return logs;
                        }, {}};
  auto hdl = sys.spawn(node_actor, ns, peers);
  if (auto published = publish_node(sys, hdl, out.port, host); !published) {
    out.error = "cannot publish the node actor on " + out.endpoint + ": " + sys.render(published.error());
    caf::anon_send_exit(hdl, caf::exit_reason::user_shutdown);
    return out;
  }
  caf::anon_send(pipeline.directory(), cluster_atom::value, hdl);
  out.actor = caf::actor_cast<caf::actor>(hdl);
  return out;
}

} // namespace cs::node
