#pragma once
// CPU time from /proc: one process, and the machine split into the services a benchmark shares
// it with. Reads only; thread-safe. Unreadable entries (a process that just exited) count as 0.
#include <sys/types.h>

#include <string>
#include <vector>

namespace cs::bench {

// User + system CPU seconds of a process so far, all its threads; "self" for this process.
double process_cpu_seconds(const std::string& pid);
inline double process_cpu_seconds(pid_t pid) { return process_cpu_seconds(std::to_string(pid)); }

// CPU seconds so far of the services beside a node on this machine, and of the machine's idle
// time. A service's figure includes its exited children that it has reaped (PostgreSQL's
// backends), so the difference of two samples is what the service spent between them.
struct machine_cpu {
  double postgres = 0;     // processes named "postgres"
  double redis = 0;        // "redis-server"
  double kafka_broker = 0; // a JVM running kafka.Kafka
  double idle = 0;         // idle + iowait over all cores (/proc/stat)
};
machine_cpu sample_machine_cpu();
// The median of one field over several samples (bench_util.hpp's median).
double median_of(const std::vector<machine_cpu>& samples, double machine_cpu::*field);
machine_cpu operator-(const machine_cpu& end, const machine_cpu& start);

} // namespace cs::bench
