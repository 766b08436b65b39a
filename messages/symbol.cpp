#include "messages/symbol.hpp"

#include <array>

namespace cs {
namespace {
constexpr auto symbol_chars = [] {
  std::array<bool, 256> ok{};
  for (char c = 'A'; c <= 'Z'; ++c) ok[static_cast<unsigned char>(c)] = true;
  for (char c = 'a'; c <= 'z'; ++c) ok[static_cast<unsigned char>(c)] = true;
  for (char c = '0'; c <= '9'; ++c) ok[static_cast<unsigned char>(c)] = true;
  for (char c : std::string_view("._:/-")) ok[static_cast<unsigned char>(c)] = true;
  return ok;
}();
} // namespace

bool is_valid_symbol(std::string_view s) {
  if (s.empty() || s.size() > max_symbol_length) return false;
  for (char c : s)
    if (!symbol_chars[static_cast<unsigned char>(c)]) return false;
  return true;
}

} // namespace cs
