#include "messages/console_errc.hpp"

#include <array>

namespace cs {

namespace {
constexpr std::array<std::string_view, 9> names{"none",       "unknown_command", "bad_argument", "unknown_symbol", "not_owned",
                                                "not_allowed", "unavailable",     "timeout",      "unreachable"};
}

std::string_view to_string(console_errc x) {
  const auto i = static_cast<std::size_t>(x);
  return i < names.size() ? names[i] : std::string_view{"unknown_code"};
}

std::optional<console_errc> console_errc_from_string(std::string_view name) {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<console_errc>(i);
  return std::nullopt;
}

} // namespace cs
