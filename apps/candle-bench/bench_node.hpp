#pragma once
// What the benchmarks that run a candle-node share: a run id, the node started on a bench topic,
// its partition stats, and the removal of the bench's rows from PostgreSQL.
#include <sys/types.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstddef>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "runtime/config/config.hpp"
#include "runtime/kafka/admin.hpp"
#include "runtime/postgres/client.hpp"

namespace cs::bench {

// The configuration the bench and its candle-node use: `config_file`, or the defaults ("").
runtime::config load_bench_config(const std::string& config_file);

// A PostgreSQL connection per the configuration's postgres.* keys; nullopt (the reason in `log`)
// when there is none.
std::optional<runtime::pg_client> connect_pg(const runtime::config& cfg, std::ostream& log);

// Creates the bench's `topic`; false (the reason in `log`) when Kafka refuses.
bool create_topic(runtime::kafka_admin& admin, const std::string& topic, int partitions, std::ostream& log);

// "<pid>-<epoch seconds>": names the topics, groups and symbols of one run.
std::string bench_id();

// A candle-node on `topic` (node name `name`, consumer group `group` or else `name`, HTTP on
// `port`, candle actors kept an hour), its output in `log_path`; `extra` flags are appended.
pid_t start_node(const std::string& node, const std::string& topic, const std::string& name, const std::string& port,
                 const std::string& config_file, const std::string& log_path, bool metrics = true,
                 const std::vector<std::string>& extra = {}, const std::string& group = "");

// The node's partition stats (/debug/stats), or an empty array when it does not answer.
nlohmann::json partition_stats(const std::string& port);

// Waits until the node runs all `partitions` (true), exits (false, and `pid` becomes -1: it was
// reaped) or `timeout_s` passes (false); the reason in `log`.
bool wait_running(pid_t& pid, const std::string& port, int partitions, double timeout_s, std::ostream& log);

// The sum of every series of the node's metric `name` (/metrics, Prometheus text), or -1 when
// the node does not answer or has no such metric.
double metric_sum(const std::string& port, const std::string& name);
// The samples of `name` summed per value of `label` (e.g. requests per status); empty when the
// node did not answer or no sample has the label.
std::map<std::string, double> metric_sums_by(const std::string& port, const std::string& name, const std::string& label);

// The benchmark's rows: left behind, runs pile up millions of rows in the shared database, and
// later runs measure inserts into an ever larger table. Candles written from `topic` and its
// checkpoints; with a `symbol_prefix`, also the candle_series rows of the symbols starting with it.
void delete_rows(runtime::pg_client& pg, const std::string& topic, std::ostream& log, const std::string& symbol_prefix = "");

// GETs the node's /metrics every `interval_s` (0: never) on its own thread until destroyed, as
// Prometheus would.
class scraper {
public:
  scraper(const std::string& port, double interval_s);
  ~scraper();
  scraper(const scraper&) = delete;
  scraper& operator=(const scraper&) = delete;
  std::size_t scrapes() const { return scrapes_.load(); }

private:
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> scrapes_{0};
  std::thread thread_;
};

} // namespace cs::bench
