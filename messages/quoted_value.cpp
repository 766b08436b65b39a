#include "messages/quoted_value.hpp"

namespace cs {

std::string quoted_value(std::string_view value) {
  constexpr std::size_t max_shown = 40;
  std::string out = "'";
  for (std::size_t i = 0; i < value.size() && i < max_shown; ++i) {
    const char c = value[i];
    out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  }
  if (value.size() > max_shown) out.append("...");
  out.push_back('\'');
  return out;
}

} // namespace cs
