#pragma once
#include <cstddef>
#include <ostream>
#include <string>

namespace cs::bench {

struct pipeline_options {
  bool json = false;
  std::size_t events = 10'000'000;
  std::size_t symbols = 1000;
  // Events per second of event time in the pre-loaded stream: how dense the simulated market is.
  // It decides how many candles the stream yields (a 1s candle per symbol per event-second), and
  // so how much the node writes. Default: the 100 K events/s the Java service claims to handle.
  double market_rate = 100'000;
  int partitions = 16;
  std::string config_file; // passed to candle-node and used for brokers/PostgreSQL; "" = defaults
  double timeout_s = 900;  // give up waiting for the node after this
  bool keep_topic = false;
  // The timed node is scraped (GET /metrics) this often, as Prometheus would; 0: never.
  double scrape_interval_s = 1;
  // After the main run, this many pairs of runs of the same topic, one with node.metrics=false
  // and one with metrics on and scraped, in alternating order: medians of each side and the
  // overhead of metrics. 0: none.
  int metrics_pairs = 0;
  // Rounds of (bare consumer, node), interleaved, after one unreported warm-up read of the
  // topic: the medians are the figures, every run and the spread are reported too.
  int rounds = 3;
  // > 0: the node with partitions and no keys (the one idle_rss_bytes is measured on) is also
  // measured doing nothing for this long: idle_cpu_percent. 0: not measured.
  double idle_seconds = 0;
  // Also measure a bare COPY of as many candle rows as a run wrote (copy_ceiling_rows_per_sec,
  // beside candle_rows_per_sec); set when --market-rate is given.
  bool copy_ceiling = false;
  // candle-nodes in the timed group (one consumer group, partitions split between them): the
  // scaling figure. CPU and peak RSS are their sums.
  int nodes = 1;
};

// Pre-loads events into a fresh topic, then in each round measures a bare librdkafka consumer
// reading them (the ceiling) and a candle-node processing them until every offset is checkpointed
// in PostgreSQL.
int run_pipeline(const pipeline_options& opt, const char* argv0, std::ostream& out);

} // namespace cs::bench
