#include "runtime/kafka/partitioner.hpp"

namespace cs::runtime {

namespace {

// Constants of Kafka's Utils.murmur2; changing any of them moves every key to another partition.
constexpr std::uint32_t murmur2_seed = 0x9747b28cU;
constexpr std::uint32_t murmur2_m = 0x5bd1e995U;
constexpr unsigned murmur2_r = 24;
constexpr unsigned final_shift_1 = 13;
constexpr unsigned final_shift_2 = 15;
constexpr std::size_t block_size = 4;
constexpr unsigned bits_per_byte = 8;

} // namespace

std::int32_t kafka_murmur2(std::span<const unsigned char> data) {
  // Unsigned arithmetic gives Java's wrapping int multiply and its >>> (logical shift).
  const std::size_t length = data.size();
  std::uint32_t h = murmur2_seed ^ static_cast<std::uint32_t>(length);
  const std::size_t blocks = length / block_size;
  for (std::size_t i = 0; i < blocks; ++i) {
    const std::size_t i4 = i * block_size;
    std::uint32_t k = 0;
    for (std::size_t b = 0; b < block_size; ++b) // little-endian, as Java assembles it
      k |= static_cast<std::uint32_t>(data[i4 + b]) << (bits_per_byte * b);
    k *= murmur2_m;
    k ^= k >> murmur2_r;
    k *= murmur2_m;
    h *= murmur2_m;
    h ^= k;
  }
  const std::size_t tail = blocks * block_size;
  switch (length % block_size) {
    case 3:
      h ^= static_cast<std::uint32_t>(data[tail + 2]) << (2 * bits_per_byte);
      [[fallthrough]];
    case 2:
      h ^= static_cast<std::uint32_t>(data[tail + 1]) << bits_per_byte;
      [[fallthrough]];
    case 1:
      h ^= static_cast<std::uint32_t>(data[tail]);
      h *= murmur2_m;
      break;
    default:
      break;
  }
  h ^= h >> final_shift_1;
  h *= murmur2_m;
  h ^= h >> final_shift_2;
  return static_cast<std::int32_t>(h);
}

std::int32_t kafka_murmur2(std::string_view data) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  return kafka_murmur2(std::span<const unsigned char>{bytes, data.size()});
}

std::int32_t kafka_partition_for_key(std::string_view key, std::int32_t partition_count) {
  return kafka_to_positive(kafka_murmur2(key)) % partition_count;
}

} // namespace cs::runtime
