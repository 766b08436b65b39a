#include "runtime/config/config.hpp"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace cs::runtime {
namespace {

const config_key* find_key(std::string_view name) {
  for (const auto& k : config_schema())
    if (k.name == name) return &k;
  return nullptr;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

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

std::string validate(const config_key& key, const std::string& value) {
  std::int64_t n = 0;
  duration_ns d = 0;
  switch (key.kind) {
    case value_kind::text:
      return value.empty() ? "must not be empty" : "";
    case value_kind::integer:
      return parse_int(value, n) && n >= 0 ? "" : "must be a whole number >= 0";
    case value_kind::port:
      return parse_int(value, n) && n >= 1 && n <= 65535 ? "" : "must be a port number 1..65535";
    case value_kind::duration:
      return parse_duration(value, d) ? "" : "must be a duration such as 250ms, 2s, 1m, 1h";
    case value_kind::byte_size:
      return parse_byte_size(value, n) ? "" : "must be a size such as 4096, 64k, 512m, 1g";
    case value_kind::boolean:
      return value == "true" || value == "false" ? "" : "must be true or false";
    case value_kind::intervals: {
      auto r = parse_interval_list(value);
      return r.ok ? "" : r.error;
    }
  }
  return "unknown kind";
}

} // namespace

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
  for (const auto& k : config_schema()) values_[std::string(k.name)] = {std::string(k.default_value), "default"};
}

void config::set(std::string_view key, std::string value, std::string_view source) {
  const auto* k = find_key(key);
  if (!k) throw config_error("unknown config key '" + std::string(key) + "' (from " + std::string(source) + "); see --help");
  if (auto why = validate(*k, value); !why.empty())
    throw config_error("config key '" + std::string(key) + "' = '" + value + "' (from " + std::string(source) + "): " + why);
  values_[std::string(key)] = {std::move(value), std::string(source)};
}

void config::load_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw config_error("cannot read config file '" + path + "'");
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    std::string_view l = line;
    if (auto hash = l.find('#'); hash != std::string_view::npos) l = l.substr(0, hash);
    l = trim(l);
    if (l.empty()) continue;
    const auto eq = l.find('=');
    const std::string where = "file " + path + ":" + std::to_string(lineno);
    if (eq == std::string_view::npos) throw config_error(where + ": expected 'key = value'");
    set(trim(l.substr(0, eq)), std::string(trim(l.substr(eq + 1))), where);
  }
}

config config::load(int argc, const char* const* argv, std::vector<std::string>& rest) {
  config c;
  // The file comes first whatever the argument order, so that flags override it.
  std::string file;
  if (const char* env = std::getenv("CANDLE_CONFIG"); env && *env) file = env;
  std::vector<std::pair<std::string, std::string>> flags;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a.substr(0, 2) != "--" || a == "--help" || a == "--") {
      rest.emplace_back(a);
      continue;
    }
    a.remove_prefix(2);
    std::string name, value;
    if (auto eq = a.find('='); eq != std::string_view::npos) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
    } else {
      name = a;
      const bool known = name == "config" || find_key(name);
      if (!known) { // not ours: leave it to the caller, e.g. a subcommand's own flag
        rest.emplace_back(argv[i]);
        continue;
      }
      if (i + 1 >= argc) throw config_error("flag --" + name + " needs a value");
      value = argv[++i];
    }
    if (name == "config") file = value;
    else if (find_key(name)) flags.emplace_back(name, value);
    else rest.emplace_back(argv[i]);
  }
  if (!file.empty()) c.load_file(file);
  for (const auto& k : config_schema()) {
    const auto env = env_name(k.name);
    if (const char* v = std::getenv(env.c_str()); v && *v) c.set(k.name, v, "env " + env);
  }
  for (auto& [name, value] : flags) c.set(name, std::move(value), "flag");
  return c;
}

const std::string& config::text(std::string_view key) const {
  auto it = values_.find(key);
  if (it == values_.end()) throw config_error("internal: no config key '" + std::string(key) + "'");
  return it->second.value;
}

const std::string& config::source(std::string_view key) const {
  auto it = values_.find(key);
  if (it == values_.end()) throw config_error("internal: no config key '" + std::string(key) + "'");
  return it->second.source;
}

std::int64_t config::integer(std::string_view key) const {
  std::int64_t n = 0;
  if (!parse_int(text(key), n) && !parse_byte_size(text(key), n)) throw config_error("config key '" + std::string(key) + "' is not a number");
  return n;
}

duration_ns config::duration(std::string_view key) const {
  duration_ns d = 0;
  if (!parse_duration(text(key), d)) throw config_error("config key '" + std::string(key) + "' is not a duration");
  return d;
}

std::vector<interval> config::intervals(std::string_view key) const {
  auto r = parse_interval_list(text(key));
  if (!r.ok) throw config_error("config key '" + std::string(key) + "': " + r.error);
  return r.values;
}

bool config::boolean(std::string_view key) const { return text(key) == "true"; }

std::string config::help(std::string_view program, std::string_view usage) {
  std::ostringstream out;
  out << "usage: " << program << " " << usage << "\n\n"
      << "Configuration (default < --config FILE or $CANDLE_CONFIG < env < flag):\n"
      << "  --config FILE   read `key = value` lines from FILE (see config/candlestream.conf)\n";
  for (const auto& k : config_schema())
    out << "  --" << k.name << "=" << k.default_value << "\n      " << k.doc << " [env " << env_name(k.name) << "]\n";
  return out.str();
}

std::string config::dump() const {
  std::string s;
  for (const auto& k : config_schema()) {
    const auto& e = values_.at(std::string(k.name));
    s.append(k.name).append(" = ").append(e.value).append("  # ").append(e.source).append("\n");
  }
  return s;
}

} // namespace cs::runtime
