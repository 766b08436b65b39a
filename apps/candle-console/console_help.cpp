#include "console_help.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "actors/inspector/console_commands.hpp"
#include "console_line.hpp"

namespace cs::console {

namespace {

constexpr std::size_t wrap_at = 78;

std::string wrap(std::string_view text, std::size_t indent) {
  std::string out, line;
  const std::string pad(indent, ' ');
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    const auto word = text.substr(pos, end - pos);
    if (!line.empty() && line.size() + 1 + word.size() > wrap_at - indent) {
      out += pad + line + "\n";
      line.clear();
    }
    if (!word.empty()) {
      if (!line.empty()) line += ' ';
      line += word;
    }
    pos = end + 1;
  }
  if (!line.empty()) out += pad + line + "\n";
  return out;
}

nlohmann::json describe(const command_spec& c) {
  return {{"name", std::string(c.name)},
          {"usage", usage(c)},
          {"summary", std::string(c.summary)},
          {"details", std::string(c.details)},
          {"console_only", c.console_only}};
}

} // namespace

help_answer help_all(bool json) {
  if (json) {
    auto list = nlohmann::json::array();
    for (const auto& c : commands()) list.push_back(describe(c));
    return {console_errc::none, nlohmann::json{{"commands", list}}.dump()};
  }
  std::size_t usage_width = 0;
  for (const auto& c : commands()) usage_width = std::max(usage_width, usage(c).size());
  std::string out = "commands:\n";
  for (const auto& c : commands()) {
    const auto u = usage(c);
    out += "  " + u + std::string(usage_width - u.size() + 2, ' ') + std::string(c.summary) + "\n";
  }
  out += "`help COMMAND` explains one; Tab completes commands, symbols, intervals and partitions.\n";
  return {console_errc::none, out};
}

help_answer help_one(std::string_view command, bool json) {
  const auto* c = find_command(command == "exit" ? "quit" : command);
  if (!c) return {console_errc::unknown_command, unknown_command_message(command)};
  if (json) return {console_errc::none, describe(*c).dump()};
  std::string out = "usage: ";
  out += usage(*c);
  out += '\n';
  out += wrap(c->summary, 2);
  if (!c->details.empty()) {
    out += '\n';
    out += wrap(c->details, 2);
  }
  return {console_errc::none, out};
}

} // namespace cs::console
