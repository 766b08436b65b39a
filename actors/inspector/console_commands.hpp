#pragma once
// The debug console's commands, declared once for both ends: the console (apps/candle-console)
// completes, checks and documents them from this table, and a node's inspector checks what it
// receives against it. Pure: no CAF, no I/O. Thread-safe (immutable after static initialisation).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cs::console {

// What an argument is, for completion and checking.
enum class arg_kind {
  symbol,      // an exact symbol
  symbol_glob, // a symbol pattern with * and ?
  interval,    // "1s", "1m", ... (one the node computes)
  partition,   // a partition number
  count,       // a positive number
  command,     // a command name (help's argument)
};

struct arg_spec {
  std::string_view name; // as the usage line shows it
  arg_kind kind;
  bool optional = false;
};

struct command_spec {
  std::string_view name;
  std::vector<arg_spec> args;
  std::string_view summary; // one line, for `help`
  std::string_view details; // `help COMMAND`: what the answer holds
  bool console_only = false; // help, quit, watch: carried out by the console itself
};

// Every command, in the order `help` lists them.
const std::vector<command_spec>& commands();
const command_spec* find_command(std::string_view name);
// "inspect SYMBOL INTERVAL" / "actors [SYMBOL-GLOB] [INTERVAL]".
std::string usage(const command_spec& c);
// The nearest command name to a mistyped one (edit distance at most 2, or a unique prefix), or
// nothing when none is near.
std::optional<std::string_view> did_you_mean(std::string_view typed);

// A line split into words; double quotes group words, a backslash escapes the next character.
struct split_line {
  std::vector<std::string> words;
  std::string error; // non-empty: an unterminated quote or escape
};
split_line split_words(std::string_view line);

// Checks a command's arguments: their number and the form of partitions and counts (symbols and
// intervals are checked by the node, which knows its intervals). Returns what is wrong, or "".
std::string check_args(const command_spec& c, const std::vector<std::string>& args);

// Parses a non-negative decimal number (partition, count); nothing on anything else.
std::optional<std::int64_t> parse_number(std::string_view s);

} // namespace cs::console
