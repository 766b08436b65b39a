#pragma once
// Counts bytes currently allocated through operator new in this process, so that benchmarks can
// report real memory per live candle (containers, strings and all), not sizeof guesses.
#include <cstddef>

namespace cs::bench {
std::size_t heap_bytes_in_use();
} // namespace cs::bench
