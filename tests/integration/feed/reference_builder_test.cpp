// The reference builder: decoding like a node (invalid -> skip), one core per partition, counts,
// sorting; and the CSV row format of its output.
#include <catch2/catch.hpp>

#include <algorithm>

#include "candle_csv.hpp"
#include "kafka_encoding.hpp"
#include "messages/event_json.hpp"
#include "reference_builder.hpp"

namespace {
using namespace cs;
using namespace cs::feed;

constexpr timestamp_ns t0 = 1'732'500'000'000LL * ns_per_ms; // a whole minute
constexpr duration_ns lateness = 2 * ns_per_s;

aggregator_config config() {
  aggregator_config c;
  c.intervals = {interval::fixed(ns_per_s), interval::fixed(ns_per_min)};
  c.clock.allowed_lateness = lateness;
  return c;
}

bid_ask_event quote(std::string symbol, timestamp_ns ts, double bid, double ask) {
  bid_ask_event e;
  e.symbol = std::move(symbol);
  e.ts = ts;
  e.bid = bid;
  e.ask = ask;
  return e;
}
} // namespace

TEST_CASE("the builder equals the core run directly, invalid records only advancing offsets", "[feed][reference]") {
  // partition 0: A; partition 1: B. Offsets per partition; a bad payload in the middle of each.
  struct record {
    std::int32_t partition;
    std::int64_t offset;
    std::string payload;
  };
  std::vector<record> records;
  std::vector<bid_ask_event> valid;
  std::int64_t next[2] = {0, 0};
  for (int i = 0; i < 40; ++i) {
    const std::int32_t p = i % 2;
    auto e = quote(p == 0 ? "A" : "B", t0 + i * 300 * ns_per_ms, 10 + i, 10.5 + i);
    e.partition = p;
    e.offset = next[p]++;
    if (i == 10 || i == 11) {
      records.push_back({p, e.offset, "{not json"});
      continue;
    }
    records.push_back({p, e.offset, to_json(e)});
    valid.push_back(e);
  }
  // A late one for partition 0: 10 s behind the newest event.
  auto late = quote("A", t0 + 2 * ns_per_s, 1, 2);
  late.partition = 0;
  late.offset = next[0]++;
  records.push_back({0, late.offset, to_json(late)});
  valid.push_back(late);

  reference_builder builder{config(), {}};
  for (const auto& r : records) builder.add(r.partition, r.offset, r.payload);

  std::vector<partitioned_candle> expected;
  for (std::int32_t p = 0; p < 2; ++p) {
    partition_aggregator agg{config(), p};
    std::vector<candle> out;
    for (const auto& e : valid)
      if (e.partition == p) (void)agg.apply(e, out);
    agg.append_live(out);
    for (auto& c : out) expected.push_back({c, p});
  }
  sort_candles(expected);

  const auto got = builder.candles(false);
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    CHECK(got[i].c == expected[i].c);
    CHECK(got[i].partition == expected[i].partition);
  }
  const auto& c = builder.counts();
  CHECK(c.records == records.size());
  CHECK(c.invalid == 2);
  CHECK(c.by_reason[static_cast<std::size_t>(reject_reason::bad_json)] == 2);
  CHECK(c.valid == records.size() - 2);
  CHECK(c.partly_late == 1); // final for 1s, its 1m bucket is still open
  CHECK(c.late == 0);
  CHECK(c.per_partition.at(0) == static_cast<std::uint64_t>(next[0]));
  CHECK(c.per_partition.at(1) == static_cast<std::uint64_t>(next[1]));

  // The offsets skipped by the bad payloads show in the candles' positions: none uses them.
  for (const auto& pc : got) {
    CHECK(pc.c.bar.first.offset != 5);
    CHECK(pc.c.bar.last.offset != 5);
  }

  const auto finals = builder.candles(true);
  CHECK(std::all_of(finals.begin(), finals.end(), [](const auto& pc) { return pc.c.closed; }));
  CHECK(finals.size() < got.size());
  CHECK(std::is_sorted(got.begin(), got.end(), [](const auto& a, const auto& b) {
    return std::tie(a.c.symbol, a.c.iv, a.c.open_time) < std::tie(b.c.symbol, b.c.iv, b.c.open_time);
  }));
}

TEST_CASE("the future-skew check uses the clock given with each record", "[feed][reference]") {
  event_decoder_limits limits;
  limits.max_future_skew = 60 * ns_per_s;
  reference_builder builder{config(), limits};
  const auto e = quote("A", t0 + 10 * ns_per_min, 1, 2);
  builder.add(0, 0, to_json(e), t0);  // 10 min ahead of this clock: rejected
  builder.add(0, 1, to_json(e));      // no clock: accepted
  CHECK(builder.counts().by_reason[static_cast<std::size_t>(reject_reason::future_timestamp)] == 1);
  CHECK(builder.counts().valid == 1);
}

TEST_CASE("replay payloads keep nanoseconds only when needed", "[feed][reference]") {
  std::string payload;
  encode_event_payload(quote("A", t0 + 5 * ns_per_ms, 1, 2), payload);
  CHECK(payload.find("\"timestamp\":") != std::string::npos);
  encode_event_payload(quote("A", t0 + 5 * ns_per_ms + 7, 1, 2), payload);
  CHECK(payload.find("\"timestampNs\":") != std::string::npos);
  encode_event_payload(quote("A", -1 * ns_per_ms, 1, 2), payload);
  CHECK(payload.find("\"timestamp\":-1") != std::string::npos);
}

TEST_CASE("candle CSV rows are exact and in header order", "[feed][reference]") {
  candle c;
  c.symbol = "BTCUSD";
  c.iv = interval::fixed(ns_per_min);
  c.open_time = t0;
  c.close_time = t0 + ns_per_min;
  c.bar = ohlcv::of_event(0.1 + 0.2, 150'000'000, 1, {t0 + 5, 7});
  c.bar.add(3, 0, 0, {t0 + 9, 8});
  c.closed = true;
  std::string row;
  append_candle_csv(row, c, 3);
  CHECK(row == "BTCUSD,1m,1732500000000000000,1732500060000000000,0.30000000000000004,3,"
               "0.30000000000000004,3,2,1.5,0.00000001,1732500000000000005,7,1732500000000000009,8,true,3");
  const auto columns = std::count(candle_csv_header.begin(), candle_csv_header.end(), ',');
  CHECK(std::count(row.begin(), row.end(), ',') == columns);
}
