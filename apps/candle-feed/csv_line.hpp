#pragma once
// Splitting one CSV line into fields. Quoting follows RFC 4180 within a line: a field may be
// enclosed in double quotes, and "" inside it is one quote. A quoted field cannot span lines:
// market data files have none, and a row per line keeps bad-row line numbers exact.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cs::feed {

// Splits `line` (without its line break; a trailing '\r' is dropped) into `fields`. Returns an
// empty string, or why the line is malformed (an unterminated quote, text after a closing quote).
std::string split_csv_line(std::string_view line, char delimiter, std::vector<std::string>& fields);

// The --delimiter argument: one character, or "tab" / "\t" for a tab.
std::optional<char> parse_delimiter(std::string_view text);

// Without spaces and tabs at both ends.
std::string_view trim_blanks(std::string_view s);

} // namespace cs::feed
