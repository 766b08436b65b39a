#include "runtime/metrics/process_metrics.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace cs::runtime::metrics {
namespace {

struct proc_stat {
  double cpu_seconds = 0;
  double threads = 0;
  double start_seconds = 0; // since boot
};

proc_stat read_stat() {
  proc_stat s;
  std::ifstream in("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command name, which is in parentheses and may contain spaces.
  const auto close = text.rfind(')');
  if (close == std::string::npos) return s;
  std::istringstream fields(text.substr(close + 2));
  std::string f;
  double utime = 0, stime = 0;
  for (int i = 3; fields >> f; ++i) {
    if (i == 14) utime = std::stod(f);
    else if (i == 15) stime = std::stod(f);
    else if (i == 20) s.threads = std::stod(f);
    else if (i == 22) {
      s.start_seconds = std::stod(f) / static_cast<double>(::sysconf(_SC_CLK_TCK));
      break;
    }
  }
  s.cpu_seconds = (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  return s;
}

double resident_bytes() {
  std::ifstream in("/proc/self/statm");
  double size = 0, resident = 0;
  in >> size >> resident;
  return resident * static_cast<double>(::sysconf(_SC_PAGESIZE));
}

double boot_time() {
  std::ifstream in("/proc/stat");
  for (std::string key; in >> key;) {
    if (key == "btime") {
      double v = 0;
      in >> v;
      return v;
    }
    in.ignore(1 << 20, '\n');
  }
  return 0;
}

} // namespace

void add_process_metrics(registry& r) {
  r.declare("process_cpu_seconds_total", kind::counter, "Total user and system CPU time spent in seconds.", {});
  r.declare("process_resident_memory_bytes", kind::gauge, "Resident memory size in bytes.", {});
  r.declare("process_threads", kind::gauge, "Number of OS threads in the process.", {});
  r.declare("process_open_fds", kind::gauge, "Number of open file descriptors.", {});
  r.declare("process_start_time_seconds", kind::gauge, "Start time of the process since unix epoch in seconds.", {});
  const double boot = boot_time();
  r.add_collector([boot](registry& reg) {
    const auto s = read_stat();
    reg.counter_of("process_cpu_seconds_total").set_total(s.cpu_seconds);
    reg.gauge_of("process_resident_memory_bytes").set(resident_bytes());
    reg.gauge_of("process_threads").set(s.threads);
    std::error_code ec;
    double fds = 0;
    for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec); !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) ++fds;
    reg.gauge_of("process_open_fds").set(fds);
    reg.gauge_of("process_start_time_seconds").set(boot + s.start_seconds);
  });
}

} // namespace cs::runtime::metrics
