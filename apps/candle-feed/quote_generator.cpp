#include "quote_generator.hpp"

#include <algorithm>
#include <cmath>

#include "messages/size_units.hpp"

namespace cs::feed {
namespace {

constexpr double bps = 1e-4;
// Initial mids are spread over two orders of magnitude, like a real universe of symbols.
constexpr double initial_mid_low = 10;
constexpr double initial_mid_high = 1000;
// A walk that wanders this far down is held there: prices must stay positive.
constexpr double min_mid = 1;
// Sizes are whole lots of 0.01 between 0.01 and 100.
constexpr std::int64_t size_lot_units = 1'000'000;
constexpr std::uint64_t max_size_lots = 10'000;
constexpr std::size_t min_symbol_digits = 3;

} // namespace

std::string_view to_string(sim_kind k) {
  switch (k) {
    case sim_kind::valid: return "valid";
    case sim_kind::late: return "late";
    case sim_kind::bad_json: return "bad_json";
    case sim_kind::crossed_quote: return "crossed_quote";
    case sim_kind::missing_field: return "missing_field";
    case sim_kind::bad_symbol: return "bad_symbol";
    case sim_kind::negative_price: return "negative_price";
  }
  return "unknown";
}

std::vector<std::string> make_symbols(std::string_view prefix, std::uint32_t count) {
  const std::size_t digits = std::max(min_symbol_digits, std::to_string(count == 0 ? 0 : count - 1).size());
  std::vector<std::string> out;
  out.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    std::string n = std::to_string(i);
    out.push_back(std::string(prefix) + std::string(digits - n.size(), '0') + n);
  }
  return out;
}

quote_generator::quote_generator(sim_options options)
  : opt_(std::move(options)), rng_(opt_.seed), price_scale_(std::pow(10.0, opt_.price_decimals)) {
  mid_.reserve(opt_.symbols.size());
  for (std::size_t i = 0; i < opt_.symbols.size(); ++i) mid_.push_back(rng_.uniform(initial_mid_low, initial_mid_high));
}

timestamp_ns quote_generator::base_time() const {
  if (opt_.rate <= 0) return opt_.start + static_cast<timestamp_ns>(index_) * opt_.tick;
  // index * 1e9 is exact in long double for any realistic run, so whole rates give whole steps.
  return opt_.start + static_cast<timestamp_ns>(std::floor(static_cast<long double>(index_) * ns_per_s / opt_.rate));
}

void quote_generator::step_price(std::size_t s) {
  mid_[s] = std::max(min_mid, mid_[s] * std::exp(opt_.volatility_bps * bps * rng_.normal()));
}

void quote_generator::next(sim_message& out) {
  const std::size_t s = opt_.cycle_symbols ? static_cast<std::size_t>(index_ % opt_.symbols.size())
                                           : static_cast<std::size_t>(rng_.below(opt_.symbols.size()));
  const double kind_draw = rng_.uniform();
  out.kind = sim_kind::valid;
  if (kind_draw < opt_.invalid_fraction)
    out.kind = invalid_sim_kinds[static_cast<std::size_t>(rng_.below(invalid_sim_kinds.size()))];
  else if (kind_draw < opt_.invalid_fraction + opt_.late_fraction)
    out.kind = sim_kind::late;

  step_price(s);
  const double half_spread = mid_[s] * opt_.spread_bps * bps / 2;
  // Whole ticks: bid rounds down, ask up, and they never touch (a spread of at least one tick).
  const double bid_ticks = std::max(1.0, std::floor((mid_[s] - half_spread) * price_scale_));
  const double ask_ticks = std::max(bid_ticks + 1, std::ceil((mid_[s] + half_spread) * price_scale_));

  bid_ask_event& e = event_;
  e.symbol = opt_.symbols[s];
  e.bid = bid_ticks / price_scale_;
  e.ask = ask_ticks / price_scale_;
  const timestamp_ns base = base_time();
  const auto jitter = opt_.jitter > 0 ? static_cast<duration_ns>(rng_.below(static_cast<std::uint64_t>(opt_.jitter) + 1)) : 0;
  e.ts = out.kind == sim_kind::late ? base - opt_.late_by : base - jitter;
  e.bid_size_units = e.ask_size_units = 0;
  if (opt_.sizes) {
    e.bid_size_units = static_cast<std::int64_t>(1 + rng_.below(max_size_lots)) * size_lot_units;
    e.ask_size_units = static_cast<std::int64_t>(1 + rng_.below(max_size_lots)) * size_lot_units;
  }
  ++index_;

  switch (out.kind) {
    case sim_kind::crossed_quote: std::swap(e.bid, e.ask); break;
    case sim_kind::bad_symbol: e.symbol.push_back('!'); break;
    case sim_kind::negative_price: e.bid = -e.bid; break;
    default: break;
  }
  out.key = e.symbol;
  out.ts = opt_.time_field == event_time_field::millis ? floor_div(e.ts, ns_per_ms) * ns_per_ms : e.ts;
  out.payload.clear();
  append_event_json(out.payload, e, opt_.time_field);
  if (out.kind == sim_kind::bad_json) {
    out.payload.resize(out.payload.size() / 2);
  } else if (out.kind == sim_kind::missing_field) {
    // Numbers contain no comma, so the field ends at the next one.
    constexpr std::string_view ask_field = R"(,"ask":)";
    const auto at = out.payload.find(ask_field);
    out.payload.erase(at, out.payload.find(',', at + 1) - at);
  }
}

} // namespace cs::feed
