#include "console_render.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <map>

namespace cs::console {

using nlohmann::json;

namespace {

// Terminal columns of a UTF-8 string, close enough for symbols and ISO times: one per code point.
std::size_t width(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  return out;
}

std::string indent_lines(const std::string& text, std::size_t n) {
  std::string out, pad(n, ' ');
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += pad;
    out.append(text, start, end - start);
    out += '\n';
    start = end + 1;
  }
  return out;
}

bool is_scalar_array(const json& v) {
  return v.is_array() && std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_primitive(); });
}

bool is_object_array(const json& v) {
  return v.is_array() && !v.empty() && std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_object(); });
}

// A column of a known answer: the member it shows, its header and how its value reads.
struct column {
  std::string key;
  std::string header;
  std::function<std::string(const json&)> format = [](const json& v) { return cell(v); };
};

// Rows of objects as a table: the known columns first, then any member none of them names (a
// newer node's addition), in the order they first appear.
text_table table_of(const json& rows, std::vector<column> columns) {
  for (const auto& row : rows) {
    if (!row.is_object()) continue;
    for (const auto& [key, value] : row.items())
      if (std::none_of(columns.begin(), columns.end(), [&](const column& c) { return c.key == key; })) columns.push_back({key, upper(key)});
  }
  text_table t;
  for (const auto& c : columns) t.header.push_back(c.header);
  for (const auto& row : rows) {
    auto& r = t.rows.emplace_back();
    for (const auto& c : columns) {
      const auto it = row.is_object() ? row.find(c.key) : row.end();
      r.push_back(it == row.end() ? "-" : c.format(*it));
    }
  }
  return t;
}

// An object as aligned "key: value" lines, the named keys first (when present), then the rest
// in key order; nested objects and arrays of objects go below their key, indented.
std::string render_object(const json& obj, const std::vector<std::string_view>& first, const std::vector<std::string_view>& skip = {}) {
  std::vector<std::string> keys;
  for (const auto k : first)
    if (obj.contains(k)) keys.emplace_back(k);
  for (const auto& [key, value] : obj.items())
    if (std::find(first.begin(), first.end(), key) == first.end() && std::find(skip.begin(), skip.end(), key) == skip.end()) keys.push_back(key);
  std::size_t key_width = 0;
  for (const auto& k : keys) key_width = std::max(key_width, width(k));
  std::string out;
  for (const auto& k : keys) {
    const auto& v = obj.at(k);
    if ((v.is_object() && !v.empty()) || is_object_array(v)) {
      out += k + ":\n" + indent_lines(render_generic(v), 2);
    } else {
      out += k + ": " + std::string(key_width - width(k), ' ') + cell(v) + "\n";
    }
  }
  return out;
}

std::string event_cell(const json& v) {
  if (!v.is_object()) return cell(v);
  return cell(v, "time") + " @" + cell(v, "offset");
}

std::string uptime_cell(const json& v) {
  return v.is_number_unsigned() ? format_uptime(v.get<std::uint64_t>()) : cell(v);
}

const json* array_member(const json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it != j.end() && it->is_array() ? &*it : nullptr;
}

const json* object_member(const json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it != j.end() && it->is_object() ? &*it : nullptr;
}

// The answer's members besides the one a renderer showed, so nothing a node sends is hidden.
std::string rest_of(const json& j, std::string_view shown) {
  json rest = json::object();
  for (const auto& [key, value] : j.items())
    if (key != shown) rest[key] = value;
  return rest.empty() ? std::string{} : render_object(rest, {});
}

std::string render_rows(const json& j, std::string_view member, std::vector<column> columns, std::string_view none) {
  const auto* rows = array_member(j, member);
  if (!rows) return render_generic(j);
  std::string out = rows->empty() ? std::string(none) + "\n" : render_table(table_of(*rows, std::move(columns)));
  return out + rest_of(j, member);
}

std::string render_nodes(const json& j) {
  return render_rows(j, "nodes",
                     {{"name", "NODE"},
                      {"roles", "ROLES"},
                      {"console", "CONSOLE"},
                      {"http", "HTTP"},
                      {"uptime_seconds", "UPTIME", uptime_cell},
                      {"partitions", "PARTITIONS"},
                      {"intervals", "INTERVALS"},
                      {"faults", "FAULTS"}},
                     "no nodes");
}

std::string render_partitions(const json& j) {
  return render_rows(j, "partitions",
                     {{"partition", "PARTITION"},
                      {"node", "NODE"},
                      {"state", "STATE"},
                      {"epoch", "EPOCH"},
                      {"next_offset", "NEXT"},
                      {"committed_offset", "COMMITTED"},
                      {"watermark", "WATERMARK"},
                      {"log_end", "LOG_END"},
                      {"lag", "LAG"},
                      {"paused", "PAUSED"}},
                     "no partitions are read");
}

std::string render_actors(const json& j) {
  const auto* rows = array_member(j, "actors");
  if (!rows) return render_generic(j);
  std::string out =
    rows->empty() ? std::string{} : render_table(table_of(*rows, {{"symbol", "SYMBOL"}, {"interval", "INTERVAL"}, {"node", "NODE"}}));
  const auto total = j.find("total");
  const auto shown = j.find("shown");
  if (total != j.end() && total->is_number_unsigned()) {
    const auto n = total->get<std::uint64_t>();
    const auto s = shown != j.end() && shown->is_number_unsigned() ? shown->get<std::uint64_t>() : rows->size();
    if (n == 0) out += "no candle actors match\n";
    else if (s < n) out += "showing " + std::to_string(s) + " of " + std::to_string(n) + " candle actors\n";
    else out += std::to_string(n) + (n == 1 ? " candle actor\n" : " candle actors\n");
  } else if (rows->empty()) {
    out += "no candle actors match\n";
  }
  json rest = json::object();
  for (const auto& [key, value] : j.items())
    if (key != "actors" && key != "total" && key != "shown") rest[key] = value;
  return out + (rest.empty() ? std::string{} : render_object(rest, {}));
}

std::string render_inspect(const json& j) {
  if (!j.is_object()) return render_generic(j);
  std::string out = render_object(
    j, {"node", "symbol", "interval", "events_applied", "late", "pending_finals", "frontier", "mailbox", "watchers", "restarts"}, {"live"});
  const auto* live = array_member(j, "live");
  if (!live) {
    if (j.contains("live")) out += "live: " + cell(j.at("live")) + "\n";
    return out;
  }
  if (live->empty()) return out + "live candles: none\n";
  return out + "live candles:\n" +
         indent_lines(render_table(table_of(*live, {{"open_time", "OPEN_TIME"},
                                                     {"close_time", "CLOSE_TIME"},
                                                     {"open", "OPEN"},
                                                     {"high", "HIGH"},
                                                     {"low", "LOW"},
                                                     {"close", "CLOSE"},
                                                     {"volume", "VOLUME"},
                                                     {"first_event", "FIRST_EVENT", event_cell},
                                                     {"last_event", "LAST_EVENT", event_cell}})),
                      2);
}

// Counter name rows, one column for the sum and one per node.
std::string render_stats(const json& j) {
  const auto* total = object_member(j, "total");
  const auto* nodes = object_member(j, "nodes");
  if (!total && !nodes) return render_generic(j);
  std::map<std::string, std::vector<std::string>> rows; // counter -> cells
  std::vector<std::string> node_names;
  if (nodes)
    for (const auto& [name, counters] : nodes->items()) node_names.push_back(name);
  const auto columns = node_names.size() + 1;
  auto put = [&](const json& counters, std::size_t col) {
    if (!counters.is_object()) return;
    for (const auto& [name, value] : counters.items()) {
      auto& r = rows[name];
      r.resize(columns, "-");
      r[col] = cell(value);
    }
  };
  if (total) put(*total, 0);
  if (nodes) {
    std::size_t col = 1;
    for (const auto& [name, counters] : nodes->items()) put(counters, col++);
  }
  text_table t;
  t.header = {"COUNTER", "TOTAL"};
  t.header.insert(t.header.end(), node_names.begin(), node_names.end());
  for (auto& [name, cells] : rows) {
    auto& r = t.rows.emplace_back();
    r.push_back(name);
    r.insert(r.end(), cells.begin(), cells.end());
  }
  std::string out = rows.empty() ? std::string("no counters\n") : render_table(t);
  json rest = json::object();
  for (const auto& [key, value] : j.items())
    if (key != "total" && key != "nodes") rest[key] = value;
  return out + (rest.empty() ? std::string{} : render_object(rest, {}));
}

// One row per node and tier (l1, l2, postgres), the tiers' fields as columns.
std::string render_cache(const json& j) {
  const auto* nodes = object_member(j, "nodes");
  if (!nodes) return render_generic(j);
  std::vector<std::string> fields{"size", "up", "hits", "misses", "hit_rate", "evictions", "reads", "errors"};
  std::vector<bool> used(fields.size(), false);
  for (const auto& [node, tiers] : nodes->items()) {
    if (!tiers.is_object()) continue;
    for (const auto& [tier, values] : tiers.items()) {
      if (!values.is_object()) continue;
      for (const auto& [field, value] : values.items()) {
        const auto it = std::find(fields.begin(), fields.end(), field);
        if (it == fields.end()) {
          fields.push_back(field);
          used.push_back(true);
        } else {
          used[static_cast<std::size_t>(it - fields.begin())] = true;
        }
      }
    }
  }
  text_table t;
  t.header = {"NODE", "TIER"};
  for (std::size_t i = 0; i < fields.size(); ++i)
    if (used[i]) t.header.push_back(upper(fields[i]));
  for (const auto& [node, tiers] : nodes->items()) {
    if (!tiers.is_object()) {
      t.rows.push_back({node, cell(tiers)});
      continue;
    }
    for (const auto& [tier, values] : tiers.items()) {
      auto& r = t.rows.emplace_back();
      r = {node, tier};
      for (std::size_t i = 0; i < fields.size(); ++i)
        if (used[i]) r.push_back(values.is_object() ? cell(values, fields[i]) : "-");
    }
  }
  std::string out = t.rows.empty() ? std::string("no nodes\n") : render_table(t);
  return out + rest_of(j, "nodes");
}

} // namespace

std::string render_table(const text_table& t) {
  std::vector<std::size_t> widths(t.header.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    if (row.size() > widths.size()) widths.resize(row.size(), 0);
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], width(row[i]));
  };
  measure(t.header);
  for (const auto& r : t.rows) measure(r);
  std::string out;
  auto line = [&](const std::vector<std::string>& row) {
    std::string l;
    for (std::size_t i = 0; i < widths.size(); ++i) {
      const std::string empty;
      const auto& c = i < row.size() ? row[i] : empty;
      l += c;
      if (i + 1 < widths.size()) l += std::string(widths[i] - width(c) + 2, ' ');
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out += l + "\n";
  };
  if (!t.header.empty()) line(t.header);
  for (const auto& r : t.rows) line(r);
  return out;
}

std::string cell(const json& v) {
  switch (v.type()) {
  case json::value_t::null:
  case json::value_t::discarded:
    return "-";
  case json::value_t::string:
    return v.get_ref<const std::string&>();
  case json::value_t::boolean:
    return v.get<bool>() ? "yes" : "no";
  case json::value_t::array:
    if (v.empty()) return "-";
    if (is_scalar_array(v)) {
      std::string out;
      for (const auto& e : v) {
        if (!out.empty()) out += ',';
        out += cell(e);
      }
      return out;
    }
    return v.dump();
  default:
    return v.dump();
  }
}

std::string cell(const json& obj, std::string_view key) {
  if (!obj.is_object()) return "-";
  const auto it = obj.find(key);
  return it == obj.end() ? "-" : cell(*it);
}

std::string render_generic(const json& v) {
  if (v.is_object()) return v.empty() ? std::string("(empty)\n") : render_object(v, {});
  if (is_object_array(v)) return render_table(table_of(v, {}));
  return cell(v) + "\n";
}

std::string render_answer(std::string_view command, std::string_view text) {
  const auto j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    std::string out(text);
    if (out.empty() || out.back() != '\n') out += '\n';
    return out;
  }
  if (command == "nodes") return render_nodes(j);
  if (command == "partitions") return render_partitions(j);
  if (command == "actors") return render_actors(j);
  if (command == "inspect") return render_inspect(j);
  if (command == "stats") return render_stats(j);
  if (command == "cache") return render_cache(j);
  if (command == "checkpoint" && j.is_object()) return render_object(j, {"partition", "node", "committed_offset"});
  if (command == "crash" && j.is_object()) return render_object(j, {"crashed", "node", "symbol", "interval"});
  return render_generic(j);
}

std::string format_error(console_errc code, std::string_view message) {
  return "error (" + std::string(to_string(code)) + "): " + std::string(message);
}

std::string format_error_json(console_errc code, std::string_view message) {
  // Messages quote what the user typed: replace bad UTF-8 rather than throw while printing.
  return json{{"error", {{"code", std::string(to_string(code))}, {"message", std::string(message)}}}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string one_line_json(std::string_view text) {
  if (text.find_first_of("\r\n") == std::string_view::npos) return std::string(text);
  const auto j = json::parse(text, nullptr, false);
  if (!j.is_discarded()) return j.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string out(text);
  std::replace_if(out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return out;
}

std::string format_uptime(std::uint64_t s) {
  auto two = [](std::uint64_t v) {
    auto digits = std::to_string(v);
    if (digits.size() < 2) digits.insert(digits.begin(), '0');
    return digits;
  };
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m" + two(s % 60) + "s";
  if (s < 86400) return std::to_string(s / 3600) + "h" + two(s / 60 % 60) + "m";
  return std::to_string(s / 86400) + "d" + two(s / 3600 % 24) + "h";
}

} // namespace cs::console
