#pragma once
// A Redis reply as plain values, detached from hiredis (runtime/redis/client.cpp converts them).
#include <cstdint>
#include <string>
#include <vector>

namespace cs::runtime {

struct redis_reply {
  enum class kind : std::uint8_t { nil, integer, string, status, array };
  kind type = kind::nil;
  std::int64_t integer = 0;          // kind::integer
  std::string str;                   // kind::string (binary safe) and kind::status
  std::vector<redis_reply> elements; // kind::array
};

} // namespace cs::runtime
