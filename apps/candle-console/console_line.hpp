#pragma once
// What one line typed at the console asks for, decided locally before anything is sent: unknown
// commands and wrong argument counts never reach a node. Pure; thread-safe (no state).
#include <string>
#include <string_view>
#include <vector>

#include "messages/console_errc.hpp"

namespace cs::console {

struct parsed_line {
  enum class kind {
    empty,   // blank or a comment ('#'): nothing to do
    invalid, // `code` and `message` say why
    help,
    quit,
    watch,
    remote, // sent to the node as command + args
  };
  kind what = kind::empty;
  std::string command;
  std::vector<std::string> args;
  console_errc code = console_errc::none;
  std::string message;
};

parsed_line parse_line(std::string_view line);

// "unknown command 'X' (did you mean 'Y'?)", or without the suggestion when none is near.
std::string unknown_command_message(std::string_view typed);

} // namespace cs::console
