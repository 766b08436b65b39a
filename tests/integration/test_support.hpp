#pragma once
// Shared helpers of the integration tests: names that never collide between runs, and the one
// way a test reports a missing service (FAIL, never skip: a green run must mean it was tested).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <string_view>

namespace cs::test {

inline constexpr std::string_view services_hint =
  "start the local services with `deploy/services up` (endpoints from config/candlestream.conf, "
  "overridable with CANDLE_* environment variables)";

// Lower-case hex: the pid keeps concurrent runs apart, the random part keeps reruns apart.
// Safe in Kafka keys and group ids, Redis keys and unquoted SQL identifiers.
inline std::string unique_suffix() {
  constexpr int random_hex_digits = 12;
  constexpr int bits_per_hex_digit = 4;
  std::random_device entropy;
  std::mt19937_64 rng{(static_cast<std::uint64_t>(entropy()) << 32) ^ entropy()};
  const std::uint64_t random_part =
    rng() & ((std::uint64_t{1} << (random_hex_digits * bits_per_hex_digit)) - 1);
  std::ostringstream out;
  out << std::hex << ::getpid();
  out.width(random_hex_digits);
  out.fill('0');
  out << random_part;
  return out.str();
}

// "" for success, else the reason; REQUIRE(failure_reason(r) == "") prints the reason on failure.
template <class Result>
std::string failure_reason(const Result& r) {
  return r.ok() ? std::string{} : std::string{r.error().reason};
}

inline void fail_service_unavailable(std::string_view service, std::string_view where,
                                     std::string_view reason) {
  FAIL(service << " is not usable at " << where << ": " << reason << "\n  -> " << services_hint);
}

} // namespace cs::test
