#pragma once
// Compact binary encoding of candles for Redis (L2 cache): fixed little-endian fields, prices as
// their IEEE-754 bits, so decode(encode(c)) == c exactly. A leading format byte allows changes.
#include <string>
#include <string_view>

#include "messages/candle.hpp"

namespace cs {

inline constexpr unsigned char candle_binary_format = 1;

std::string encode_candle_binary(const candle& c);
// Returns an empty string on success, else the reason (wrong format, truncated, bad symbol...).
std::string decode_candle_binary(std::string_view bytes, candle& out);

} // namespace cs
