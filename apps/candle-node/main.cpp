// candle-node: one node of the candlestream cluster. Parses the configuration, starts the actor
// system (CAF with its middleman, every message type registered) and the node's HTTP endpoint,
// whose /health/ready reports each dependency. The aggregation pipeline comes on top of this.
#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <iostream>
#include <thread>

#include "dependency_checks.hpp"
#include "messages/caf_types.hpp"
#include "runtime/config/config.hpp"
#include "runtime/config/log.hpp"

namespace {

constexpr std::string_view component = "candle-node";
constexpr int exit_usage = 2;
httplib::Server* running_server = nullptr;

void on_signal(int) {
  // httplib's stop() only flips flags and shuts the listening socket: safe enough here, and the
  // only way to leave listen() from a signal.
  if (running_server) running_server->stop();
}

class node_caf_config : public caf::actor_system_config {
public:
  node_caf_config() {
    load<caf::io::middleman>();
    cs::register_message_types(*this);
  }
};

} // namespace

int main(int argc, char** argv) {
  std::vector<std::string> rest;
  cs::runtime::config cfg;
  try {
    cfg = cs::runtime::config::load(argc, argv, rest);
  } catch (const cs::runtime::config_error& e) {
    std::cerr << "candle-node: " << e.what() << "\n";
    return exit_usage;
  }
  for (const auto& a : rest) {
    if (a == "--help") {
      std::cout << cs::runtime::config::help("candle-node", "[--config FILE] [--<key>=<value> ...]");
      return 0;
    }
    std::cerr << "candle-node: unexpected argument '" << a << "'; see --help\n";
    return exit_usage;
  }

  const auto& name = cfg.text("node.name");
  cs::runtime::log_info(component, "starting " + name + " with config:\n" + cfg.dump());

  node_caf_config caf_cfg;
  caf::actor_system system{caf_cfg};

  cs::node::dependency_checks deps(cfg);
  httplib::Server server;
  server.Get("/health/live", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(nlohmann::json{{"status", "live"}, {"node", name}}.dump(), "application/json");
  });
  server.Get("/health/ready", [&](const httplib::Request&, httplib::Response& res) {
    bool ok = false;
    res.set_content(cs::node::to_json(deps.run(), ok), "application/json");
    res.status = ok ? 200 : 503;
  });

  const auto& host = cfg.text("node.http-host");
  const auto port = static_cast<int>(cfg.integer("node.http-port"));
  if (!server.bind_to_port(host.c_str(), port)) {
    cs::runtime::log_error(component, "cannot listen on " + host + ":" + std::to_string(port));
    return 1;
  }
  running_server = &server;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  cs::runtime::log_info(component, name + " listening on http://" + host + ":" + std::to_string(port) +
                                     " (GET /health/live, /health/ready)");
  server.listen_after_bind();
  running_server = nullptr;
  cs::runtime::log_info(component, name + " stopped");
  return 0;
}
