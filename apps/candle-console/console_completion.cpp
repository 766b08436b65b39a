#include "console_completion.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "actors/inspector/console_commands.hpp"

namespace cs::console {

namespace {

std::vector<std::string> starting_with(const std::vector<std::string>& all, std::string_view word) {
  std::vector<std::string> out;
  for (const auto& s : all)
    if (std::string_view(s).starts_with(word)) out.push_back(s);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Each element of the array member `key` of each node, as text, in first-seen order.
std::vector<std::string> node_values(std::string_view json, std::string_view key) {
  std::vector<std::string> out;
  const auto j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object() || !j.contains("nodes") || !j.at("nodes").is_array()) return out;
  for (const auto& n : j.at("nodes")) {
    if (!n.is_object() || !n.contains(key) || !n.at(key).is_array()) continue;
    for (const auto& v : n.at(key)) {
      auto text = v.is_string() ? v.get<std::string>() : v.is_number_integer() ? v.dump() : std::string{};
      if (!text.empty() && std::find(out.begin(), out.end(), text) == out.end()) out.push_back(std::move(text));
    }
  }
  return out;
}

} // namespace

std::vector<std::string> complete_word(std::string_view before, std::string_view word, const completion_sources& from) {
  const auto words = split_words(before).words;
  if (words.empty()) {
    std::vector<std::string> names;
    for (const auto& c : commands()) names.emplace_back(c.name);
    names.emplace_back("exit");
    return starting_with(names, word);
  }
  const auto* spec = find_command(words.front());
  const auto index = words.size() - 1;
  if (!spec || index >= spec->args.size()) return {};
  switch (spec->args[index].kind) {
  case arg_kind::symbol:
  case arg_kind::symbol_glob:
    // A pattern is the user's own; completing inside it would guess.
    if (!from.symbols || word.find_first_of("*?") != std::string_view::npos) return {};
    return starting_with(from.symbols(word), word);
  case arg_kind::interval:
    return starting_with(from.intervals, word);
  case arg_kind::partition:
    return starting_with(from.partitions, word);
  case arg_kind::command: {
    std::vector<std::string> names;
    for (const auto& c : commands()) names.emplace_back(c.name);
    return starting_with(names, word);
  }
  case arg_kind::count:
    return {};
  }
  return {};
}

std::vector<std::string> symbols_of_actors(std::string_view json) {
  std::set<std::string> out;
  const auto j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_object() && j.contains("actors") && j.at("actors").is_array())
    for (const auto& a : j.at("actors"))
      if (a.is_object() && a.contains("symbol") && a.at("symbol").is_string()) out.insert(a.at("symbol").get<std::string>());
  return {out.begin(), out.end()};
}

std::vector<std::string> intervals_of_nodes(std::string_view json) { return node_values(json, "intervals"); }

std::vector<std::string> partitions_of_nodes(std::string_view json) {
  auto out = node_values(json, "partitions");
  std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) { return a.size() != b.size() ? a.size() < b.size() : a < b; });
  return out;
}

} // namespace cs::console
