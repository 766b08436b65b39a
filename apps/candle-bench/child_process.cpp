#include "child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>

namespace cs::bench {
namespace {

constexpr std::chrono::seconds stop_timeout{60}; // SIGTERM -> SIGKILL

} // namespace

pid_t spawn(std::vector<std::string> args, const std::string& output_path) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = ::open(output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
      ::close(fd);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    // execvp: tools such as wrk are named, not given by path (execv failed on them silently, so
    // `candle-bench sustained` ran without its HTTP load).
    execvp(argv[0], argv.data());
    const std::string why = "cannot run " + args.front() + ": " + std::strerror(errno) + "\n";
    (void)!::write(STDERR_FILENO, why.data(), why.size());
    _exit(127);
  }
  return pid;
}

bool exited(pid_t pid) {
  int status = 0;
  return waitpid(pid, &status, WNOHANG) == pid;
}

void stop_child(pid_t pid) {
  if (pid <= 0) return;
  ::kill(pid, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + stop_timeout;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
}

long proc_status_bytes(pid_t pid, std::string_view field) {
  std::ifstream status(std::string("/proc/") + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.starts_with(field)) return std::stol(line.substr(field.size())) * 1024; // reported in kB
  return 0;
}

} // namespace cs::bench
