#include "actors/inspector/inspector_merge.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace cs::console {

namespace {

constexpr std::size_t max_actor_rows = 200;

// The one member whose answer is not `none_here` (the code meaning "not mine").
console_reply pick_owner(const std::vector<member_answer>& parts, console_errc none_here) {
  const member_answer* other_error = nullptr;
  for (const auto& p : parts) {
    if (p.reply.code == console_errc::none) return p.reply;
    if (p.reply.code != none_here && other_error == nullptr) other_error = &p;
  }
  if (other_error) return other_error->reply;
  // Every member says "not mine": the first one's words (they all say the same).
  return parts.empty() ? console_reply{none_here, "no member answered", {}} : parts.front().reply;
}

double number(const nlohmann::json& v) { return v.is_number() ? v.get<double>() : 0.0; }

} // namespace

console_reply merge_answers(const std::string& command, const std::vector<member_answer>& parts, const std::vector<member_info>& down) {
  if (command == "inspect" || command == "crash") return pick_owner(parts, console_errc::unknown_symbol);
  if (command == "checkpoint") return pick_owner(parts, console_errc::not_owned);

  nlohmann::json errors = nlohmann::json::array();
  std::vector<nlohmann::json> answers;
  for (const auto& p : parts) {
    if (p.reply.code != console_errc::none) {
      errors.push_back({{"node", p.node}, {"code", std::string(to_string(p.reply.code))}, {"message", p.reply.message}});
      continue;
    }
    auto j = nlohmann::json::parse(p.reply.json, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      errors.push_back({{"node", p.node}, {"code", "unavailable"}, {"message", "an answer that is not a JSON object"}});
      continue;
    }
    answers.push_back(std::move(j));
  }
  if (answers.empty()) {
    std::string why;
    for (const auto& e : errors) why += (why.empty() ? "" : "; ") + e["node"].get<std::string>() + ": " + e["message"].get<std::string>();
    return {console_errc::unavailable, "no member answered: " + why, {}};
  }

  nlohmann::json out = nlohmann::json::object();
  if (command == "nodes") {
    nlohmann::json rows = nlohmann::json::array();
    for (auto& a : answers)
      for (auto& n : a["nodes"]) {
        n["up"] = true;
        rows.push_back(std::move(n));
      }
    for (const auto& m : down)
      rows.push_back({{"name", m.name}, {"console", m.endpoint}, {"http", m.http}, {"roles", m.roles}, {"partitions", nlohmann::json::array()}, {"up", false}});
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.value("name", "") < b.value("name", ""); });
    out["nodes"] = std::move(rows);
  } else if (command == "partitions") {
    nlohmann::json rows = nlohmann::json::array();
    for (auto& a : answers)
      for (auto& p : a["partitions"]) rows.push_back(std::move(p));
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return number(a["partition"]) < number(b["partition"]); });
    out["partitions"] = std::move(rows);
  } else if (command == "actors") {
    nlohmann::json rows = nlohmann::json::array();
    double total = 0;
    for (auto& a : answers) {
      total += number(a["total"]);
      for (auto& r : a["actors"]) rows.push_back(std::move(r));
    }
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      return std::make_pair(a.value("symbol", ""), a.value("interval", "")) < std::make_pair(b.value("symbol", ""), b.value("interval", ""));
    });
    if (rows.size() > max_actor_rows) rows.erase(rows.begin() + max_actor_rows, rows.end());
    out["shown"] = rows.size();
    out["actors"] = std::move(rows);
    out["total"] = static_cast<std::uint64_t>(total);
  } else if (command == "stats" || command == "cache") {
    nlohmann::json nodes = nlohmann::json::object();
    for (auto& a : answers)
      for (auto& [name, v] : a["nodes"].items()) nodes[name] = v;
    if (command == "stats") {
      nlohmann::json total = nlohmann::json::object();
      for (const auto& [name, counters] : nodes.items())
        for (const auto& [k, v] : counters.items())
          if (v.is_number_unsigned()) total[k] = total.value(k, std::uint64_t{0}) + v.get<std::uint64_t>();
      out["total"] = std::move(total);
    }
    out["nodes"] = std::move(nodes);
  } else {
    return {console_errc::unknown_command, "no cluster-wide answer for " + command, {}};
  }
  if (!errors.empty()) out["errors"] = std::move(errors);
  return {console_errc::none, {}, out.dump()};
}

} // namespace cs::console
