#pragma once
// The values of candle-console's command line that need more than CLI11: the node's address and
// the request timeout. Pure; thread-safe (no state).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cs::console {

struct endpoint {
  std::string host;
  std::uint16_t port = 0;
};

// "host:port", "[::1]:port". Nothing when the port is missing, zero or out of range.
std::optional<endpoint> parse_endpoint(std::string_view text);
// "host:port" again, brackets around an IPv6 address.
std::string to_string(const endpoint& e);

// "5s", "500ms", "1m", or plain seconds ("5", "2.5"). Nothing for zero, negative or garbage: a
// console that never waits would fail every command, one that waits forever could hang.
std::optional<std::chrono::milliseconds> parse_timeout(std::string_view text);
// "5s", "500ms", "2.5s": how error messages name a timeout.
std::string format_timeout(std::chrono::milliseconds t);

} // namespace cs::console
