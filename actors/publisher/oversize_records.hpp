#pragma once
// Diverted records (DLQ, late) that Kafka will never take as they are. Such a record carries an
// event's original payload, which can exceed the topic's max.message.bytes (the broker answers
// MSG_SIZE_TOO_LARGE) or the producer's message.max.bytes (produce() refuses it). Failing the
// request for it would restart its partition, replay the same record and fail again, forever.
// So the publisher re-produces it once with the payload cut to truncated_payload_limit bytes and
// headers saying so (`truncated: true`, `original-size: <bytes>`, beside reason, source-partition,
// source-offset); if Kafka refuses even that, the record is dropped, logged and counted.
// Final candles are small and never truncated: their failures always fail the request.
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "messages/pipeline.hpp"
#include "runtime/kafka/types.hpp"

namespace cs {

// The most payload a truncated record keeps: enough to identify and debug the event, and far
// below Kafka's default limits (1 MB), so it fits any topic that is not configured unusually low.
inline constexpr std::size_t truncated_payload_limit = 64 * 1024;
// Room kept in message.max.bytes for the record's framing (librdkafka adds up to ~70 bytes of
// record and batch overhead) beyond its key and headers, which are counted exactly.
inline constexpr std::size_t record_framing_allowance = 256;

// The codes Kafka (or librdkafka, locally) uses for "this record is too large".
inline bool too_large(rd_kafka_resp_err_t code) {
  return code == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE || code == RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE;
}

// The headers every diverted record carries (docs/design.md §6, §7).
inline std::vector<runtime::kafka_header> diverted_headers(const diverted_event& d) {
  return {{"reason", d.reason}, {"source-partition", std::to_string(d.partition)}, {"source-offset", std::to_string(d.offset)}};
}

// The second attempt at a diverted record: its payload, cut if needed, and its headers.
struct truncated_record {
  std::string_view payload;
  std::vector<runtime::kafka_header> headers;
  bool cut = false; // false: the payload fits as it is (the record only shared a refused batch)
};

// Cuts the payload to what fits both truncated_payload_limit and the producer's message.max.bytes
// once the key, headers and framing are counted.
inline truncated_record truncate_for_retry(const diverted_event& d, std::size_t max_message_bytes) {
  truncated_record r;
  r.headers = diverted_headers(d);
  r.headers.push_back({"truncated", "true"});
  r.headers.push_back({"original-size", std::to_string(d.payload.size())});
  std::size_t overhead = record_framing_allowance + d.key.size();
  for (const auto& h : r.headers) overhead += h.name.size() + h.value.size();
  const std::size_t room = max_message_bytes > overhead ? max_message_bytes - overhead : 0;
  const std::size_t keep = std::min(truncated_payload_limit, room);
  if (d.payload.size() <= keep) {
    r.payload = d.payload;
    r.headers = diverted_headers(d); // not cut: no truncation headers
    return r;
  }
  r.payload = std::string_view{d.payload}.substr(0, keep);
  r.cut = true;
  return r;
}

} // namespace cs
