#include "console_line.hpp"

#include "actors/inspector/console_commands.hpp"

namespace cs::console {

std::string unknown_command_message(std::string_view typed) {
  std::string out = "unknown command '" + std::string(typed) + "'";
  if (const auto near = did_you_mean(typed)) return out + " (did you mean '" + std::string(*near) + "'?)";
  return out + " (help lists the commands)";
}

parsed_line parse_line(std::string_view line) {
  parsed_line out;
  const auto first = line.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || line[first] == '#') return out;
  auto split = split_words(line);
  if (!split.error.empty()) {
    out.what = parsed_line::kind::invalid;
    out.code = console_errc::bad_argument;
    out.message = split.error;
    return out;
  }
  if (split.words.empty()) return out;
  out.command = std::move(split.words.front());
  out.args.assign(std::make_move_iterator(split.words.begin() + 1), std::make_move_iterator(split.words.end()));
  // `exit` is the shell's habit for `quit`; the table lists it only in quit's summary.
  if (out.command == "exit") out.command = "quit";
  const auto* spec = find_command(out.command);
  if (!spec) {
    out.what = parsed_line::kind::invalid;
    out.code = console_errc::unknown_command;
    out.message = unknown_command_message(out.command);
    return out;
  }
  if (auto wrong = check_args(*spec, out.args); !wrong.empty()) {
    out.what = parsed_line::kind::invalid;
    out.code = console_errc::bad_argument;
    out.message = std::move(wrong);
    return out;
  }
  if (out.command == "help") out.what = parsed_line::kind::help;
  else if (out.command == "quit") out.what = parsed_line::kind::quit;
  else if (out.command == "watch") out.what = parsed_line::kind::watch;
  else out.what = parsed_line::kind::remote;
  return out;
}

} // namespace cs::console
