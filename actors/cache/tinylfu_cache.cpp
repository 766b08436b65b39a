#include "actors/cache/tinylfu_cache.hpp"

#include <algorithm>
#include <bit>

namespace cs {

namespace {

// MurmurHash3's 64-bit finaliser: a bijection with full avalanche.
constexpr std::uint64_t fmix64(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

// One seed per row; each row's word index and counter come from fmix64(mixed key + seed).
constexpr std::uint64_t row_seed[frequency_sketch::rows] = {
    0x9e3779b97f4a7c15ULL, 0xc2b2ae3d27d4eb4fULL, 0x165667b19e3779f9ULL, 0x27d4eb2f165667c5ULL};

// Every word holds 16 counters of 4 bits; row r uses counters 4r..4r+3 of the word it picks, so
// the rows never share a counter. Position (in bits) of row r's counter for row hash `rh`.
constexpr unsigned counter_shift(unsigned row, std::uint64_t rh) {
  return ((row << 2) + static_cast<unsigned>(rh >> 62)) << 2;
}

constexpr std::size_t max_words = std::size_t{1} << 30; // 8 GiB of counters; caps the rounding

} // namespace

frequency_sketch::frequency_sketch(std::size_t max_entries) {
  const std::size_t words = std::bit_ceil(std::clamp<std::size_t>(max_entries, 16, max_words));
  table_.assign(words, 0);
  mask_ = words - 1;
  sample_size_ = 10 * static_cast<std::uint64_t>(std::max<std::size_t>(max_entries, 1));
}

void frequency_sketch::increment(std::uint64_t hash) {
  const std::uint64_t h = fmix64(hash);
  for (unsigned r = 0; r < rows; ++r) {
    const std::uint64_t rh = fmix64(h + row_seed[r]);
    std::uint64_t& word = table_[rh & mask_];
    const unsigned shift = counter_shift(r, rh);
    if (((word >> shift) & 0xf) != max_count) word += std::uint64_t{1} << shift;
  }
  if (++additions_ >= sample_size_) halve();
}

unsigned frequency_sketch::estimate(std::uint64_t hash) const {
  const std::uint64_t h = fmix64(hash);
  unsigned best = max_count;
  for (unsigned r = 0; r < rows; ++r) {
    const std::uint64_t rh = fmix64(h + row_seed[r]);
    const auto c = static_cast<unsigned>((table_[rh & mask_] >> counter_shift(r, rh)) & 0xf);
    best = std::min(best, c);
  }
  return best;
}

// Halves every counter at once: shift the word right and drop the bit each counter received from
// its upper neighbour.
void frequency_sketch::halve() {
  for (std::uint64_t& w : table_) w = (w >> 1) & 0x7777777777777777ULL;
  additions_ /= 2;
  ++halvings_;
}

} // namespace cs
