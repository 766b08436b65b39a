#include "bench_node.hpp"

#include "child_process.hpp"

#include <httplib.h>
#include <unistd.h>

#include <chrono>
#include <ctime>

namespace cs::bench {

std::string bench_id() { return std::to_string(::getpid()).append("-").append(std::to_string(std::time(nullptr))); }

pid_t start_node(const std::string& node, const std::string& topic, const std::string& name, const std::string& port,
                 const std::string& config_file, const std::string& log_path, bool metrics,
                 const std::vector<std::string>& extra) {
  std::vector<std::string> node_args = {node, "--kafka.topic.events=" + topic, "--kafka.group=" + name,
                                        "--node.name=" + name, "--node.http-port=" + port, "--candle.idle-timeout=1h",
                                        std::string("--node.metrics=") + (metrics ? "true" : "false")};
  if (!config_file.empty()) node_args.insert(node_args.begin() + 1, {"--config", config_file});
  node_args.insert(node_args.end(), extra.begin(), extra.end());
  return spawn(std::move(node_args), log_path);
}

nlohmann::json partition_stats(const std::string& port) {
  httplib::Client c("127.0.0.1", std::stoi(port));
  c.set_read_timeout(std::chrono::seconds(10));
  auto r = c.Get("/debug/stats");
  if (!r || r->status != 200) return nlohmann::json::array();
  auto j = nlohmann::json::parse(r->body, nullptr, false);
  return j.is_object() && j.contains("partitions") && j["partitions"].is_array() ? j["partitions"] : nlohmann::json::array();
}

void delete_rows(runtime::pg_client& pg, const std::string& topic, std::ostream& log, const std::string& symbol_prefix) {
  auto r = pg.transact([&](pqxx::work& w) {
    w.exec_params("delete from candles where source_topic = $1", topic);
    w.exec_params("delete from partition_checkpoint where topic = $1", topic);
    if (!symbol_prefix.empty()) w.exec_params("delete from candle_series where symbol like $1", symbol_prefix + "%");
    return 0;
  });
  if (!r) log << "could not delete the benchmark's rows of " << topic << ": " << r.error().reason << "\n";
}

} // namespace cs::bench
