#include "column_mapping.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "csv_line.hpp"
#include "messages/size_units.hpp"

namespace cs::feed {
namespace {

using runtime::failure;

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<std::size_t> find_header(const std::vector<std::string>& header, std::string_view name) {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (trim_blanks(header[i]) == name) return i;
  for (std::size_t i = 0; i < header.size(); ++i)
    if (equal_ignoring_case(trim_blanks(header[i]), name)) return i;
  return std::nullopt;
}

std::string header_list(const std::vector<std::string>& header) {
  std::string s;
  for (const auto& h : header) s.append(s.empty() ? "" : ", ").append(trim_blanks(h));
  return s;
}

// One column spec ("bid" or "2") to a position; `option` names the CLI flag for messages.
runtime::result<std::size_t> resolve(std::string_view spec, std::string_view option,
                                     const std::vector<std::string>* header) {
  if (all_digits(spec)) {
    std::size_t index = 0;
    const auto [end, ec] = std::from_chars(spec.data(), spec.data() + spec.size(), index);
    if (ec != std::errc{} || end != spec.data() + spec.size())
      return failure{std::string(option) + " " + std::string(spec) + ": index out of range"};
    if (header && index >= header->size())
      return failure{std::string(option) + " " + std::string(spec) + ": the header has only " +
                     std::to_string(header->size()) + " columns"};
    return index;
  }
  if (!header)
    return failure{std::string(option) + " '" + std::string(spec) +
                   "': a file without a header needs 0-based column indexes"};
  if (auto i = find_header(*header, spec)) return *i;
  return failure{std::string(option) + " '" + std::string(spec) + "': no such column; the header has: " +
                 header_list(*header)};
}

bool parse_price(std::string_view text, double& out) {
  text = trim_blanks(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size() && !text.empty() && std::isfinite(out);
}

// An empty cell means "no size"; otherwise an exact non-negative decimal with <= 8 fraction digits.
std::string parse_size(std::string_view text, std::string_view what, std::int64_t& units) {
  text = trim_blanks(text);
  units = 0;
  if (text.empty()) return {};
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  size_sum sum;
  if (!parse_size_sum(text, sum))
    return std::string(what) + " '" + std::string(text) +
           "' is not a non-negative decimal with at most 8 fraction digits";
  const auto max_units = static_cast<unsigned __int128>(to_size_units(max_event_size));
  if (sum.value() > max_units) return std::string(what) + " '" + std::string(text) + "' is too large";
  units = static_cast<std::int64_t>(sum.value());
  return {};
}

// The event encoder writes the symbol verbatim (valid symbols need no escaping); a symbol that
// would need it could change the meaning of the payload, so such rows are refused.
bool needs_json_escape(std::string_view s) {
  constexpr unsigned char first_printable = 0x20;
  return std::any_of(s.begin(), s.end(), [](char c) {
    return c == '"' || c == '\\' || static_cast<unsigned char>(c) < first_printable;
  });
}

} // namespace

runtime::result<column_map> resolve_columns(const csv_layout& layout, const std::vector<std::string>* header) {
  column_map m;
  m.unit = layout.unit;
  auto ts = resolve(layout.ts_col, "--ts-col", header);
  if (!ts) return ts.error();
  auto bid = resolve(layout.bid_col, "--bid-col", header);
  if (!bid) return bid.error();
  auto ask = resolve(layout.ask_col, "--ask-col", header);
  if (!ask) return ask.error();
  m.ts = *ts;
  m.bid = *bid;
  m.ask = *ask;

  if (!layout.symbol_col.empty() && !layout.symbol.empty())
    return failure{"give either --symbol-col or --symbol, not both"};
  if (!layout.symbol_col.empty()) {
    auto sym = resolve(layout.symbol_col, "--symbol-col", header);
    if (!sym) return sym.error();
    m.symbol = *sym;
  } else if (layout.symbol.empty()) {
    constexpr std::string_view default_symbol_column = "symbol";
    if (header) m.symbol = find_header(*header, default_symbol_column);
    if (!m.symbol)
      return failure{"no symbol column: name it with --symbol-col, or give --symbol SYM for a "
                     "file of one symbol"};
  }
  m.fixed_symbol = layout.symbol;
  struct optional_column {
    const std::string& spec;
    std::string_view option;
    std::optional<std::size_t>& slot;
  };
  for (const optional_column& c : {optional_column{layout.bid_size_col, "--bid-size-col", m.bid_size},
                                   optional_column{layout.ask_size_col, "--ask-size-col", m.ask_size}}) {
    if (c.spec.empty()) continue;
    auto i = resolve(c.spec, c.option, header);
    if (!i) return i.error();
    c.slot = *i;
  }
  m.min_fields = 1 + std::max({m.ts, m.bid, m.ask, m.symbol.value_or(0), m.bid_size.value_or(0),
                               m.ask_size.value_or(0)});
  return m;
}

std::string row_to_event(const column_map& m, const std::vector<std::string>& fields, bid_ask_event& out) {
  if (fields.size() < m.min_fields)
    return "expected at least " + std::to_string(m.min_fields) + " fields, found " +
           std::to_string(fields.size());
  if (m.symbol) {
    out.symbol.assign(trim_blanks(fields[*m.symbol]));
    if (out.symbol.empty()) return "empty symbol";
    if (needs_json_escape(out.symbol)) return "symbol contains a quote, backslash or control character";
  } else {
    out.symbol = m.fixed_symbol;
  }
  const auto ts_text = trim_blanks(fields[m.ts]);
  auto ts = parse_timestamp(ts_text, m.unit);
  if (!ts) return "timestamp: " + ts.error().reason;
  out.ts = *ts;
  if (!parse_price(fields[m.bid], out.bid)) return "bid '" + std::string(trim_blanks(fields[m.bid])) + "' is not a finite number";
  if (!parse_price(fields[m.ask], out.ask)) return "ask '" + std::string(trim_blanks(fields[m.ask])) + "' is not a finite number";
  out.bid_size_units = out.ask_size_units = 0;
  if (m.bid_size)
    if (auto why = parse_size(fields[*m.bid_size], "bid size", out.bid_size_units); !why.empty()) return why;
  if (m.ask_size)
    if (auto why = parse_size(fields[*m.ask_size], "ask size", out.ask_size_units); !why.empty()) return why;
  return {};
}

} // namespace cs::feed
