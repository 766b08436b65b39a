#pragma once
// Hot-path decoding and validation of `market-events` payloads (docs/design.md §3):
//   {"symbol":"BTCUSD","bid":50000.10,"ask":50000.30,"timestamp":1732500000123}
// with optional bidSize, askSize and timestampNs (wins over timestamp). Unknown fields are ignored.
// Every rejected payload gets a reason; nothing here throws or allocates per event once warm.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "messages/bid_ask_event.hpp"
#include "messages/time.hpp"

namespace cs {

enum class reject_reason : std::uint8_t {
  none = 0,
  bad_json,               // not parseable JSON, or not an object
  missing_field,          // a required field is absent
  wrong_type,             // a field has the wrong JSON type
  bad_price,              // bid or ask non-finite or <= 0
  crossed_quote,          // bid > ask
  bad_symbol,             // not 1..32 chars of [A-Za-z0-9._:/-]
  bad_size,               // bidSize/askSize negative, non-finite or absurdly large
  timestamp_out_of_range, // not representable as int64 nanoseconds
  future_timestamp,       // more than max_future_skew ahead of the node's clock
  too_large,              // payload over the configured maximum
};
inline constexpr std::size_t reject_reason_count = 11;

std::string_view to_string(reject_reason r);

struct decode_status {
  reject_reason reason = reject_reason::none;
  std::string_view field; // the offending field, when there is one (static storage)

  bool ok() const { return reason == reject_reason::none; }
  // "missing_field: ask", suitable for the DLQ reason header.
  std::string describe() const;
};

struct event_decoder_limits {
  duration_ns max_future_skew = 60 * ns_per_s;
  std::size_t max_payload_bytes = 4096;
};

class event_decoder {
public:
  explicit event_decoder(event_decoder_limits limits = {});
  ~event_decoder();
  event_decoder(const event_decoder&) = delete;
  event_decoder& operator=(const event_decoder&) = delete;
  event_decoder(event_decoder&&) noexcept;
  event_decoder& operator=(event_decoder&&) noexcept;

  // Decodes `payload` into `out` (symbol, prices, sizes, ts; partition/offset untouched).
  // `now` is the node's clock, for the future-skew check. On rejection `out` is unspecified.
  decode_status decode(std::string_view payload, timestamp_ns now, bid_ask_event& out);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace cs
