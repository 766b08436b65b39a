#pragma once
// Child processes of the benchmarks (a candle-node, wrk): start with output to a file, poll,
// stop. Not thread-safe; for candle-bench's single driving thread.
#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

namespace cs::bench {

// Runs args[0] (a path) with stdout and stderr to output_path; the pid, or -1 if fork failed.
pid_t spawn(std::vector<std::string> args, const std::string& output_path);
// True once the child has exited (and is reaped).
bool exited(pid_t pid);
// SIGTERM (a node then writes its final checkpoints), SIGKILL after 60 s.
void stop_child(pid_t pid);
// A "Vm...:" line of /proc/<pid>/status in bytes (e.g. "VmRSS:", "VmHWM:"); 0 when absent.
long proc_status_bytes(pid_t pid, std::string_view field);

} // namespace cs::bench
