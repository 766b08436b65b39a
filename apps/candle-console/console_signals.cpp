#include "console_signals.hpp"

#include <atomic>
#include <csignal>
#include <pthread.h>

namespace cs::console {

namespace {

std::atomic<bool> interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);

struct sigaction previous {};
int catchers = 0;

extern "C" void on_sigint(int) { interrupted.store(true); }

sigset_t sigint_set() {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGINT);
  return s;
}

} // namespace

sigint_blocked::sigint_blocked() {
  const auto s = sigint_set();
  pthread_sigmask(SIG_BLOCK, &s, nullptr);
}

sigint_blocked::~sigint_blocked() {
  const auto s = sigint_set();
  pthread_sigmask(SIG_UNBLOCK, &s, nullptr);
}

sigint_catcher::sigint_catcher() {
  if (catchers++ > 0) return;
  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  // No SA_RESTART: a read from the terminal returns EINTR, so the prompt can react at once.
  sa.sa_flags = 0;
  sigaction(SIGINT, &sa, &previous);
}

sigint_catcher::~sigint_catcher() {
  if (--catchers > 0) return;
  sigaction(SIGINT, &previous, nullptr);
}

bool take_interrupt() { return interrupted.exchange(false); }

} // namespace cs::console
