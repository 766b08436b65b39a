#include "wrk_load.hpp"

#include <nlohmann/json.hpp>

#include <sstream>

namespace cs::bench {

std::string wrk_script(const std::vector<std::string>& paths) {
  std::string s = "-- written by candle-bench\n";
  if (!paths.empty()) {
    s += "local paths = {\n";
    for (const auto& p : paths) s += "  \"" + p + "\",\n";
    s += "}\n"
         "local threads = 0\n"
         "function setup(thread) threads = threads + 1; thread:set(\"seed\", threads) end\n"
         "function init(args) math.randomseed(seed * 7919 + 17) end\n"
         "function request() return wrk.format(\"GET\", paths[math.random(#paths)]) end\n";
  }
  s += "function done(summary, latency, requests)\n"
       "  local e = summary.errors\n"
       "  io.write(string.format('{\"requests\":%d,\"duration_us\":%d,\"bytes\":%d,\"connect\":%d,\"read\":%d,"
       "\"write\":%d,\"status\":%d,\"timeout\":%d,\"p50_us\":%.1f,\"p99_us\":%.1f,\"mean_us\":%.1f,\"max_us\":%.1f}\\n',\n"
       "    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,\n"
       "    latency:percentile(50), latency:percentile(99), latency.mean, latency.max))\n"
       "end\n";
  return s;
}

std::optional<load_result> parse_wrk_output(const std::string& output) {
  std::istringstream lines(output);
  nlohmann::json j;
  for (std::string line; std::getline(lines, line);)
    if (!line.empty() && line.front() == '{') j = nlohmann::json::parse(line, nullptr, false);
  if (!j.is_object() || !j.contains("requests")) return std::nullopt;
  load_result r;
  r.requests = j["requests"].get<std::uint64_t>();
  r.bytes = j["bytes"].get<std::uint64_t>();
  r.seconds = j["duration_us"].get<double>() / 1e6;
  r.socket_errors = j["connect"].get<std::uint64_t>() + j["read"].get<std::uint64_t>() + j["write"].get<std::uint64_t>() +
                    j["timeout"].get<std::uint64_t>();
  r.bad_status = j["status"].get<std::uint64_t>();
  r.req_per_sec = r.seconds > 0 ? static_cast<double>(r.requests) / r.seconds : 0;
  r.p50_ms = j["p50_us"].get<double>() / 1e3;
  r.p99_ms = j["p99_us"].get<double>() / 1e3;
  r.mean_ms = j["mean_us"].get<double>() / 1e3;
  r.max_ms = j["max_us"].get<double>() / 1e3;
  r.ok = r.requests > 0;
  return r;
}

} // namespace cs::bench
