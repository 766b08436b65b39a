#include "candle_csv.hpp"

#include "messages/number_format.hpp"

namespace cs::feed {

void append_candle_csv(std::string& out, const candle& c, std::int32_t partition) {
  const auto sep = [&out] { out.push_back(','); };
  out.append(c.symbol);
  sep();
  out.append(c.iv.to_string());
  for (auto t : {c.open_time, c.close_time}) {
    sep();
    append_number(out, t);
  }
  for (auto p : {c.bar.open, c.bar.high, c.bar.low, c.bar.close}) {
    sep();
    append_number(out, p);
  }
  sep();
  append_number(out, static_cast<std::uint64_t>(c.bar.volume));
  sep();
  out.append(format_size_sum(c.bar.bid_size));
  sep();
  out.append(format_size_sum(c.bar.ask_size));
  for (const auto& pos : {c.bar.first, c.bar.last}) {
    sep();
    append_number(out, pos.ts);
    sep();
    append_number(out, pos.offset);
  }
  sep();
  out.append(c.closed ? "true" : "false");
  sep();
  append_number(out, static_cast<std::int64_t>(partition));
}

} // namespace cs::feed
