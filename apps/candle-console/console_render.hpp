#pragma once
// The console's text output: a node's JSON answers as aligned tables and "key: value" lines, and
// errors as text or JSON. Pure (no I/O, no CAF) so every answer shape is unit tested; thread-safe
// (no state). Answers are rendered defensively: a field that is missing, null or of another type
// shows as "-" or as compact JSON, and an answer of an unexpected shape falls back to the
// generic layout, so a node newer than the console still prints something readable.
#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "messages/console_errc.hpp"

namespace cs::console {

struct text_table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows; // shorter rows are padded with empty cells
};

// Columns padded to their widest cell, two spaces apart, no trailing blanks; one line per row,
// each ending in '\n'.
std::string render_table(const text_table& t);

// One JSON value as a table cell: strings as they are, numbers as JSON writes them, booleans as
// yes/no, null or missing as "-", arrays of scalars comma-joined, anything else compact JSON.
std::string cell(const nlohmann::json& v);
// The member `key` of an object as a cell ("-" when absent or when `obj` is not an object).
std::string cell(const nlohmann::json& obj, std::string_view key);

// Any JSON value: objects as "key: value" lines (nested ones indented), arrays of objects as
// tables over the union of their keys, other arrays and scalars as cells.
std::string render_generic(const nlohmann::json& v);

// The text for one command's answer (`json` as the node sent it). Known commands get their own
// layout; unknown commands, unexpected shapes and unparsable text get the generic one (or the
// text itself).
std::string render_answer(std::string_view command, std::string_view json);

// "error (unknown_symbol): no candle actor for X 1m" (no newline).
std::string format_error(console_errc code, std::string_view message);
// {"error":{"code":"unknown_symbol","message":"..."}} on one line (no newline).
std::string format_error_json(console_errc code, std::string_view message);
// The answer on one line for --json: as sent when it already is one line, re-serialised compactly
// when it spans lines (then it must parse; otherwise newlines become spaces).
std::string one_line_json(std::string_view json);

// "42s", "5m03s", "2h05m", "3d04h": node up-times.
std::string format_uptime(std::uint64_t seconds);

} // namespace cs::console
