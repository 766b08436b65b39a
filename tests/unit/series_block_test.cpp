#include <catch2/catch.hpp>

#include "actors/cache/series_block.hpp"
#include "messages/candle_json.hpp"

using namespace cs;
using namespace cs::cache;

namespace {

const interval one_min = interval::fixed(ns_per_min);

candle final_at(timestamp_ns open) {
  candle c{std::string("S"), one_min, 0, 0, {}, false}; // (assigning "S" trips GCC 12's false -Wrestrict)
  c.open_time = open;
  c.close_time = open + ns_per_min;
  c.bar = ohlcv::of_event(1.0, 0, 0, {open, 0});
  c.closed = true;
  return c;
}

final_span span(timestamp_ns from, timestamp_ns to, std::vector<timestamp_ns> opens) {
  final_span s;
  s.key = {"S", one_min};
  s.from = from;
  s.to = to;
  for (auto o : opens) s.candles.push_back(final_at(o));
  return s;
}

} // namespace

TEST_CASE("blocks are block_buckets buckets, aligned, for every interval kind", "[block]") {
  CHECK(block_start(one_min, 0) == 0);
  CHECK(block_end(one_min, 0) == block_buckets * ns_per_min);
  CHECK(block_index(one_min, -1) == -1);
  CHECK(block_index(one_min, block_buckets * ns_per_min) == 1);
  const auto month = interval::month();
  CHECK(block_index(month, 0) == 0);
  CHECK(block_start(month, 1) == month.bucket_start_of(block_buckets));
}

TEST_CASE("a final span extends a block only where coverage stays contiguous", "[block]") {
  const auto m = ns_per_min;
  // No entry, span from the block start: a new block covering up to the span's end.
  auto b = start_block(one_min, 0, span(0, 5 * m, {1 * m, 3 * m}));
  REQUIRE(b);
  CHECK(b->covered_to == 5 * m);
  CHECK(b->candles.size() == 2);
  // No entry and a span that starts inside the block: what came before is unknown.
  CHECK_FALSE(start_block(one_min, 0, span(2 * m, 5 * m, {3 * m})));
  // Continuing the coverage (also across empty buckets) extends it, bytes included.
  REQUIRE(extend_block(*b, one_min, 0, span(5 * m, 9 * m, {8 * m})));
  CHECK(b->covered_to == 9 * m);
  CHECK(b->candles.size() == 3);
  CHECK(b->candles.json(2) == to_json(final_at(8 * m)));
  // A hole between coverage and span: refused, so a block never claims a bucket it did not see.
  CHECK_FALSE(extend_block(*b, one_min, 0, span(10 * m, 12 * m, {10 * m})));
  CHECK(b->covered_to == 9 * m);
  // Overlap is harmless: only the new part is added.
  REQUIRE(extend_block(*b, one_min, 0, span(8 * m, 11 * m, {8 * m, 10 * m})));
  CHECK(b->candles.size() == 4);
  CHECK(b->covered_to == 11 * m);
  // A span past the block's end stops at the end; the next block starts where it begins.
  const auto end = block_end(one_min, 0);
  REQUIRE(extend_block(*b, one_min, 0, span(11 * m, end + 2 * m, {end - m, end + m})));
  CHECK(b->covered_to == end);
  CHECK(b->candles.back().open_time == end - m);
  auto next = start_block(one_min, 1, span(11 * m, end + 2 * m, {end - m, end + m}));
  REQUIRE(next);
  CHECK(next->candles.size() == 1);
  CHECK(next->covered_to == end + 2 * m);
}

TEST_CASE("a complete run fills the blocks that start inside it", "[block]") {
  const auto m = ns_per_min;
  const auto b1 = block_start(one_min, 1), b3 = block_start(one_min, 3);
  std::vector<candle> run = {final_at(b1 - m), final_at(b1), final_at(b1 + 10 * m), final_at(b3 + m)};
  auto blocks = blocks_of_run(one_min, b1 - 2 * m, b3 + 5 * m, run, 10);
  REQUIRE(blocks.size() == 3); // 1, 2, 3 (block 0 starts before the run)
  CHECK(blocks[0].first == 1);
  CHECK(blocks[0].second.candles.size() == 2);
  CHECK(blocks[1].second.candles.empty()); // an empty block is knowledge too
  CHECK(blocks[1].second.covered_to == b3);
  CHECK(blocks[2].second.covered_to == b3 + 5 * m);
  CHECK(blocks[2].second.candles.size() == 1);
  CHECK(blocks_of_run(one_min, b1, b3, run, 1).size() == 1);
  encoded_candles out;
  append_range(blocks[0].second, b1 + m, b1 + 80 * m, out);
  REQUIRE(out.size() == 1);
  CHECK(out.json(0) == to_json(out[0]));
  std::string joined;
  blocks[0].second.candles.append_joined(joined);
  CHECK(joined == to_json(blocks[0].second.candles[0]) + "," + to_json(blocks[0].second.candles[1]));
}
