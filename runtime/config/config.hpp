#pragma once
// candlestream configuration: every key has a default, a doc line, an env var and a flag.
// Sources, later wins: built-in default < config file < environment (CANDLE_<KEY>) < flag
// (--<key>=<value> or --<key> <value>). The file is --config FILE or $CANDLE_CONFIG; its format is
// `key = value` lines with `#` comments (config/candlestream.conf documents every key).
// Unknown keys and malformed values are errors at startup, each with a message naming the key.
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "messages/interval.hpp"
#include "messages/time.hpp"

namespace cs::runtime {

struct config_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class value_kind { text, integer, port, duration, intervals, byte_size, boolean };

struct config_key {
  std::string_view name;
  std::string_view default_value;
  value_kind kind;
  std::string_view doc;
};

// Every key candlestream knows, in documentation order.
const std::vector<config_key>& config_schema();
// CANDLE_ + upper-cased key with '.' and '-' as '_': kafka.topic.events -> CANDLE_KAFKA_TOPIC_EVENTS.
std::string env_name(std::string_view key);

class config {
public:
  // Built-in defaults only.
  config();
  // Applies file, environment and flags. `rest` receives arguments that are not config flags
  // (positional words, --help): the caller decides what they mean.
  static config load(int argc, const char* const* argv, std::vector<std::string>& rest);

  void set(std::string_view key, std::string value, std::string_view source); // validates
  const std::string& text(std::string_view key) const;
  std::int64_t integer(std::string_view key) const;
  duration_ns duration(std::string_view key) const;
  std::vector<interval> intervals(std::string_view key) const;
  bool boolean(std::string_view key) const;
  // Where a key's value came from ("default", "file F", "env CANDLE_X", "flag").
  const std::string& source(std::string_view key) const;

  // `--help` text: every key with its default, env var and doc.
  static std::string help(std::string_view program, std::string_view usage);
  // Current values, one `key = value  # source` per line (for logs and the console).
  std::string dump() const;

private:
  void load_file(const std::string& path);
  struct entry {
    std::string value;
    std::string source;
  };
  std::map<std::string, entry, std::less<>> values_;
};

// Parses "250ms", "2s", "1m", "1h", "1d", "1500us", "0"; false on junk.
bool parse_duration(std::string_view text, duration_ns& out);
// Parses "512m", "1g", "4096", "64k" into bytes; false on junk.
bool parse_byte_size(std::string_view text, std::int64_t& out);

} // namespace cs::runtime
