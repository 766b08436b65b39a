#include "actors/inspector/console_commands.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

namespace cs::console {

const std::vector<command_spec>& commands() {
  using enum arg_kind;
  static const std::vector<command_spec> table{
    {"nodes", {}, "members of the cluster: name, roles, addresses, up-time, partitions",
     "One row per node: name, roles, console and HTTP addresses, seconds up, the partitions it reads and the intervals it computes."},
    {"partitions", {}, "partitions: owner, epoch, offsets, watermark, lag, paused",
     "One row per partition read in the cluster: owning node, phase, epoch, next and committed offsets, watermark, lag behind the log end (when known) and whether the poll thread holds it paused."},
    {"actors", {{"SYMBOL-GLOB", symbol_glob, true}, {"INTERVAL", interval, true}}, "candle actors (symbol, interval) and the node that holds them",
     "Candle actors matching a symbol pattern (* and ?) and an interval, at most 200 rows, with the total that matched."},
    {"inspect", {{"SYMBOL", symbol}, {"INTERVAL", interval}}, "one candle actor: live candles, events, late, mailbox, restarts, owner",
     "The state of the candle actor of SYMBOL and INTERVAL, wherever it lives: its live candles (OHLCV, first and last event time and offset), events applied since it started, late events, final candles not yet checkpointed, its frontier, mailbox size, restarts by its supervisor and the owning node."},
    {"stats", {}, "counters of every node, summed and per node",
     "Pipeline counters (events valid, invalid, late, duplicate, gaps, checkpoints, restarts, candle actors) and the HTTP and cache counters, per node and summed."},
    {"cache", {}, "L1 and L2 sizes and hit rates per node",
     "The read cache of each node: L1 entries, hits, misses, hit rate, evictions; L2 (Redis) hits, misses, errors, whether it is up; PostgreSQL reads."},
    {"watch", {{"SYMBOL", symbol}, {"INTERVAL", interval}, {"COUNT", count, true}}, "print a candle actor's live candle as it changes (Ctrl-C stops)",
     "Prints the live candle of SYMBOL and INTERVAL each time it changes, until Ctrl-C, or after COUNT updates.", true},
    {"checkpoint", {{"PARTITION", partition}}, "force a checkpoint of a partition now and wait for it",
     "Asks the reader of PARTITION (on whichever node owns it) to checkpoint now; answers with the committed offset once PostgreSQL has it."},
    {"crash", {{"SYMBOL", symbol}, {"INTERVAL", interval}}, "crash a candle actor (drills; needs node.faults=true)",
     "Makes the candle actor of SYMBOL and INTERVAL fail, as a bug would: its reader restarts the partition from its last checkpoint and replays. Only when the owning node runs with node.faults=true."},
    {"help", {{"COMMAND", command, true}}, "list the commands, or explain one", "", true},
    {"quit", {}, "leave the console (also exit, Ctrl-D)", "", true},
  };
  return table;
}

const command_spec* find_command(std::string_view name) {
  for (const auto& c : commands())
    if (c.name == name) return &c;
  return nullptr;
}

std::string usage(const command_spec& c) {
  std::string out(c.name);
  for (const auto& a : c.args) {
    // Appended piece by piece: g++ 12 warns (-Wrestrict, falsely) on "[" + string + "]".
    out += a.optional ? " [" : " ";
    out += a.name;
    if (a.optional) out += ']';
  }
  return out;
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const auto up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

} // namespace

std::optional<std::string_view> did_you_mean(std::string_view typed) {
  if (typed.empty()) return std::nullopt;
  std::optional<std::string_view> best, prefixed;
  std::size_t best_distance = 3, prefixes = 0;
  for (const auto& c : commands()) {
    if (c.name.starts_with(typed)) {
      prefixed = c.name;
      ++prefixes;
    }
    const auto d = edit_distance(typed, c.name);
    if (d < best_distance) {
      best_distance = d;
      best = c.name;
    }
  }
  if (prefixes == 1) return prefixed;
  return best;
}

split_line split_words(std::string_view line) {
  split_line out;
  std::string word;
  bool in_word = false, quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char ch = line[i];
    if (ch == '\\') {
      if (i + 1 == line.size()) {
        out.error = "a backslash at the end of the line escapes nothing";
        return out;
      }
      word += line[++i];
      in_word = true;
    } else if (ch == '"') {
      quoted = !quoted;
      in_word = true;
    } else if (!quoted && (ch == ' ' || ch == '\t')) {
      if (in_word) out.words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += ch;
      in_word = true;
    }
  }
  if (quoted) {
    out.error = "a double quote is not closed";
    return out;
  }
  if (in_word) out.words.push_back(std::move(word));
  return out;
}

std::optional<std::int64_t> parse_number(std::string_view s) {
  std::int64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

std::string check_args(const command_spec& c, const std::vector<std::string>& args) {
  const auto required = static_cast<std::size_t>(std::count_if(c.args.begin(), c.args.end(), [](const arg_spec& a) { return !a.optional; }));
  if (args.size() < required || args.size() > c.args.size())
    return std::string(c.name) + " takes " +
           (required == c.args.size() ? std::to_string(required) : std::to_string(required) + " to " + std::to_string(c.args.size())) +
           " argument" + (c.args.size() == 1 ? "" : "s") + ", got " + std::to_string(args.size()) + ": usage: " + usage(c);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& spec = c.args[i];
    if (spec.kind == arg_kind::partition && !parse_number(args[i]))
      return std::string(spec.name) + " must be a partition number (0, 1, ...), got '" + args[i] + "'";
    if (spec.kind == arg_kind::count) {
      auto n = parse_number(args[i]);
      if (!n || *n == 0) return std::string(spec.name) + " must be a positive number, got '" + args[i] + "'";
    }
  }
  return {};
}

} // namespace cs::console
