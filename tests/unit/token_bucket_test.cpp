#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "actors/http_gateway/token_bucket.hpp"

using namespace cs;
using namespace cs::api;

namespace {
constexpr timestamp_ns t0 = 1'732'536'000 * ns_per_s;
constexpr duration_ns ms = ns_per_ms;
} // namespace

TEST_CASE("rate_limiter allows a burst, then the refill rate", "[api][token_bucket]") {
  rate_limiter rl(2, 3, 100); // 2 per second, bursts of 3
  CHECK(rl.allow("a", t0));
  CHECK(rl.allow("a", t0));
  CHECK(rl.allow("a", t0));
  CHECK_FALSE(rl.allow("a", t0));
  CHECK(rl.retry_after("a", t0) == 500 * ms);
  CHECK_FALSE(rl.allow("a", t0 + 499 * ms));
  CHECK(rl.retry_after("a", t0 + 499 * ms) == 1 * ms);
  CHECK(rl.allow("a", t0 + 500 * ms));
  CHECK_FALSE(rl.allow("a", t0 + 500 * ms));
  // A long pause refills up to the burst, not beyond.
  const timestamp_ns later = t0 + 3600 * ns_per_s;
  CHECK(rl.retry_after("a", later) == 0);
  for (int i = 0; i < 3; ++i) CHECK(rl.allow("a", later));
  CHECK_FALSE(rl.allow("a", later));
}

TEST_CASE("rate_limiter keeps clients apart", "[api][token_bucket]") {
  rate_limiter rl(1, 1, 100);
  CHECK(rl.allow("10.0.0.1", t0));
  CHECK_FALSE(rl.allow("10.0.0.1", t0));
  CHECK(rl.allow("10.0.0.2", t0));
  CHECK(rl.retry_after("10.0.0.3", t0) == 0);
  CHECK(rl.size() == 2);
}

TEST_CASE("rate_limiter sustains exactly its rate over time", "[api][token_bucket]") {
  rate_limiter rl(10, 1, 4);
  int allowed = 0;
  for (int i = 0; i < 10000; ++i) allowed += rl.allow("c", t0 + i * ms); // one request per ms for 10 s
  CHECK(allowed == 100);
}

TEST_CASE("rate_limiter forgets the least recently seen client beyond max_clients", "[api][token_bucket]") {
  rate_limiter rl(1, 1, 2);
  CHECK(rl.allow("a", t0));
  CHECK(rl.allow("b", t0));
  CHECK_FALSE(rl.allow("a", t0)); // touches a: b is now the oldest
  CHECK(rl.allow("c", t0));       // evicts b
  CHECK(rl.size() == 2);
  CHECK_FALSE(rl.allow("a", t0)); // a was kept
  CHECK_FALSE(rl.allow("c", t0));
  CHECK(rl.allow("b", t0)); // b came back with a full bucket (and evicted a)
  CHECK(rl.size() == 2);
  CHECK(rl.allow("a", t0));

  rate_limiter many(1, 1, 1000);
  for (int i = 0; i < 100000; ++i) many.allow(std::to_string(i), t0 + i);
  CHECK(many.size() == 1000);
}

TEST_CASE("rate_limiter tolerates a clock going backwards and nonsense settings", "[api][token_bucket]") {
  rate_limiter rl(1, 1, 10);
  CHECK(rl.allow("a", t0));
  CHECK_FALSE(rl.allow("a", t0 - 10 * ns_per_s)); // no refill from a backwards step
  CHECK_FALSE(rl.allow("a", t0 + 999 * ms));      // and the next refill counts from t0
  CHECK(rl.allow("a", t0 + ns_per_s));

  rate_limiter off(0, 2, 10); // no rate: limiting disabled
  for (int i = 0; i < 100; ++i) CHECK(off.allow("a", t0));
  CHECK(off.size() == 0);
  CHECK(off.retry_after("a", t0) == 0);

  rate_limiter tiny(1, 0.5, 0); // burst below one counts as one; max_clients 0 as 1
  CHECK(tiny.allow("a", t0));
  CHECK_FALSE(tiny.allow("a", t0));
  CHECK(tiny.allow("b", t0));
  CHECK(tiny.size() == 1);

  rate_limiter nan(std::nan(""), std::nan(""), 10);
  CHECK(nan.allow("a", t0));
  rate_limiter nan_burst(1, std::nan(""), 10);
  CHECK(nan_burst.allow("a", t0));
  CHECK_FALSE(nan_burst.allow("a", t0));

  rate_limiter slow(1e-30, 1e30, 10); // clamped: no overflow
  CHECK(slow.allow("a", t0));
  CHECK(slow.retry_after("a", t0) == 0);

  rate_limiter moved = std::move(rl); // the index survives a move
  CHECK_FALSE(moved.allow("a", t0 + ns_per_s));
  CHECK(moved.allow("b", t0));
}
