#pragma once
#include <cstddef>
#include <string_view>

namespace cs {

inline constexpr std::size_t max_symbol_length = 32;
inline constexpr std::string_view valid_symbol_form = "1 to 32 characters of [A-Za-z0-9._:/-]";

// A symbol is 1..32 characters of [A-Za-z0-9._:/-] (docs/design.md §3).
bool is_valid_symbol(std::string_view s);

// Shell-style match of a symbol against a pattern where * is any run of characters and ? any one
// (the console's `actors AB*`). Every other character matches itself.
bool symbol_glob_match(std::string_view pattern, std::string_view symbol);

} // namespace cs
