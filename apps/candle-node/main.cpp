// candle-node: one node of the candlestream cluster. Parses the configuration, starts the actor
// system (CAF with its middleman, every message type registered), the aggregation pipeline
// (Kafka -> partition readers -> candle actors -> checkpoints in PostgreSQL), the cache, and the
// node's HTTP port: the read API (native, /api/v1/history, TradingView UDF), health, /debug/stats,
// /metrics, the chart page, WebSocket /ws (live hub + Beast sessions), fault injection when
// enabled, and the node actor (cluster membership, candle-console) on its CAF port.
#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
#include <iostream>
#include <optional>
#include <thread>

#include "dependency_checks.hpp"
#include "messages/atoms.hpp"
#include "messages/candle_json.hpp"
#include "actors/http_gateway/http_gateway.hpp"
#include "actors/http_gateway/server_settings.hpp"
#include "actors/http_gateway/http_listener.hpp"
#include "actors/cluster/endpoint.hpp"
#include "actors/cluster/roles.hpp"
#include "actors/cluster/transport.hpp"
#include "actors/live_push/live_hub.hpp"
#include "actors/live_push/ws_server.hpp"
#include "live_history.hpp"
#include "node_cluster.hpp"
#include "node_metrics.hpp"
#include "node_pipeline.hpp"
#include "partition_health.hpp"
#include "messages/caf_types.hpp"
#include "runtime/config/config.hpp"
#include "runtime/log/log.hpp"

namespace {

constexpr std::string_view component = "candle-node";
constexpr int exit_usage = 2;
httplib::Server* running_server = nullptr;
std::atomic<bool> escalated{false};

// A node singleton failed: stop the way an operator's SIGTERM does (final checkpoints, then exit
// 1), and let the process supervisor start the node again.
void escalate() {
  escalated = true;
  std::raise(SIGTERM);
}

void on_signal(int) {
  // httplib's stop() only flips flags and shuts the listening socket: safe enough here, and the
  // only way to leave listen() from a signal.
  if (running_server) running_server->stop();
}

class node_caf_config : public caf::actor_system_config {
public:
  node_caf_config(std::int64_t worker_threads, bool work_stealing, cs::duration_ns heartbeat, cs::duration_ns connection_timeout,
                  const std::optional<cs::tls_files>& tls) {
    load<caf::io::middleman>();
    if (tls) cs::enable_tls(*this, *tls);
    // Without heartbeats a paused or cut-off node is never noticed (docs/design.md §5).
    set("middleman.heartbeat-interval", caf::timespan{heartbeat});
    set("middleman.connection-timeout", caf::timespan{connection_timeout});
    cs::register_message_types(*this);
    const auto cores = std::max(1u, std::thread::hardware_concurrency());
    set("scheduler.max-threads", worker_threads > 0 ? worker_threads : static_cast<std::int64_t>(cores));
    // A reader that spawns or messages thousands of candle actors in one handler pushes each onto
    // its worker's queue; under work stealing every push takes the lock that the idle workers'
    // polling holds, and a 100,000-symbol burst crawled (docs/many-keys.md).
    set("scheduler.policy", work_stealing ? caf::atom("stealing") : caf::atom("sharing"));
  }
};

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string> rest;
  cs::runtime::config cfg;
  try {
    cfg = cs::runtime::config::load(argc, argv, rest);
    cs::runtime::configure_logging(cfg);
  } catch (const cs::runtime::config_error& e) {
    std::cerr << "candle-node: " << e.what() << "\n";
    return exit_usage;
  }
  for (const auto& a : rest) {
    if (a == "--help") {
      std::cout << cs::runtime::config::help("candle-node", "[--config FILE] [--<key>=<value> ...] [--print-default-config]");
      return 0;
    }
    if (a == "--print-default-config") { // regenerates config/candlestream.conf
      std::cout << cs::runtime::config::default_file();
      return 0;
    }
    std::cerr << "candle-node: unexpected argument '" << a << "'; see --help\n";
    return exit_usage;
  }

  const auto& name = cfg.get(cs::runtime::keys::node_name);
  cs::runtime::log_info(component, "starting " + name + " with config:\n" + cfg.dump());

  // Seeds are checked before anything starts: a typo is a usage error, not a silent loner.
  std::string seeds_error, roles_error;
  const auto seeds = cs::parse_endpoints(cfg.get(cs::runtime::keys::cluster_seeds), seeds_error);
  if (!seeds_error.empty()) {
    std::cerr << "candle-node: cluster.seeds: " << seeds_error << "\n";
    return exit_usage;
  }
  const auto roles = cs::parse_roles(cfg.get(cs::runtime::keys::node_roles), roles_error);
  if (!roles_error.empty()) {
    std::cerr << "candle-node: node.roles: " << roles_error << "\n";
    return exit_usage;
  }
  std::optional<cs::tls_files> tls;
  if (cfg.get(cs::runtime::keys::cluster_tls)) {
    tls = cs::tls_files{cfg.get(cs::runtime::keys::cluster_tls_certificate), cfg.get(cs::runtime::keys::cluster_tls_key),
                        cfg.get(cs::runtime::keys::cluster_tls_ca)};
    if (auto why = cs::check_tls_files(*tls, "cluster.tls-"); !why.empty()) {
      std::cerr << "candle-node: cluster.tls is on but " << why << "\n";
      return exit_usage;
    }
  }
  node_caf_config caf_cfg(cfg.get(cs::runtime::keys::node_worker_threads), cfg.get(cs::runtime::keys::node_work_stealing),
                          cfg.get(cs::runtime::keys::cluster_heartbeat_interval), cfg.get(cs::runtime::keys::cluster_connection_timeout), tls);
  caf::actor_system system{caf_cfg};

  // The HTTP port is bound before the pipeline takes any partition: a node that cannot serve
  // fails before it joins the consumer group.
  cs::gateway::http_listener server; // cpp-httplib, with /ws connections handed to the WebSocket server
  cs::gateway::tune_http_server(server, static_cast<std::size_t>(cfg.get(cs::runtime::keys::http_threads)));
  const auto& host = cfg.get(cs::runtime::keys::node_http_host);
  const auto port = static_cast<int>(cfg.get(cs::runtime::keys::node_http_port));
  if (cs::gateway::bind_http_server(server, host, port) < 0) {
    cs::runtime::log_error(component, "cannot listen on " + host + ":" + std::to_string(port));
    return 1;
  }
  // Declared before the pipeline, whose actors record into it from their start.
  const bool metrics_on = cfg.get(cs::runtime::keys::node_metrics);
  cs::node::node_metrics metrics;
  cs::node::node_pipeline pipeline(
    system, cfg,
    [](const std::string&) { escalate(); },
    metrics_on ? &metrics.registry() : nullptr);
  try {
    // A gateway-only node never joins the consumer group: it reads no partition.
    if (roles.aggregate) pipeline.start();
  } catch (const std::exception& e) {
    cs::runtime::log_error(component, std::string("cannot start the pipeline: ") + e.what());
    return 1;
  }

  cs::node::dependency_checks deps(cfg);
  using namespace cs::runtime::keys;
  cs::gateway::gateway_settings gs;
  gs.stored = cfg.get(candle_intervals);
  gs.limits = {cfg.get(http_default_limit), cfg.get(http_max_limit)};
  gs.timeout = std::chrono::nanoseconds(cfg.get(http_request_timeout));
  gs.rate_per_second = static_cast<double>(cfg.get(http_rate_limit));
  gs.rate_burst = static_cast<double>(cfg.get(http_rate_burst));
  gs.max_body = static_cast<std::size_t>(cfg.get(http_max_body));
  gs.answer_cache_bytes = static_cast<std::size_t>(cfg.get(cache_answer_max_bytes));
  gs.answer_cache_ttl = cfg.get(cache_l1_ttl);
  // Live push: WebSocket sessions on the HTTP port, fed by the node's live hub.
  cs::live::ws_settings ws_cfg;
  ws_cfg.session.live_interval = cfg.get(ws_live_interval);
  ws_cfg.session.max_queue_bytes = static_cast<std::size_t>(cfg.get(ws_max_queue_bytes));
  ws_cfg.session.max_subscriptions = static_cast<std::size_t>(cfg.get(ws_max_subscriptions));
  ws_cfg.protocol.max_frame_bytes = static_cast<std::size_t>(cfg.get(ws_max_frame_bytes));
  ws_cfg.protocol.max_subscriptions = ws_cfg.session.max_subscriptions;
  ws_cfg.max_sessions = static_cast<std::size_t>(cfg.get(ws_max_sessions));
  ws_cfg.max_sessions_per_address = static_cast<std::size_t>(cfg.get(ws_max_sessions_per_address));
  ws_cfg.idle_timeout = cfg.get(ws_idle_timeout);
  ws_cfg.threads = static_cast<std::size_t>(cfg.get(ws_threads));
  ws_cfg.max_resume_candles = static_cast<std::size_t>(cfg.get(ws_max_resume_candles));
  cs::live::ws_server ws(ws_cfg, cs::node::make_history_reader(system, pipeline.directory(), pipeline.cache(), gs.timeout,
                                                               cfg.get(http_max_limit)));
  auto hub = system.spawn(cs::live::live_hub, pipeline.directory(), ws.registry(), cs::ns_per_s);
  ws.start(hub);
  // The hub holds nothing worth restarting in place (sessions subscribe again when they
  // reconnect): like the pipeline's singletons, its failure escalates.
  caf::actor_cast<caf::abstract_actor*>(hub)->attach_functor([](const caf::error& reason) {
    if (!reason || reason == caf::exit_reason::user_shutdown) return;
    cs::runtime::log_error(component, "live hub failed: " + caf::to_string(reason));
    escalate();
  });
  // An aggregate-only node serves health, metrics and debug only (the read API answers 404).
  if (roles.gateway) server.on_websocket("/ws", [&ws](socket_t sock) { ws.adopt(sock); });
  if (metrics_on) {
    metrics.attach(system, pipeline, deps);
    metrics.attach_ws(ws);
    gs.metrics = &metrics.registry();
  }
  cs::gateway::http_gateway gateway(system, pipeline.directory(), pipeline.cache(), gs);
  if (roles.gateway) gateway.install(server);

  // The node actor: this node's face to the other nodes and to candle-console. Like the
  // pipeline's singletons, its failure escalates.
  auto cluster = cs::node::start_node_cluster(system, cfg, pipeline, host + ":" + std::to_string(port), seeds, roles);
  if (!cluster.error.empty()) {
    cs::runtime::log_error(component, cluster.error);
    ws.stop();
    caf::anon_send_exit(hub, caf::exit_reason::user_shutdown);
    pipeline.stop();
    return 1;
  }
  if (cluster.actor)
    caf::actor_cast<caf::abstract_actor*>(cluster.actor)->attach_functor([](const caf::error& reason) {
      if (!reason || reason == caf::exit_reason::user_shutdown) return;
      cs::runtime::log_error(component, "node actor failed: " + caf::to_string(reason));
      escalate();
    });

  const auto ask_timeout = std::chrono::seconds(5);
  auto json_error = [](httplib::Response& res, int status, const std::string& code, const std::string& message) {
    res.status = status;
    res.set_content(nlohmann::json{{"error", {{"code", code}, {"message", message}}}}.dump(), "application/json");
  };
  if (metrics_on)
    server.Get("/metrics", [&](const httplib::Request&, httplib::Response& res) {
      res.set_content(metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
    });
  server.Get("/debug/stats", [&](const httplib::Request&, httplib::Response& res) {
    caf::scoped_actor self{system};
    nlohmann::json out{{"node", name}};
    self->request(pipeline.consumer(), ask_timeout, cs::stats_atom::value)
      .receive([&](std::string& s) { out["partitions"] = nlohmann::json::parse(s); },
               [&](caf::error& e) { out["partitions_error"] = caf::to_string(e); });
    self->request(pipeline.cache(), ask_timeout, cs::stats_atom::value)
      .receive(
        [&](cs::cache_stats& c) {
          out["cache"] = {{"l1", {{"hits", c.l1_hits}, {"misses", c.l1_misses}, {"size", c.l1_size}, {"evictions", c.l1_evictions},
                                  {"rejections", c.l1_rejections}, {"expirations", c.l1_expirations}}},
                          {"l2", {{"hits", c.l2_hits}, {"misses", c.l2_misses}, {"errors", c.l2_errors}, {"writes", c.l2_writes}, {"dropped", c.l2_dropped}, {"up", c.l2_up}}},
                          {"postgres", {{"reads", c.postgres_reads}, {"errors", c.postgres_errors}}}};
        },
        [&](caf::error& e) { out["cache_error"] = caf::to_string(e); });
    const auto g = gateway.counters();
    out["http"] = {{"requests", g.requests}, {"bad_requests", g.bad_requests}, {"not_found", g.not_found},
                   {"rate_limited", g.rate_limited}, {"unavailable", g.unavailable}, {"failed", g.failed}};
    out["cache"]["answers"] = {{"hits", g.answer_hits}, {"misses", g.answer_misses}, {"bytes", g.answer_bytes},
                               {"entries", g.answer_entries}};
    res.set_content(out.dump(), "application/json");
  });
  if (cfg.get(cs::runtime::keys::node_faults)) {
    server.Post("/debug/crash", [&](const httplib::Request& req, httplib::Response& res) {
      const auto target = req.has_param("target") ? req.get_param_value("target") : std::string("candle");
      if (target == "reader") {
        std::int32_t p = -1;
        const auto text = req.get_param_value("partition");
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), p);
        if (ec != std::errc{} || end != text.data() + text.size() || p < 0)
          return json_error(res, 400, "bad_parameter", "target=reader needs partition, a partition number");
        caf::scoped_actor self{system};
        bool found = false;
        self->request(pipeline.consumer(), ask_timeout, cs::crash_atom::value, p).receive([&](bool f) { found = f; }, [&](caf::error&) {});
        if (!found) return json_error(res, 404, "unknown_partition", "partition " + text + " is not read by this node");
        return res.set_content(nlohmann::json{{"crashed", true}, {"target", "reader"}, {"partition", p}}.dump(), "application/json");
      }
      if (target == "db_writer") {
        if (pipeline.db_writers().empty()) return json_error(res, 404, "not_found", "this node runs no db_writer (gateway only)");
        caf::anon_send(pipeline.db_writers().front(), cs::crash_atom::value);
        return res.set_content(nlohmann::json{{"crashed", true}, {"target", "db_writer"}}.dump(), "application/json");
      }
      if (target != "candle") return json_error(res, 400, "bad_parameter", "target must be candle, reader or db_writer");
      auto iv = cs::parse_interval(req.get_param_value("interval"));
      if (!req.has_param("symbol") || !iv.ok) return json_error(res, 400, "bad_parameter", "symbol and interval are required");
      caf::scoped_actor self{system};
      std::vector<cs::candle_actor_hdl> found;
      self->request(pipeline.directory(), ask_timeout, cs::lookup_atom::value, cs::candle_key{req.get_param_value("symbol"), iv.value})
        .receive([&](std::vector<cs::candle_actor_hdl>& v) { found = std::move(v); }, [&](caf::error&) {});
      if (found.empty()) return json_error(res, 404, "unknown_symbol", "no live candle actor for this symbol and interval on this node");
      caf::anon_send(found.front(), cs::crash_atom::value);
      res.set_content(nlohmann::json{{"crashed", true}}.dump(), "application/json");
    });
  }
  server.Get("/health/live", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(nlohmann::json{{"status", "live"}, {"node", name}}.dump(), "application/json");
  });
  server.Get("/health/ready", [&](const httplib::Request&, httplib::Response& res) {
    auto checks = deps.run();
    caf::scoped_actor self{system};
    self->request(pipeline.consumer(), ask_timeout, cs::stats_atom::value)
      .receive([&](std::string& s) { checks.push_back(cs::node::partition_health(nlohmann::json::parse(s))); },
               [&](caf::error& e) { checks.push_back({"partitions", false, "no answer: " + caf::to_string(e), true}); });
    bool ok = false;
    res.set_content(cs::node::to_json(checks, ok), "application/json");
    res.status = ok ? 200 : 503;
  });

  running_server = &server;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  cs::runtime::log_info(component, name + " listening on http://" + host + ":" + std::to_string(port) +
                                     " (GET /health/ready, /api/v1/candles, /api/v1/history, /udf, /openapi.yaml)" +
                                     (cluster.actor ? "; console: candle-console --connect " + cluster.endpoint : ""));
  server.listen_after_bind();
  running_server = nullptr;
  cs::runtime::log_info(component, name + " stopping: final checkpoints");
  if (cluster.actor) {
    cs::unpublish_node(system, cluster.actor, cluster.port);
    caf::anon_send_exit(cluster.actor, caf::exit_reason::user_shutdown);
  }
  ws.stop();
  caf::anon_send_exit(hub, caf::exit_reason::user_shutdown);
  pipeline.stop();
  cs::runtime::log_info(component, name + (escalated ? " stopped after a failure (see above)" : " stopped"));
  return escalated ? 1 : 0;
}
