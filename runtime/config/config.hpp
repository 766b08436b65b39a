#pragma once
// candlestream configuration: the values of the keys declared in runtime/config/keys.hpp.
// Sources, later wins: built-in default < config file < environment (CANDLE_<KEY>) < flag
// (--<key>=<value> or --<key> <value>). The file is --config FILE or $CANDLE_CONFIG, `key = value`
// lines with `#` comments; CLI11 reads both the file and the flags.
// Unknown keys and malformed or out-of-bounds values are errors at startup (config_error, the one
// place this project throws for bad input), each with a message naming the key and its source.
//
// Thread-safety: a loaded config is immutable; concurrent reads are safe.
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "runtime/config/config_key.hpp"
#include "runtime/config/keys.hpp"

namespace cs::runtime {

struct config_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class config {
public:
  // Built-in defaults only.
  config();
  // Applies file, environment and flags. `rest` receives arguments that are not config flags
  // (positional words, --help, a subcommand's own flags), in order: the caller decides what they mean.
  static config load(int argc, const char* const* argv, std::vector<std::string>& rest);

  // The typed value of a declared key.
  template <value_kind K>
  const typename value_of<K>::type& get(const key<K>& k) const {
    return std::get<typename value_of<K>::type>(values_[k.spec().index].value);
  }

  // Validates and sets one key by name (file, env and flag loading; tests).
  void set(std::string_view key, std::string text, std::string_view source);
  // The text a key was set from, and where it came from ("default", "file F:N", "env CANDLE_X",
  // "flag"): for logs, the console and the generated file.
  const std::string& text(std::string_view key) const;
  const std::string& source(std::string_view key) const;

  // `--help` text: usage, then every key with its default, env var and doc.
  static std::string help(std::string_view program, std::string_view usage);
  // Every key with its default, env var and doc (also the footer of candle-feed's --help).
  static std::string keys_help();
  // config/candlestream.conf as it must read: generated from the declarations.
  static std::string default_file();
  // Current values, one `key = value  # source` per line (for logs and the console).
  std::string dump() const;

private:
  using typed_value = std::variant<std::string, std::int64_t, std::uint16_t, bool, std::vector<interval>>;
  struct entry {
    std::string text;
    std::string source;
    typed_value value;
  };
  void load_file(const std::string& path);
  const entry& at(std::string_view key) const;
  std::vector<entry> values_; // by config_key::index
};

// Sets the process's log levels from log.level and log.levels; config_error when either is malformed.
void configure_logging(const config& cfg);

// Parses "250ms", "2s", "1m", "1h", "1d", "1500us", "0"; false on junk.
bool parse_duration(std::string_view text, duration_ns& out);
// Parses "512m", "1g", "4096", "64k" into bytes; false on junk.
bool parse_byte_size(std::string_view text, std::int64_t& out);

} // namespace cs::runtime
