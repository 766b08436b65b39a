// Kafka's key partitioning must match the Java client bit for bit. The expected hashes below were
// computed by org.apache.kafka.common.utils.Utils.murmur2 / toPositive of kafka-clients 4.1.1
// (the jar deploy/install-deps fetches), not by this implementation. No broker needed.
#include <catch2/catch.hpp>

#include <array>
#include <climits>
#include <cstdint>
#include <string_view>

#include "runtime/kafka/partitioner.hpp"

namespace {

struct java_case {
  std::string_view key;
  std::int32_t murmur2;
  std::int32_t partition_of_16;
  std::int32_t partition_of_4;
};

constexpr std::array<java_case, 15> java_cases{{
  {"", 275646681, 9, 1},
  {"a", -1563381124, 12, 0},
  {"ab", 316155434, 10, 2},
  {"abc", 479470107, 11, 3},
  {"abcd", -1323649548, 4, 0},
  {"21", -973932308, 12, 0},
  {"foobar", -790332482, 14, 2},
  {"BTCUSD", 1662146049, 1, 1},
  {"ETHUSD", 796070688, 0, 0},
  {"EURUSD", -1853376939, 5, 1},
  {"AAPL", 1691292177, 1, 1},
  {"btc-usd:spot", 833896268, 12, 0},
  {"a-little-bit-long-string", -985981536, 0, 0},
  {"a-little-bit-longer-string", -1486304829, 3, 3},
  {"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971, 13, 1},
}};

constexpr std::int32_t market_events_partitions = 16;
constexpr std::int32_t candles_completed_partitions = 4;

} // namespace

TEST_CASE("kafka_murmur2 matches Java's Utils.murmur2", "[kafka][murmur2]") {
  for (const auto& c : java_cases) {
    INFO("key \"" << c.key << "\"");
    CHECK(cs::runtime::kafka_murmur2(c.key) == c.murmur2);
    CHECK(cs::runtime::kafka_partition_for_key(c.key, market_events_partitions)
          == c.partition_of_16);
    CHECK(cs::runtime::kafka_partition_for_key(c.key, candles_completed_partitions)
          == c.partition_of_4);
  }
}

TEST_CASE("kafka_murmur2 treats bytes as unsigned, as Java's & 0xff does", "[kafka][murmur2]") {
  // Bytes >= 0x80 are negative Java bytes; the hash must mask them, not sign-extend them.
  constexpr std::array<unsigned char, 5> high_bytes{0xff, 0x80, 0x7f, 0xc3, 0xa9};
  constexpr std::int32_t java_hash = -1048163973;
  constexpr std::int32_t java_partition_of_16 = 11;
  CHECK(cs::runtime::kafka_murmur2(high_bytes) == java_hash);
  CHECK(cs::runtime::kafka_to_positive(java_hash) % market_events_partitions
        == java_partition_of_16);
}

TEST_CASE("kafka_to_positive clears the sign bit like Java's Utils.toPositive",
          "[kafka][murmur2]") {
  CHECK(cs::runtime::kafka_to_positive(0) == 0);
  CHECK(cs::runtime::kafka_to_positive(INT32_MAX) == INT32_MAX);
  CHECK(cs::runtime::kafka_to_positive(-1) == INT32_MAX);
  CHECK(cs::runtime::kafka_to_positive(INT32_MIN) == 0);
}
