#pragma once
// Ctrl-C in the console: it stops a `watch` (and, at the interactive prompt, clears the line)
// instead of killing the process. The handler only sets a flag that the console's thread polls.
// Thread-safe: the flag is a lock-free atomic; call the install/restore functions from the
// console's thread only.
namespace cs::console {

// Blocks SIGINT in the calling thread for its lifetime, so threads started meanwhile (CAF's
// workers and middleman) inherit the block and the signal always reaches the console's thread,
// where it interrupts a blocking read.
class sigint_blocked {
public:
  sigint_blocked();
  ~sigint_blocked();
  sigint_blocked(const sigint_blocked&) = delete;
  sigint_blocked& operator=(const sigint_blocked&) = delete;
};

// While one of these lives, SIGINT sets the flag instead of ending the process.
class sigint_catcher {
public:
  sigint_catcher();
  ~sigint_catcher(); // restores the previous disposition
  sigint_catcher(const sigint_catcher&) = delete;
  sigint_catcher& operator=(const sigint_catcher&) = delete;
};

// Whether SIGINT arrived since the last call; clears the flag.
bool take_interrupt();

} // namespace cs::console
