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

bool symbol_glob_match(std::string_view pattern, std::string_view symbol) {
  // Greedy with one backtrack point (the last *): linear for the patterns people type.
  std::size_t p = 0, s = 0, star = std::string_view::npos, resume = 0;
  while (s < symbol.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == symbol[s])) {
      ++p;
      ++s;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = s;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      s = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

} // namespace cs
