#pragma once
// Runs a program with arguments (no shell, so no quoting issues) and collects its exit code,
// stdout and stderr through temporary files.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace cs::test {

struct process_result {
  int exit_code = -1; // -1: did not exit normally
  std::string out;
  std::string err;
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline process_result run_process(const std::string& program, const std::vector<std::string>& args) {
  char out_path[] = "/tmp/candle-feed-test-out-XXXXXX";
  char err_path[] = "/tmp/candle-feed-test-err-XXXXXX";
  const int out_fd = ::mkstemp(out_path);
  const int err_fd = ::mkstemp(err_path);
  process_result r;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(err_fd, STDERR_FILENO);
    std::vector<char*> argv{const_cast<char*>(program.c_str())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(program.c_str(), argv.data());
    constexpr int exec_failed = 127;
    ::_exit(exec_failed);
  }
  int status = 0;
  if (pid > 0) ::waitpid(pid, &status, 0);
  if (pid > 0 && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  ::close(out_fd);
  ::close(err_fd);
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  std::remove(out_path);
  std::remove(err_path);
  return r;
}

} // namespace cs::test
