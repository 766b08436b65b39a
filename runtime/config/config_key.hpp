#pragma once
// A config key is declared exactly once (runtime/config/keys.hpp) as a typed constant: name,
// default, doc line and bounds. Its env var and flag derive from the name by one rule
// (env_name below; the flag is --<name>), so they cannot drift either. Use sites read typed
// values with `cfg.get(keys::x)`; no use site looks a value up by string.
//
// Thread-safety: key objects are immutable after static initialisation; the registry they add
// themselves to is only read after main() starts.
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "messages/interval.hpp"
#include "messages/time.hpp"

namespace cs::runtime {

enum class value_kind { text, integer, port, duration, intervals, byte_size, boolean };

// What `cfg.get(key)` returns for each kind.
template <value_kind K> struct value_of { using type = std::int64_t; }; // integer, byte_size
template <> struct value_of<value_kind::text> { using type = std::string; };
template <> struct value_of<value_kind::port> { using type = std::uint16_t; };
template <> struct value_of<value_kind::duration> { using type = duration_ns; };
template <> struct value_of<value_kind::intervals> { using type = std::vector<interval>; };
template <> struct value_of<value_kind::boolean> { using type = bool; };

// Inclusive bounds of integer, byte_size and duration keys.
struct key_bounds {
  std::int64_t min = 0;
  std::int64_t max = std::numeric_limits<std::int64_t>::max();
};

// The untyped view of a key, for loading, --help, the generated config file and the console.
struct config_key {
  std::string_view name;
  std::string_view default_value;
  value_kind kind;
  std::string_view doc;
  key_bounds bounds;
  std::size_t index = 0; // position in config_schema(), assigned at registration
};

// Every key, in declaration order (the order of --help and config/candlestream.conf).
const std::vector<const config_key*>& config_schema();
// The key named `name`, or nullptr.
const config_key* find_config_key(std::string_view name);
// CANDLE_ + upper-cased key with '.' and '-' as '_': kafka.topic.events -> CANDLE_KAFKA_TOPIC_EVENTS.
std::string env_name(std::string_view key);

namespace detail {
std::size_t register_key(config_key* key);
} // namespace detail

template <value_kind K>
class key {
public:
  using value_type = typename value_of<K>::type;
  key(std::string_view name, std::string_view default_value, std::string_view doc, key_bounds bounds = {})
    : spec_{name, default_value, K, doc, bounds} {
    detail::register_key(&spec_);
  }
  key(const key&) = delete;
  key& operator=(const key&) = delete;

  const config_key& spec() const { return spec_; }
  std::string_view name() const { return spec_.name; }

private:
  config_key spec_;
};

using text_key = key<value_kind::text>;
using integer_key = key<value_kind::integer>;
using port_key = key<value_kind::port>;
using duration_key = key<value_kind::duration>;
using intervals_key = key<value_kind::intervals>;
using byte_size_key = key<value_kind::byte_size>;
using boolean_key = key<value_kind::boolean>;

} // namespace cs::runtime
