#include "messages/size_units.hpp"

#include "messages/number_format.hpp"

namespace cs {
namespace {
constexpr unsigned __int128 size_scale = 100'000'000; // 10^size_fraction_digits
constexpr unsigned __int128 max_sum = ~static_cast<unsigned __int128>(0);

// Only sums past 2^64 units (about 1.8e11 in size) take this path: 128-bit division is a
// library call per digit.
void append_digits_of(std::string& out, unsigned __int128 v) {
  char buf[40];
  char* p = buf + sizeof buf;
  do {
    *--p = static_cast<char>('0' + static_cast<int>(v % 10));
    v /= 10;
  } while (v != 0);
  out.append(p, buf + sizeof buf);
}
} // namespace

void append_size_sum(std::string& out, const size_sum& sum) {
  std::uint64_t frac = 0;
  if (sum.hi == 0) { // nearly every sum: plain 64-bit arithmetic
    constexpr auto scale = static_cast<std::uint64_t>(size_scale);
    append_number(out, sum.lo / scale);
    frac = sum.lo % scale;
  } else {
    append_digits_of(out, sum.value() / size_scale);
    frac = static_cast<std::uint64_t>(sum.value() % size_scale);
  }
  if (frac == 0) return;
  char digits[size_fraction_digits];
  for (int i = size_fraction_digits - 1; i >= 0; --i, frac /= 10) digits[i] = static_cast<char>('0' + frac % 10);
  int len = size_fraction_digits;
  while (digits[len - 1] == '0') --len; // frac != 0, so some digit is not
  out.push_back('.');
  out.append(digits, static_cast<std::size_t>(len));
}

std::string format_size_sum(const size_sum& sum) {
  std::string out;
  append_size_sum(out, sum);
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
