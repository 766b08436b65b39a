#include <catch2/catch.hpp>

#include "actors/candle/candle_book.hpp"
#include "messages/partition_snapshot.hpp"

using namespace cs;

namespace {
constexpr timestamp_ns sec = ns_per_s;
}

TEST_CASE("a book opens a bucket, then adds to it; open/close by (time, offset)") {
  candle_book b(interval::fixed(ns_per_min));
  CHECK(b.apply(10.0, 0, 0, {30 * sec, 5}, no_watermark) == book_apply::opened_bucket);
  CHECK(b.apply(12.0, 0, 0, {10 * sec, 6}, no_watermark) == book_apply::applied); // earlier time: new open
  CHECK(b.apply(11.0, 0, 0, {50 * sec, 7}, no_watermark) == book_apply::applied);
  CHECK(b.apply(9.0, 0, 0, {50 * sec, 4}, no_watermark) == book_apply::applied); // same time, lower offset
  std::vector<candle> live;
  b.append_live("S", live);
  REQUIRE(live.size() == 1);
  CHECK(live[0].bar.open == 12.0);
  CHECK(live[0].bar.close == 11.0); // (50s, 7) > (50s, 4)
  CHECK(live[0].bar.high == 12.0);
  CHECK(live[0].bar.low == 9.0);
  CHECK(live[0].bar.volume == 4);
  CHECK(live[0].open_time == 0);
  CHECK(live[0].close_time == 60 * sec);
  CHECK_FALSE(live[0].closed);
}

TEST_CASE("finalize emits buckets whose end is at or before the watermark, oldest first") {
  candle_book b(interval::fixed(ns_per_s));
  b.apply(1.0, 0, 0, {0, 0}, no_watermark);
  b.apply(2.0, 0, 0, {sec, 1}, no_watermark);
  b.apply(3.0, 0, 0, {2 * sec, 2}, no_watermark);
  CHECK(b.next_close() == sec);
  std::vector<candle> out;
  b.finalize(sec - 1, "S", out);
  CHECK(out.empty());
  b.finalize(2 * sec, "S", out); // exactly at the end of the second bucket
  REQUIRE(out.size() == 2);
  CHECK(out[0].open_time == 0);
  CHECK(out[1].open_time == sec);
  CHECK(out[0].closed);
  CHECK(b.live_count() == 1);
  CHECK(b.next_close() == 3 * sec);
}

TEST_CASE("an event whose bucket is final is late and changes nothing") {
  candle_book b(interval::fixed(ns_per_s));
  b.apply(1.0, 0, 0, {5 * sec, 0}, no_watermark);
  CHECK(b.apply(9.0, 0, 0, {3 * sec, 1}, 4 * sec) == book_apply::late);            // [3s,4s) final
  CHECK(b.apply(9.0, 0, 0, {4 * sec, 2}, 4 * sec) == book_apply::opened_bucket);   // [4s,5s) still open
  CHECK(b.live_count() == 2);
}

TEST_CASE("restore merges into an existing bucket") {
  candle_book b(interval::fixed(ns_per_s));
  b.apply(1.0, 100, 0, {sec / 2, 3}, no_watermark);
  std::vector<candle> snap;
  b.append_live("S", snap);
  candle_book other(interval::fixed(ns_per_s));
  other.restore(snap[0]);
  other.apply(2.0, 50, 0, {sec / 4, 9}, no_watermark);
  std::vector<candle> live;
  other.append_live("S", live);
  REQUIRE(live.size() == 1);
  CHECK(live[0].bar.open == 2.0);
  CHECK(live[0].bar.close == 1.0);
  CHECK(live[0].bar.volume == 2);
  CHECK(format_size_sum(live[0].bar.bid_size) == "0.0000015");
}

#include "actors/supervisor/restart_policy.hpp"

TEST_CASE("restart policy: backoff doubles, intensity escalates, the window forgets") {
  restart_policy p({.max_restarts = 3, .window = 10 * sec, .initial_backoff = 100 * ns_per_ms, .max_backoff = 250 * ns_per_ms});
  auto d = p.on_failure(0);
  CHECK_FALSE(d.escalate);
  CHECK(d.delay == 100 * ns_per_ms);
  CHECK(p.on_failure(1 * sec).delay == 200 * ns_per_ms);
  CHECK(p.on_failure(2 * sec).delay == 250 * ns_per_ms); // capped
  CHECK(p.on_failure(3 * sec).escalate);                 // 4th within 10 s
  // Once the first failures leave the window, restarts are allowed again.
  auto later = p.on_failure(11 * sec + 1);
  CHECK_FALSE(later.escalate);
}
