#include "csv_event_reader.hpp"

#include "csv_line.hpp"

namespace cs::feed {

namespace {
constexpr std::string_view utf8_bom = "\xEF\xBB\xBF"; // spreadsheet exports often start with it
}

runtime::result<std::unique_ptr<csv_event_reader>> csv_event_reader::open(std::istream& in,
                                                                          const csv_layout& layout) {
  std::unique_ptr<csv_event_reader> r{new csv_event_reader(in, layout.delimiter)};
  std::vector<std::string> header;
  if (layout.has_header) {
    if (!r->read_line()) return runtime::failure{"the file is empty: no header line"};
    if (auto why = split_csv_line(r->line_text_, r->delimiter_, header); !why.empty())
      return runtime::failure{"header line " + std::to_string(r->line_) + ": " + why};
  }
  auto columns = resolve_columns(layout, layout.has_header ? &header : nullptr);
  if (!columns) return columns.error();
  r->columns_ = std::move(*columns);
  return r;
}

bool csv_event_reader::read_line() {
  while (std::getline(*in_, line_text_)) {
    ++line_;
    if (line_ == 1 && line_text_.starts_with(utf8_bom)) line_text_.erase(0, utf8_bom.size());
    if (!trim_blanks(line_text_).empty() && trim_blanks(line_text_) != "\r") return true;
  }
  return false;
}

void csv_event_reader::reject(std::string reason) {
  ++stats_.bad_rows;
  if (stats_.first_bad.size() < kept_bad_rows) stats_.first_bad.push_back({line_, std::move(reason)});
}

bool csv_event_reader::next(bid_ask_event& out) {
  while (read_line()) {
    ++stats_.rows;
    if (auto why = split_csv_line(line_text_, delimiter_, fields_); !why.empty()) {
      reject(std::move(why));
      continue;
    }
    if (auto why = row_to_event(columns_, fields_, out); !why.empty()) {
      reject(std::move(why));
      continue;
    }
    ++stats_.events;
    return true;
  }
  return false;
}

} // namespace cs::feed
