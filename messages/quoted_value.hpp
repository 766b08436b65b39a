#pragma once
// A client's value as an error message quotes it: 'at most 40 printable ASCII characters...',
// because error messages echo it back to the client and into logs. Used by the HTTP API and the
// WebSocket protocol alike. Thread-safety: a pure function.
#include <string>
#include <string_view>

namespace cs {

std::string quoted_value(std::string_view value);

} // namespace cs
