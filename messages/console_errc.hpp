#pragma once
// Why a console command failed, as the inspector answers it (console_reply::code) and the console
// prints it ("error (unknown_symbol): ..."). Scripts may branch on the name; never on the text.
#include <cstdint>
#include <optional>
#include <string_view>

namespace cs {

enum class console_errc : std::uint8_t {
  /// Not an error.
  none = 0,
  /// No such command (the message suggests the nearest one).
  unknown_command,
  /// Too few or too many arguments, or one that does not parse (an interval, a partition number).
  bad_argument,
  /// No candle actor for this symbol and interval in the cluster (never seen, or retired while idle).
  unknown_symbol,
  /// The partition is not read by this node (or not in a phase that can checkpoint).
  not_owned,
  /// The node does not allow this command (`crash` needs node.faults=true).
  not_allowed,
  /// An actor the answer needs did not answer in time, or failed.
  unavailable,
  /// The console gave up waiting for the node (set by the console, never sent by a node).
  timeout,
  /// The node could not be reached (set by the console, never sent by a node).
  unreachable,
};

// "unknown_command", ...
std::string_view to_string(console_errc x);
// The code of a name, for scripts that read --json errors back.
std::optional<console_errc> console_errc_from_string(std::string_view name);

} // namespace cs
