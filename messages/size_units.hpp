#pragma once
// Order sizes as exact fixed-point integers (1 unit = 1e-8 of a size), so that sums of sizes are
// exact and merging partial candles is associative. Sums are 128-bit: no realistic overflow.
#include <cmath>
#include <cstdint>
#include <string>

namespace cs {

inline constexpr double size_units_per_size = 1e8;
// Largest size one event may carry; keeps one event's units well inside int64.
inline constexpr double max_event_size = 1e10;
inline constexpr int size_fraction_digits = 8;

// Converts a validated, finite, non-negative size into units (rounded to nearest).
inline std::int64_t to_size_units(double size) {
  return std::llround(size * size_units_per_size);
}

// A 128-bit unsigned sum of size units, stored as two words so CAF can serialize it.
struct size_sum {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;

  unsigned __int128 value() const { return (static_cast<unsigned __int128>(hi) << 64) | lo; }
  static size_sum of(unsigned __int128 v) {
    return {static_cast<std::uint64_t>(v >> 64), static_cast<std::uint64_t>(v)};
  }
  void add(std::uint64_t units) { *this = of(value() + units); }
  void add(const size_sum& other) { *this = of(value() + other.value()); }
  double as_double() const { return static_cast<double>(value()) / size_units_per_size; }
  bool operator==(const size_sum&) const = default;
};

// Exact decimal text of a sum, e.g. "12.5" or "0.00000001"; parse_size_sum is its inverse.
std::string format_size_sum(const size_sum& s);
// The same text appended to `out`, without a temporary string (JSON encoders on hot paths).
void append_size_sum(std::string& out, const size_sum& s);
// Parses a non-negative decimal with at most 8 fraction digits (no exponent). False on junk.
bool parse_size_sum(std::string_view text, size_sum& out);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, size_sum& x) {
  return f(x.hi, x.lo);
}

} // namespace cs
