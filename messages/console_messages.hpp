#pragma once
// What the debug console (apps/candle-console) and a node's inspector (actors/inspector/) say to
// each other over CAF's middleman, and what a candle actor tells the inspector about itself.
// A console command travels as its name and arguments; the answer is a named code and a JSON
// document, so a console and a node of different builds still understand each other as long as
// the command exists on both (docs/console.md lists each command's JSON).
#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "messages/candle.hpp"
#include "messages/console_errc.hpp"

namespace cs {

struct console_request {
  std::string command;            // "nodes", "inspect", ... (actors/inspector/console_commands.hpp)
  std::vector<std::string> args;  // as typed, validated by the node
  // Answer for this node only: how one node's inspector asks the others for their part of a
  // cluster-wide answer. A console leaves it false: the node it talks to answers for the cluster.
  bool this_node_only = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, console_request& x) {
  return f(caf::meta::type_name("console_request"), x.command, x.args, x.this_node_only);
}

struct console_reply {
  console_errc code = console_errc::none;
  std::string message; // why, when code is not none
  std::string json;    // the answer, when code is none
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, console_reply& x) {
  return f(caf::meta::type_name("console_reply"), x.code, x.message, x.json);
}

// A candle actor's own view of itself (`inspect SYMBOL INTERVAL`), from its state between two
// messages: asking never blocks it.
struct candle_actor_info {
  std::vector<candle> live;          // its live candles, oldest first
  std::uint64_t events_applied = 0;  // events applied since it was spawned
  std::uint64_t late = 0;            // events too late for this interval
  std::uint64_t pending_finals = 0;  // final candles not handed to a checkpoint yet
  std::uint64_t mailbox = 0;         // messages waiting behind this question
  std::uint64_t watchers = 0;        // live hubs it pushes changes to
  std::uint32_t restarts = 0;        // times its reader restarted it after it failed
  timestamp_ns frontier = 0;         // start of the first bucket that is not final
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, candle_actor_info& x) {
  return f(caf::meta::type_name("candle_actor_info"), x.live, x.events_applied, x.late, x.pending_finals, x.mailbox,
           x.watchers, x.restarts, x.frontier);
}

} // namespace cs
