#pragma once
// The interactive prompt ("candle> "): libedit through its readline-compatible API, with history
// kept in a file and Tab completion (console_completion.hpp). readline's callbacks are plain C
// functions, so the shell keeps its state in one global: there is one shell per process, on the
// console's thread. Not thread-safe.
#include <string>

#include "console_client.hpp"
#include "console_session.hpp"

namespace cs::console {

struct shell_settings {
  std::string history_file; // empty: no history file
};

// Reads and runs lines until quit, exit or Ctrl-D. Ctrl-C clears the line (and stops a watch)
// without leaving. Returns whether every command succeeded.
bool run_shell(console_session& session, console_client& client, const shell_settings& settings);

// ~/.candle_console_history, or "" without $HOME.
std::string default_history_file();

} // namespace cs::console
