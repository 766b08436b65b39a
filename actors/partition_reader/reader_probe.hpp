#pragma once
// Metric handles a partition reader updates as things happen: what needs an observation at the
// moment (a checkpoint's duration) or a label its stats do not carry (finals per interval).
// Everything else a reader counts in its state and reports in stats_json(), read at scrape time.
// Shared by all readers of a node; a null probe (tools, benchmarks without metrics) records nothing.
// Thread-safety: the handles are the registry's atomics; the probe itself is immutable.
#include <vector>

#include "runtime/metrics/registry.hpp"

namespace cs {

struct reader_probe {
  runtime::metrics::histogram* checkpoint_seconds = nullptr; // start of collect to commit
  std::vector<runtime::metrics::counter*> finalised;         // per reader_config::intervals index
};

} // namespace cs
