#pragma once
// Plain values that cross the librdkafka boundary: headers, partition positions, consumed records.
#include <cstdint>
#include <string>
#include <vector>

namespace cs::runtime {

struct kafka_header {
  std::string name;
  std::string value;
  bool operator==(const kafka_header&) const = default;
};

// Offset sentinels of librdkafka, named so callers need not include rdkafka.h.
inline constexpr std::int64_t kafka_offset_beginning = -2; // RD_KAFKA_OFFSET_BEGINNING
inline constexpr std::int64_t kafka_offset_end = -1;       // RD_KAFKA_OFFSET_END
inline constexpr std::int64_t kafka_offset_stored = -1000; // RD_KAFKA_OFFSET_STORED
inline constexpr std::int64_t kafka_offset_invalid = -1001; // RD_KAFKA_OFFSET_INVALID

struct kafka_topic_partition {
  std::string topic;
  std::int32_t partition = 0;
  // Where to start (assign), what to commit (the NEXT offset to read), or what was committed.
  std::int64_t offset = kafka_offset_invalid;
  bool operator==(const kafka_topic_partition&) const = default;
};

struct kafka_record {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::int64_t timestamp_ms = -1; // -1 when the broker gave none
  bool has_key = false;           // Kafka distinguishes a null key from an empty one
  std::string key;
  std::string value;
  std::vector<kafka_header> headers;
};

} // namespace cs::runtime
