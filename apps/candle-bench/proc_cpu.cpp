#include "proc_cpu.hpp"

#include "bench_util.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

namespace cs::bench {
namespace {

struct stat_line {
  std::string comm;
  double own = 0;      // utime + stime
  double children = 0; // cutime + cstime: reaped children
};

// /proc/<pid>/stat, or nothing when unreadable.
bool read_stat(const std::string& pid, stat_line& out) {
  std::ifstream in("/proc/" + pid + "/stat");
  const std::string content((std::istreambuf_iterator<char>(in)), {});
  const auto open = content.find('('), close = content.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open || close + 2 > content.size()) return false;
  out.comm = content.substr(open + 1, close - open - 1);
  // Fields after the command name (which may hold spaces); utime, stime, cutime and cstime are
  // fields 14 to 17 of proc(5).
  std::istringstream rest(content.substr(close + 2));
  std::vector<std::string> f;
  for (std::string field; rest >> field;) f.push_back(field);
  constexpr std::size_t utime_index = 11, cstime_index = 14;
  if (f.size() <= cstime_index) return false;
  const double tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
  out.own = static_cast<double>(std::stoll(f[utime_index]) + std::stoll(f[utime_index + 1])) / tick;
  out.children = static_cast<double>(std::stoll(f[utime_index + 2]) + std::stoll(f[cstime_index])) / tick;
  return true;
}

bool is_kafka_broker(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/cmdline");
  const std::string cmdline((std::istreambuf_iterator<char>(in)), {});
  return cmdline.find("kafka.Kafka") != std::string::npos;
}

} // namespace

double process_cpu_seconds(const std::string& pid) {
  stat_line s;
  return read_stat(pid, s) ? s.own : 0;
}

machine_cpu sample_machine_cpu() {
  machine_cpu m;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const auto pid = entry.path().filename().string();
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    stat_line s;
    if (!read_stat(pid, s)) continue;
    const double total = s.own + s.children;
    if (s.comm == "postgres") m.postgres += total;
    else if (s.comm == "redis-server") m.redis += total;
    else if (s.comm == "java" && is_kafka_broker(pid)) m.kafka_broker += total;
  }
  std::ifstream stat("/proc/stat");
  std::string cpu;
  long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0;
  if (stat >> cpu >> user >> nice >> system >> idle >> iowait)
    m.idle = static_cast<double>(idle + iowait) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  return m;
}

double median_of(const std::vector<machine_cpu>& samples, double machine_cpu::*field) {
  std::vector<double> v;
  for (const auto& s : samples) v.push_back(s.*field);
  return median(std::move(v));
}

machine_cpu operator-(const machine_cpu& end, const machine_cpu& start) {
  return {end.postgres - start.postgres, end.redis - start.redis, end.kafka_broker - start.kafka_broker, end.idle - start.idle};
}

} // namespace cs::bench
