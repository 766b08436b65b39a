#pragma once
// What Tab offers at the console prompt: command names for the first word, then per the command
// table's argument kinds symbols (asked of the node), intervals and partitions (from the `nodes`
// answer fetched once after connecting) and command names for `help`. Pure: the node is reached
// only through the injected symbol lookup. Thread-safe as far as that lookup is.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace cs::console {

struct completion_sources {
  // Symbols starting with a prefix (the shell asks the node `actors PREFIX*`).
  std::function<std::vector<std::string>(std::string_view prefix)> symbols;
  std::vector<std::string> intervals;
  std::vector<std::string> partitions;
};

// Candidates for the word `word` that follows `before` (the line up to where the word starts),
// sorted, unique, each starting with `word`.
std::vector<std::string> complete_word(std::string_view before, std::string_view word, const completion_sources& from);

// The distinct symbols of an `actors` answer, sorted.
std::vector<std::string> symbols_of_actors(std::string_view json);
// The distinct intervals and partitions of a `nodes` answer; intervals in the order the nodes
// list them (shortest first, as they compute them), partitions numerically.
std::vector<std::string> intervals_of_nodes(std::string_view json);
std::vector<std::string> partitions_of_nodes(std::string_view json);

} // namespace cs::console
