#include "runtime/log/log.hpp"

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <string>

namespace cs::runtime {

void log_line(log_level level, std::string_view component, std::string_view message) {
  static constexpr std::string_view names[] = {"DEBUG", "INFO", "WARN", "ERROR"};
  using namespace std::chrono;
  const auto now = system_clock::now();
  const std::time_t secs = system_clock::to_time_t(now);
  const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[32];
  const auto n = std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string line(stamp, n);
  line += '.';
  line += static_cast<char>('0' + ms / 100);
  line += static_cast<char>('0' + ms / 10 % 10);
  line += static_cast<char>('0' + ms % 10);
  line.append("Z ").append(names[static_cast<int>(level)]).append(" ").append(component).append(": ").append(message);
  line += '\n';
  // One write(2) per line: atomic for lines below PIPE_BUF on pipes, and never interleaved.
  [[maybe_unused]] const auto written = ::write(STDERR_FILENO, line.data(), line.size());
}

} // namespace cs::runtime
