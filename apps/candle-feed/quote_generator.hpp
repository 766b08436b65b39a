#pragma once
// The simulator's stream: quotes of many symbols whose mid prices follow independent geometric
// random walks, with a spread, optional sizes, event time advancing by a fixed step per event,
// and on request out-of-order (jittered), late and invalid events. Deterministic: the same options
// give the same messages, byte for byte, so a test can regenerate what was sent.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "messages/event_decoder.hpp"
#include "messages/event_json.hpp"
#include "messages/time.hpp"
#include "sim_random.hpp"

namespace cs::feed {

// What a simulated message is meant to be. Every invalid kind is one the node's decoder rejects.
enum class sim_kind : std::uint8_t {
  valid,          // on time, or out of order within the jitter
  late,           // event time far behind: its short-interval buckets are already final
  bad_json,       // a payload cut in half
  crossed_quote,  // bid > ask
  missing_field,  // no "ask"
  bad_symbol,     // a symbol with a character outside [A-Za-z0-9._:/-]
  negative_price, // bid < 0
};
inline constexpr std::size_t sim_kind_count = 7;
inline constexpr std::array<sim_kind, 5> invalid_sim_kinds{
  sim_kind::bad_json, sim_kind::crossed_quote, sim_kind::missing_field, sim_kind::bad_symbol,
  sim_kind::negative_price};

std::string_view to_string(sim_kind k);
inline bool is_invalid(sim_kind k) { return k != sim_kind::valid && k != sim_kind::late; }

// The reason the node's decoder gives for each invalid kind (none for valid and late).
inline reject_reason expected_reject_reason(sim_kind k) {
  switch (k) {
    case sim_kind::bad_json: return reject_reason::bad_json;
    case sim_kind::crossed_quote: return reject_reason::crossed_quote;
    case sim_kind::missing_field: return reject_reason::missing_field;
    case sim_kind::bad_symbol: return reject_reason::bad_symbol;
    case sim_kind::negative_price: return reject_reason::bad_price;
    default: return reject_reason::none;
  }
}

struct sim_options {
  std::vector<std::string> symbols;
  bool cycle_symbols = false; // symbols in order, each once per cycle, instead of at random
  std::uint64_t seed = 1;
  timestamp_ns start = 0;    // event time of the first event (before jitter)
  // Event time of event i (before jitter): start + i / rate seconds when rate > 0 (3 events/s is
  // fine), else start + i * tick.
  double rate = 0;
  duration_ns tick = ns_per_ms;
  duration_ns jitter = 0;     // valid events are up to this much behind the stream's time
  duration_ns late_by = 0;    // late events are this much behind
  double late_fraction = 0;
  double invalid_fraction = 0;
  bool sizes = true;
  double spread_bps = 2;       // full spread around the mid, in basis points
  double volatility_bps = 1;   // standard deviation of one step of a symbol's log price
  int price_decimals = 2;      // prices are multiples of 10^-price_decimals
  event_time_field time_field = event_time_field::millis;
};

struct sim_message {
  sim_kind kind = sim_kind::valid;
  std::string key;     // the symbol (the bad one for bad_symbol)
  std::string payload; // JSON as the topic carries it
  timestamp_ns ts = 0; // event time as encoded (whole milliseconds with time_field millis)
};

// Symbol names "<prefix>000", "<prefix>001", ...: at least three digits, more when needed.
std::vector<std::string> make_symbols(std::string_view prefix, std::uint32_t count);

class quote_generator {
public:
  explicit quote_generator(sim_options options);

  // Writes the next message into `out`, reusing its buffers.
  void next(sim_message& out);
  std::uint64_t generated() const { return index_; }

private:
  timestamp_ns base_time() const;
  void step_price(std::size_t symbol);

  sim_options opt_;
  sim_random rng_;
  std::vector<double> mid_; // per symbol
  double price_scale_;      // 10^price_decimals
  std::uint64_t index_ = 0;
  bid_ask_event event_;
};

} // namespace cs::feed
