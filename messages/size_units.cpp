#include "messages/size_units.hpp"

#include <algorithm>

namespace cs {
namespace {
constexpr unsigned __int128 size_scale = 100'000'000; // 10^size_fraction_digits
constexpr unsigned __int128 max_sum = ~static_cast<unsigned __int128>(0);

std::string digits_of(unsigned __int128 v) {
  std::string s;
  do {
    s.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  } while (v != 0);
  std::reverse(s.begin(), s.end());
  return s;
}
} // namespace

std::string format_size_sum(const size_sum& sum) {
  const auto v = sum.value();
  std::string out = digits_of(v / size_scale);
  std::string frac = digits_of(v % size_scale);
  frac.insert(0, static_cast<std::size_t>(size_fraction_digits) - frac.size(), '0');
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  if (!frac.empty()) out.append(".").append(frac);
  return out;
}

bool parse_size_sum(std::string_view text, size_sum& out) {
  unsigned __int128 whole = 0;
  std::size_t i = 0;
  bool any_digit = false;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    if (whole > (max_sum - 9) / 10 / size_scale) return false;
    whole = whole * 10 + static_cast<unsigned>(text[i] - '0');
    any_digit = true;
  }
  unsigned __int128 frac = 0;
  int frac_digits = 0;
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (++frac_digits > size_fraction_digits) return false;
      frac = frac * 10 + static_cast<unsigned>(text[i] - '0');
      any_digit = true;
    }
  }
  if (!any_digit || i != text.size()) return false;
  for (int d = frac_digits; d < size_fraction_digits; ++d) frac *= 10;
  out = size_sum::of(whole * size_scale + frac);
  return true;
}

} // namespace cs
