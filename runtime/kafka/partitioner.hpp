#pragma once
// Kafka's default key partitioning, bit for bit as the Java client computes it
// (org.apache.kafka.common.utils.Utils.murmur2 / toPositive, BuiltInPartitioner.partitionForKey),
// so a key lands on the same partition whichever client produced it. librdkafka's
// "murmur2_random" partitioner does the same for non-null keys.
#include <cstdint>
#include <span>
#include <string_view>

namespace cs::runtime {

// Utils.murmur2: 32-bit MurmurHash2, seed 0x9747b28c, result as Java's signed int.
std::int32_t kafka_murmur2(std::span<const unsigned char> data);
std::int32_t kafka_murmur2(std::string_view data);

// Utils.toPositive: clears the sign bit (not abs(), so INT_MIN maps to 0).
constexpr std::int32_t kafka_to_positive(std::int32_t h) {
  constexpr std::uint32_t sign_mask = 0x7fffffffU;
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(h) & sign_mask);
}

// The partition a keyed record goes to; partition_count must be > 0.
std::int32_t kafka_partition_for_key(std::string_view key, std::int32_t partition_count);

} // namespace cs::runtime
