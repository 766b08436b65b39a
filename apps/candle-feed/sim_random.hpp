#pragma once
// The simulator's random numbers: xoshiro256** seeded through splitmix64, with the uniform and
// normal draws written out here, so that one seed gives the same stream on every platform and
// standard library (std::*_distribution differ between implementations).
#include <cmath>
#include <cstdint>
#include <numbers>

namespace cs::feed {

class sim_random {
public:
  explicit sim_random(std::uint64_t seed) {
    for (auto& word : s_) word = splitmix64(seed);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1), from the top 53 bits.
  double uniform() {
    constexpr int mantissa_bits = 53;
    constexpr double scale = 1.0 / static_cast<double>(std::uint64_t{1} << mantissa_bits);
    return static_cast<double>(next() >> (64 - mantissa_bits)) * scale;
  }
  // Uniform in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n) by multiply-shift (bias below 2^-64 * n: irrelevant here); n > 0.
  std::uint64_t below(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }
  // Standard normal by Box-Muller (one of the pair; simplicity over speed).
  double normal() {
    const double u1 = 1.0 - uniform(); // (0, 1]: log() stays finite
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t s_[4];
};

} // namespace cs::feed
