#pragma once
// Metric handles a partition reader updates as things happen: what needs an observation at the
// moment (a checkpoint's duration), a label its stats do not carry (finals per interval), or a
// count that must outlive the reader (restarts: a node's total may not drop when a partition
// moves away, or Prometheus would read a counter reset and count old restarts again).
// Everything else a reader counts in its state and reports in stats_json(), read at scrape time.
// Shared by all readers of a node; a null probe (tools, benchmarks without metrics) records nothing.
// Thread-safety: the handles are the registry's atomics; the probe itself is immutable.
#include <array>
#include <vector>

#include "actors/partition_reader/restart_reason.hpp"
#include "runtime/metrics/registry.hpp"

namespace cs {

struct reader_probe {
  runtime::metrics::histogram* checkpoint_seconds = nullptr; // start of collect to commit
  std::vector<runtime::metrics::counter*> finalised;         // per reader_config::intervals index
  std::array<runtime::metrics::counter*, restart_reason_count> restarts{}; // per restart_reason
};

} // namespace cs
