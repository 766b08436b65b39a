#pragma once
// HTTP load from wrk (Debian's), a process of its own: the Lua script that makes it print its
// figures as one JSON line, and the parsing of that line. Thread-safe (no state).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cs::bench {

struct load_result {
  bool ok = false;
  double req_per_sec = 0, p50_ms = 0, p99_ms = 0, mean_ms = 0, max_ms = 0, seconds = 0;
  std::uint64_t requests = 0, bytes = 0, socket_errors = 0, bad_status = 0;
};

// The Lua script: one JSON line with the figures at the end. With `paths`, each request picks one
// of them at random (per-thread seeds, so the threads do not walk in step).
std::string wrk_script(const std::vector<std::string>& paths);

// The figures in wrk's output (the line wrk_script prints); nullopt when there is none.
std::optional<load_result> parse_wrk_output(const std::string& output);

} // namespace cs::bench
