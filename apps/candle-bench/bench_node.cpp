#include "bench_node.hpp"

#include "bench_util.hpp"
#include "child_process.hpp"

#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <sstream>
#include <string_view>
#include <thread>
#include <vector>

#include "runtime/postgres/connection_params.hpp"

namespace cs::bench {

std::string bench_id() { return std::to_string(::getpid()).append("-").append(std::to_string(std::time(nullptr))); }

runtime::config load_bench_config(const std::string& config_file) {
  std::vector<std::string> rest;
  std::vector<const char*> args = {"candle-bench"};
  if (!config_file.empty()) args.insert(args.end(), {"--config", config_file.c_str()});
  return runtime::config::load(static_cast<int>(args.size()), args.data(), rest);
}

std::optional<runtime::pg_client> connect_pg(const runtime::config& cfg, std::ostream& log) {
  auto pg = runtime::pg_client::connect(runtime::pg_connection_string(runtime::pg_params_from_config(cfg)));
  if (!pg) {
    log << "PostgreSQL: " << pg.error().reason << "\n";
    return std::nullopt;
  }
  return std::move(pg).value();
}

bool create_topic(runtime::kafka_admin& admin, const std::string& topic, int partitions, std::ostream& log) {
  if (auto why = admin.create_topic(topic, partitions); !why.empty()) {
    log << "cannot create " << topic << ": " << why << "\n";
    return false;
  }
  return true;
}

pid_t start_node(const std::string& node, const std::string& topic, const std::string& name, const std::string& port,
                 const std::string& config_file, const std::string& log_path, bool metrics,
                 const std::vector<std::string>& extra, const std::string& group) {
  std::vector<std::string> node_args = {node, "--kafka.topic.events=" + topic, "--kafka.group=" + (group.empty() ? name : group),
                                        "--node.name=" + name, "--node.http-port=" + port, "--cluster.port=0", "--candle.idle-timeout=1h",
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

bool wait_running(pid_t& pid, const std::string& port, int partitions, double timeout_s, std::ostream& log) {
  const auto t0 = clock_type::now();
  for (;;) {
    if (exited(pid)) {
      pid = -1;
      log << "candle-node exited before running its partitions\n";
      return false;
    }
    const auto parts = partition_stats(port);
    if (static_cast<int>(parts.size()) == partitions &&
        std::all_of(parts.begin(), parts.end(), [](const auto& p) { return p.value("state", "") == "running"; }))
      return true;
    if (seconds_since(t0) > timeout_s) {
      log << "timed out waiting for " << partitions << " running partitions\n";
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

namespace {
// Calls fn(labels, value) for each sample of `name` in the node's /metrics ("name value" or
// "name{labels} value"; not "name_bucket..." or another name it prefixes). False when the node
// did not answer.
template <class Fn>
bool for_each_sample(const std::string& port, const std::string& name, Fn fn) {
  httplib::Client c("127.0.0.1", std::stoi(port));
  c.set_read_timeout(std::chrono::seconds(10));
  auto r = c.Get("/metrics");
  if (!r || r->status != 200) return false;
  std::istringstream lines(r->body);
  for (std::string line; std::getline(lines, line);) {
    if (line.compare(0, name.size(), name) != 0 || line.size() <= name.size()) continue;
    if (line[name.size()] != ' ' && line[name.size()] != '{') continue;
    const auto space = line.rfind(' ');
    const auto labels = std::string_view(line).substr(name.size(), space - name.size());
    fn(labels, std::strtod(line.c_str() + space + 1, nullptr));
  }
  return true;
}
} // namespace

double metric_sum(const std::string& port, const std::string& name) {
  double sum = -1;
  for_each_sample(port, name, [&](std::string_view, double v) { sum = std::max(sum, 0.0) + v; });
  return sum;
}

std::map<std::string, double> metric_sums_by(const std::string& port, const std::string& name, const std::string& label) {
  std::map<std::string, double> out;
  const std::string key = label + "=\"";
  for_each_sample(port, name, [&](std::string_view labels, double v) {
    const auto at = labels.find(key);
    if (at == std::string_view::npos) return;
    const auto from = at + key.size();
    out[std::string(labels.substr(from, labels.find('"', from) - from))] += v;
  });
  return out;
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

scraper::scraper(const std::string& port, double interval_s) {
  if (interval_s <= 0) return;
  thread_ = std::thread([this, port, interval_s] {
    httplib::Client c("127.0.0.1", std::stoi(port));
    c.set_read_timeout(std::chrono::seconds(10));
    auto next = clock_type::now();
    while (!stop_.load()) {
      if (clock_type::now() >= next) {
        if (auto r = c.Get("/metrics"); r && r->status == 200) ++scrapes_;
        next += std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(interval_s));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
}

scraper::~scraper() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

} // namespace cs::bench
