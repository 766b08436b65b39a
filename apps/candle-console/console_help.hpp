#pragma once
// `help` and `help COMMAND`, written from the shared command table (actors/inspector/
// console_commands.hpp) as text or JSON. Pure; thread-safe (no state).
#include <string>
#include <string_view>

#include "messages/console_errc.hpp"

namespace cs::console {

struct help_answer {
  console_errc code = console_errc::none; // unknown_command for `help NOSUCH`
  std::string text;                       // the help (code none) or the error message
};

// Every command with its usage and summary.
help_answer help_all(bool json);
// One command's usage, summary and details.
help_answer help_one(std::string_view command, bool json);

} // namespace cs::console
