#pragma once
// Process metrics from /proc/self: CPU seconds, resident memory, threads, open files, start time,
// under the names Prometheus client libraries use (process_*), so standard dashboards work.
#include "runtime/metrics/registry.hpp"

namespace cs::runtime::metrics {

// Declares the process_* families and adds a collector that reads /proc/self at every render.
void add_process_metrics(registry& r);

} // namespace cs::runtime::metrics
