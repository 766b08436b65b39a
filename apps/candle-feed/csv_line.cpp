#include "csv_line.hpp"

namespace cs::feed {

namespace {
constexpr char quote = '"';
} // namespace

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string split_csv_line(std::string_view line, char delimiter, std::vector<std::string>& fields) {
  fields.clear();
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::size_t pos = 0;
  while (true) {
    std::string& field = fields.emplace_back();
    // Blanks before an opening quote are tolerated ("a, \"b\"" is common in hand-written files).
    std::size_t start = pos;
    while (start < line.size() && (line[start] == ' ' || line[start] == '\t') && line[start] != delimiter) ++start;
    if (start < line.size() && line[start] == quote) {
      pos = start + 1;
      while (true) {
        const auto q = line.find(quote, pos);
        if (q == std::string_view::npos) return "unterminated quote in field " + std::to_string(fields.size());
        field.append(line.substr(pos, q - pos));
        if (q + 1 < line.size() && line[q + 1] == quote) { // "" is a literal quote
          field.push_back(quote);
          pos = q + 2;
          continue;
        }
        pos = q + 1;
        break;
      }
      while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t') && line[pos] != delimiter) ++pos;
      if (pos < line.size() && line[pos] != delimiter)
        return "text after the closing quote of field " + std::to_string(fields.size());
    } else {
      const auto d = line.find(delimiter, pos);
      field.assign(line.substr(pos, d == std::string_view::npos ? std::string_view::npos : d - pos));
      pos = d == std::string_view::npos ? line.size() : d;
    }
    if (pos >= line.size()) return {};
    ++pos; // the delimiter
  }
}

std::optional<char> parse_delimiter(std::string_view text) {
  if (text == "tab" || text == "\\t" || text == "\t") return '\t';
  if (text.size() == 1 && text[0] != quote && text[0] != '\n' && text[0] != '\r') return text[0];
  return std::nullopt;
}

} // namespace cs::feed
