#include "actors/kafka_consumer/gap_check.hpp"

#include <catch2/catch.hpp>

using namespace cs;

TEST_CASE("a gap is accepted only on the broker's word", "[gap]") {
  SECTION("no answer from the broker: not accepted") {
    CHECK_FALSE(judge_gap({100, 105, -1, -1}).confirmed);
  }
  SECTION("the whole gap is below the log start offset") {
    const gap_evidence e{100, 105, 105, -1};
    CHECK(gap_fetch_start(e) == 105);
    const auto j = judge_gap(e);
    CHECK(j.confirmed);
    CHECK(j.why == "offsets [100, 105) are below the log start offset 105");
  }
  SECTION("a fresh fetch finds a record inside the gap: a client-side loss, re-read") {
    const auto j = judge_gap({100, 105, 0, 100});
    CHECK_FALSE(j.confirmed);
    CHECK(j.why == "a fresh fetch from 100 returned a record at 100");
    CHECK_FALSE(judge_gap({100, 105, 0, 104}).confirmed);
  }
  SECTION("a fresh fetch returns nothing: not accepted") {
    CHECK_FALSE(judge_gap({100, 105, 0, -1}).confirmed);
  }
  SECTION("a fresh fetch starts at the record after the gap: markers or compaction") {
    const auto j = judge_gap({100, 102, 0, 102});
    CHECK(j.confirmed);
    CHECK(j.why == "no record is visible in [100, 102) (transaction markers, aborted or compacted records)");
  }
  SECTION("partly below the log start, the rest empty") {
    const gap_evidence e{100, 110, 104, 110};
    CHECK(gap_fetch_start(e) == 104);
    const auto j = judge_gap(e);
    CHECK(j.confirmed);
    CHECK(j.why == "offsets [100, 104) are below the log start offset 104; no record is visible in [104, 110) "
                   "(transaction markers, aborted or compacted records)");
  }
  SECTION("partly below the log start, a record in the rest") {
    CHECK_FALSE(judge_gap({100, 110, 104, 104}).confirmed);
  }
}
