#include "runtime/config/config.hpp"

#include <CLI/CLI.hpp>

#include "runtime/log/log.hpp"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace cs::runtime {
namespace {

bool parse_int(std::string_view s, std::int64_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

// Splits "123ms" into 123 and "ms".
bool split_number(std::string_view text, std::int64_t& n, std::string_view& unit) {
  std::size_t i = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  unit = text.substr(i);
  return i > 0 && parse_int(text.substr(0, i), n);
}

std::string bounds_text(const config_key& key) {
  return "between " + std::to_string(key.bounds.min) + " and " + std::to_string(key.bounds.max) +
         (key.kind == value_kind::duration ? " ns" : "");
}

struct parsed {
  std::string error; // empty when ok
  std::variant<std::string, std::int64_t, std::uint16_t, bool, std::vector<interval>> value;
};

parsed parse_value(const config_key& key, const std::string& text) {
  std::int64_t n = 0;
  duration_ns d = 0;
  auto in_bounds = [&](std::int64_t v) { return v >= key.bounds.min && v <= key.bounds.max; };
  switch (key.kind) {
    case value_kind::text:
      if (text.empty()) return {"must not be empty", {}};
      return {"", text};
    case value_kind::integer:
      if (!parse_int(text, n) || n < 0) return {"must be a whole number >= 0", {}};
      if (!in_bounds(n)) return {"must be " + bounds_text(key), {}};
      return {"", n};
    case value_kind::port:
      if (!parse_int(text, n) || n < 1 || n > 65535) return {"must be a port number 1..65535", {}};
      return {"", static_cast<std::uint16_t>(n)};
    case value_kind::duration:
      if (!parse_duration(text, d)) return {"must be a duration such as 250ms, 2s, 1m, 1h", {}};
      if (!in_bounds(d)) return {"must be " + bounds_text(key), {}};
      return {"", d};
    case value_kind::byte_size:
      if (!parse_byte_size(text, n)) return {"must be a size such as 4096, 64k, 512m, 1g", {}};
      if (!in_bounds(n)) return {"must be " + bounds_text(key) + " bytes", {}};
      return {"", n};
    case value_kind::boolean:
      if (text != "true" && text != "false") return {"must be true or false", {}};
      return {"", text == "true"};
    case value_kind::intervals: {
      auto r = parse_interval_list(text);
      if (!r.ok) return {r.error, {}};
      return {"", std::move(r.values)};
    }
  }
  return {"unknown kind", {}};
}

std::vector<config_key*>& registry() {
  static std::vector<config_key*> keys;
  return keys;
}

std::string_view section_of(std::string_view name) { return name.substr(0, name.find('.')); }

} // namespace

namespace detail {
std::size_t register_key(config_key* key) {
  auto& r = registry();
  key->index = r.size();
  r.push_back(key);
  return key->index;
}
} // namespace detail

const std::vector<const config_key*>& config_schema() {
  // Built on first use, after every key registered itself during static initialisation.
  static const std::vector<const config_key*> all(registry().begin(), registry().end());
  return all;
}

const config_key* find_config_key(std::string_view name) {
  for (const auto* k : config_schema())
    if (k->name == name) return k;
  return nullptr;
}

std::string env_name(std::string_view key) {
  std::string s = "CANDLE_";
  for (char c : key) s.push_back(c == '.' || c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return s;
}

bool parse_duration(std::string_view text, duration_ns& out) {
  struct unit {
    std::string_view name;
    duration_ns ns;
  };
  static constexpr unit units[] = {{"ns", 1}, {"us", ns_per_us}, {"ms", ns_per_ms}, {"s", ns_per_s},
                                   {"m", ns_per_min}, {"h", ns_per_hour}, {"d", ns_per_day}};
  std::int64_t n = 0;
  std::string_view u;
  if (!split_number(text, n, u)) return false;
  if (u.empty()) {
    if (n != 0) return false; // a bare number is ambiguous, except 0
    out = 0;
    return true;
  }
  for (const auto& x : units) {
    if (x.name != u) continue;
    if (n > INT64_MAX / x.ns) return false;
    out = n * x.ns;
    return true;
  }
  return false;
}

bool parse_byte_size(std::string_view text, std::int64_t& out) {
  std::int64_t n = 0;
  std::string_view u;
  if (!split_number(text, n, u)) return false;
  std::int64_t mult = 1;
  if (u == "k" || u == "K") mult = std::int64_t{1} << 10;
  else if (u == "m" || u == "M") mult = std::int64_t{1} << 20;
  else if (u == "g" || u == "G") mult = std::int64_t{1} << 30;
  else if (!u.empty()) return false;
  if (n > INT64_MAX / mult) return false;
  out = n * mult;
  return true;
}

config::config() {
  const auto& schema = config_schema();
  values_.resize(schema.size());
  for (const auto* k : schema) {
    auto p = parse_value(*k, std::string(k->default_value));
    if (!p.error.empty()) // a declaration bug: tests/unit/config_test.cpp catches it before anyone runs a node
      throw config_error("internal: default of '" + std::string(k->name) + "' " + p.error);
    values_[k->index] = {std::string(k->default_value), "default", std::move(p.value)};
  }
}

void config::set(std::string_view key, std::string text, std::string_view source) {
  const auto* k = find_config_key(key);
  if (!k) throw config_error("unknown config key '" + std::string(key) + "' (from " + std::string(source) + "); see --help");
  auto p = parse_value(*k, text);
  if (!p.error.empty())
    throw config_error("config key '" + std::string(key) + "' = '" + text + "' (from " + std::string(source) + "): " + p.error);
  values_[k->index] = {std::move(text), std::string(source), std::move(p.value)};
}

const config::entry& config::at(std::string_view key) const {
  const auto* k = find_config_key(key);
  if (!k) throw config_error("internal: no config key '" + std::string(key) + "'");
  return values_[k->index];
}

const std::string& config::text(std::string_view key) const { return at(key).text; }
const std::string& config::source(std::string_view key) const { return at(key).source; }

void config::load_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw config_error("cannot read config file '" + path + "'");
  // CLI11's TOML reader parses each line (comments, quotes, lists); dotted names are whole keys,
  // not sections. Lines go one at a time so that every error can name its line.
  CLI::ConfigTOML reader;
  reader.parentSeparator('\x01');
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    const std::string where = "file " + path + ":" + std::to_string(lineno);
    std::istringstream one(line);
    for (const auto& item : reader.from_config(one)) {
      if (line.find('=') == std::string::npos) throw config_error(where + ": expected 'key = value'");
      std::string value;
      for (const auto& part : item.inputs) value += (value.empty() ? "" : ",") + part; // lists come back split
      set(item.name, std::move(value), where);
    }
  }
}

config config::load(int argc, const char* const* argv, std::vector<std::string>& rest) {
  config c;
  CLI::App app;
  app.allow_extras();     // not ours: left to the caller, e.g. a subcommand's own flag
  app.set_help_flag();    // --help, too, is the caller's
  app.prefix_command(false);
  std::string file;
  if (const char* env = std::getenv("CANDLE_CONFIG"); env && *env) file = env;
  app.add_option("--config", file);
  const auto& schema = config_schema();
  std::vector<std::string> flag_values(schema.size());
  std::vector<CLI::Option*> flags(schema.size());
  for (const auto* k : schema)
    flags[k->index] = app.add_option("--" + std::string(k->name), flag_values[k->index])
                        ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ArgumentMismatch& e) {
    throw config_error(std::string("a config flag needs a value: ") + e.what());
  } catch (const CLI::ParseError& e) {
    throw config_error(e.what());
  }
  rest = app.remaining();
  // The file first whatever the argument order, then env, then flags: later wins.
  if (!file.empty()) c.load_file(file);
  for (const auto* k : schema) {
    const auto env = env_name(k->name);
    if (const char* v = std::getenv(env.c_str()); v && *v) c.set(k->name, v, "env " + env);
  }
  for (const auto* k : schema)
    if (flags[k->index]->count() > 0) c.set(k->name, flag_values[k->index], "flag");
  return c;
}

std::string config::keys_help() {
  std::ostringstream out;
  for (const auto* k : config_schema())
    out << "  --" << k->name << "=" << k->default_value << "\n      " << k->doc << " [env " << env_name(k->name) << "]\n";
  return out.str();
}

std::string config::help(std::string_view program, std::string_view usage) {
  return "usage: " + std::string(program) + " " + std::string(usage) + "\n\n" +
         "Configuration (default < --config FILE or $CANDLE_CONFIG < env < flag):\n"
         "  --config FILE   read `key = value` lines from FILE (see config/candlestream.conf)\n" +
         keys_help();
}

std::string config::default_file() {
  std::ostringstream out;
  out << "# candlestream configuration. One `key = value` per line; `#` starts a comment.\n"
         "# GENERATED from runtime/config/keys.hpp by `candle-node --print-default-config`: edit the\n"
         "# declarations there, not this file (a unit test fails when the two differ).\n"
         "# Every key can also be set by environment variable (CANDLE_ + key upper-cased, '.' and '-'\n"
         "# become '_', e.g. CANDLE_KAFKA_BROKERS) and by flag (--kafka.brokers=...). Precedence:\n"
         "# flag > env > this file > built-in default. `candle-node --help` lists every key.\n"
         "# deploy/services reads the service keys below, so the scripts and the node always agree.\n";
  std::string_view section;
  for (const auto* k : config_schema()) {
    if (section_of(k->name) != section) {
      section = section_of(k->name);
      out << "\n# --- " << section << " ---\n";
    }
    out << "# " << k->doc << " [env " << env_name(k->name) << "]\n" << k->name << " = " << k->default_value << "\n";
  }
  return out.str();
}

void configure_logging(const config& cfg) {
  log_level level{};
  const auto& text = cfg.get(keys::log_level);
  if (!parse_log_level(text, level))
    throw config_error("config key 'log.level' = '" + text + "' (from " + cfg.source("log.level") + "): must be debug, info, warn or error");
  if (auto why = configure_logging(level, cfg.get(keys::log_levels)); !why.empty())
    throw config_error("config key 'log.levels' (from " + cfg.source("log.levels") + "): " + why);
}

std::string config::dump() const {
  std::string s;
  for (const auto* k : config_schema()) {
    const auto& e = values_[k->index];
    s.append(k->name).append(" = ").append(e.text).append("  # ").append(e.source).append("\n");
  }
  return s;
}

} // namespace cs::runtime
