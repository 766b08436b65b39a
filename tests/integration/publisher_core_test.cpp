// The publisher's request logic (actors/publisher/publisher_core.hpp) against a scripted producer,
// no Kafka: each request succeeds or fails for its own records only, within its own deadline, and
// an oversize DLQ or late record is published cut or dropped instead of failing the request.
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "actors/publisher/delivery_ledger.hpp"
#include "actors/publisher/failure_summary.hpp"
#include "actors/publisher/oversize_records.hpp"
#include "actors/publisher/publisher_core.hpp"
#include "tests/integration/scripted_producer.hpp"

using namespace cs;
using namespace std::chrono_literals;
using cs::test::scripted_producer;

namespace {

const publisher_topics topics{"candles", "dlq", "late"};

candle final_of(const std::string& symbol) {
  candle c;
  c.symbol = symbol;
  c.closed = true;
  return c;
}

diverted_event diverted(std::int64_t offset, std::size_t payload_bytes) {
  diverted_event d;
  d.partition = 3;
  d.offset = offset;
  d.key = "3";
  d.payload = std::string(payload_bytes, 'p');
  d.reason = "invalid_json";
  return d;
}

std::string header(const scripted_producer::record& r, const std::string& name) {
  for (const auto& h : r.headers)
    if (h.name == name) return h.value;
  return "<absent>";
}

// A core wired to a scripted producer the way the actor wires it to Kafka.
struct harness {
  scripted_producer producer;
  std::shared_ptr<publisher_counters> counters = std::make_shared<publisher_counters>();
  publisher_core<scripted_producer> core;

  explicit harness(std::chrono::nanoseconds timeout) : core(topics, timeout, counters) {
    producer.on_delivery = [this](const runtime::kafka_delivery_report& r) { core.on_delivery(r); };
  }
  publish_outcome publish(const publish_request& req) { return core.publish(producer, req); }
};

} // namespace

TEST_CASE("a late failure report of an earlier request does not fail the next one", "[publisher]") {
  harness h(50ms);
  h.producer.hold_topics = {"dlq"};                                  // A's DLQ report comes late...
  h.producer.fail_key["3"] = RD_KAFKA_RESP_ERR__MSG_TIMED_OUT;       // ...and says it failed
  publish_request a;
  a.finals = {final_of("AAA")};
  a.invalid = {diverted(10, 100)};
  const auto out_a = h.publish(a);
  REQUIRE_FALSE(out_a.ok);
  CHECK(out_a.reason == "publish deadline of 50 ms passed: 1 of 2 records sent were not acknowledged");

  h.producer.release(); // A's failure report arrives while B runs
  h.producer.fail_key.clear();

  SECTION("B with records of its own") {
    publish_request b;
    b.finals = {final_of("BBB")};
    const auto out_b = h.publish(b);
    CHECK(out_b.reason == "");
    CHECK(out_b.ok);
    CHECK(out_b.acknowledged == 1);
    CHECK(h.counters->stale_reports == 1);
  }
  SECTION("B with nothing to publish (a checkpoint of live candles only)") {
    const auto out_b = h.publish(publish_request{});
    CHECK(out_b.ok);
    CHECK(out_b.acknowledged == 0);
    publish_request c; // and the stale report, served now, fails nobody either
    c.late = {diverted(11, 100)};
    CHECK(h.publish(c).ok);
    CHECK(h.counters->stale_reports == 1);
  }
  CHECK(h.counters->failed_requests == 1);
}

TEST_CASE("a request fails for its own failed records, naming the first and counting by error", "[publisher]") {
  harness h(5s);
  h.producer.fail_key["AAA"] = RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS;
  h.producer.fail_key["BBB"] = RD_KAFKA_RESP_ERR__MSG_TIMED_OUT;
  h.producer.fail_key["CCC"] = RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS;
  publish_request a;
  a.finals = {final_of("AAA"), final_of("OK1"), final_of("BBB"), final_of("CCC")};
  const auto out = h.publish(a);
  REQUIRE_FALSE(out.ok);
  CHECK(out.reason ==
        "3 of 4 records failed: first: deliver to candles: Broker: Not enough in-sync replicas; "
        "by error: _MSG_TIMED_OUT x1, NOT_ENOUGH_REPLICAS x2");

  // The next request's records are fine, and so is it.
  h.producer.fail_key.clear();
  publish_request b;
  b.finals = {final_of("AAA")};
  CHECK(h.publish(b).ok);
  CHECK(h.counters->published == 1);
  CHECK(h.counters->failed_requests == 1);
}

TEST_CASE("a DLQ record larger than the topic allows is published once more with its payload cut", "[publisher]") {
  harness h(5s);
  h.producer.topic_limit["dlq"] = 100'000;
  publish_request req;
  req.finals = {final_of("AAA")};
  req.invalid = {diverted(7, 300'000), diverted(8, 50)};
  const auto out = h.publish(req);
  REQUIRE(out.reason == "");
  CHECK(out.ok);
  CHECK(out.acknowledged == 3);
  CHECK(out.truncated == 1);
  CHECK(h.counters->truncated == 1);
  REQUIRE(out.truncated_lines.size() == 1);
  CHECK(out.truncated_lines[0] ==
        "dlq record of partition 3 offset 7 (300000 bytes, topic dlq) was too large; published with its payload cut to 65536 bytes");

  const auto dlq = h.producer.on_topic("dlq");
  REQUIRE(dlq.size() == 3); // the refused original, the small one, the cut retry
  const auto& cut = dlq.back();
  CHECK(cut.value == std::string(truncated_payload_limit, 'p'));
  CHECK(header(cut, "truncated") == "true");
  CHECK(header(cut, "original-size") == "300000");
  CHECK(header(cut, "reason") == "invalid_json");
  CHECK(header(cut, "source-partition") == "3");
  CHECK(header(cut, "source-offset") == "7");
  CHECK(header(dlq[1], "truncated") == "<absent>");
}

TEST_CASE("a late record too large even cut is dropped and counted, and the request succeeds", "[publisher]") {
  harness h(5s);
  h.producer.topic_limit["late"] = 1'000;
  publish_request req;
  req.finals = {final_of("AAA")};
  req.late = {diverted(9, 100'000)};
  const auto out = h.publish(req);
  REQUIRE(out.reason == "");
  CHECK(out.ok);
  CHECK(out.acknowledged == 1);
  CHECK(out.dropped == 1);
  CHECK(h.counters->dropped == 1);
  CHECK(h.counters->published == 1);
  REQUIRE(out.dropped_lines.size() == 1);
  CHECK(out.dropped_lines[0] ==
        "late record of partition 3 offset 9 (100000 bytes, topic late) dropped: too large even with its payload cut "
        "to 65536 bytes (deliver to late: Broker: Message size too large)");
  CHECK(h.producer.on_topic("late").size() == 2); // tried once, then once cut: never again
}

TEST_CASE("a diverted record over the producer's message.max.bytes is cut to fit it", "[publisher]") {
  harness h(5s);
  h.producer.max_bytes = 20'000;
  publish_request req;
  req.invalid = {diverted(7, 50'000)};
  const auto out = h.publish(req);
  REQUIRE(out.reason == "");
  CHECK(out.truncated == 1);
  const auto dlq = h.producer.on_topic("dlq");
  REQUIRE(dlq.size() == 1); // the original never left produce()
  CHECK(dlq[0].value.size() < 20'000);
  CHECK(dlq[0].value.size() > 19'000);
  CHECK(header(dlq[0], "original-size") == "50000");
}

TEST_CASE("final candles are never cut: their size failure fails the request", "[publisher]") {
  harness h(5s);
  h.producer.topic_limit["candles"] = 10;
  publish_request req;
  req.finals = {final_of("AAA")};
  const auto out = h.publish(req);
  CHECK_FALSE(out.ok);
  CHECK(out.reason == "1 of 1 records failed: first: deliver to candles: Broker: Message size too large; "
                      "by error: MSG_SIZE_TOO_LARGE x1");
  CHECK(h.producer.accepted.size() == 1);
}

TEST_CASE("one deadline bounds the whole request, however many records wait for the queue", "[publisher]") {
  harness h(100ms);
  publish_request req;
  std::vector<cs::candle> finals;
  for (int i = 0; i < 20; ++i) finals.push_back(final_of(std::string{"S"}.append(std::to_string(i))));
  req.finals = cs::shared_candles{std::move(finals)};
  const auto check_bounded = [&] {
    const auto start = std::chrono::steady_clock::now();
    const auto out = h.publish(req);
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK_FALSE(out.ok);
    CHECK(out.reason.rfind("publish deadline of 100 ms passed: the local producer queue was still full", 0) == 0);
    CHECK(took < 400ms);
  };
  SECTION("a queue that stays full") {
    h.producer.queue_always_full = true;
    check_bounded();
  }
  SECTION("a queue that frees slowly (30 ms per record: 600 ms in all)") {
    h.producer.produce_delay = 30ms;
    check_bounded();
  }
}

TEST_CASE("delivery_ledger settles only its own ids, once", "[publisher]") {
  delivery_ledger l(100);
  const auto a = l.add({record_kind::final_candle, 0, false});
  const auto b = l.add({record_kind::dlq, 0, false});
  CHECK(a == 100);
  CHECK(b == 101);
  CHECK(l.end_id() == 102);
  CHECK_FALSE(l.owns(99));
  CHECK_FALSE(l.owns(102));
  l.settle(a, runtime::kafka_status::from(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, "deliver"));
  l.settle(a, runtime::kafka_status::success()); // a second outcome is ignored
  l.settle(99, runtime::kafka_status::success()); // not ours
  CHECK(l.pending() == 1);
  CHECK(l.at(0).outcome == delivery_ledger::state::failed);
  l.settle(b, runtime::kafka_status::success());
  CHECK(l.pending() == 0);
  CHECK(l.at(1).outcome == delivery_ledger::state::acknowledged);
}

TEST_CASE("truncate_for_retry keeps 64 KiB, or what message.max.bytes leaves", "[publisher]") {
  const auto big = diverted(1, 1'000'000);
  const auto t = truncate_for_retry(big, 1'000'000);
  CHECK(t.cut);
  CHECK(t.payload.size() == truncated_payload_limit);
  const auto tight = truncate_for_retry(big, 10'000);
  CHECK(tight.cut);
  std::size_t size = tight.payload.size() + big.key.size();
  for (const auto& h : tight.headers) size += h.name.size() + h.value.size();
  CHECK(size + record_framing_allowance == 10'000);
  const auto small = truncate_for_retry(diverted(1, 10), 1'000'000);
  CHECK_FALSE(small.cut);
  CHECK(small.headers.size() == 3);
}

TEST_CASE("failure_summary names the first failure and counts by code", "[publisher]") {
  failure_summary s;
  CHECK(s.empty());
  s.add(runtime::kafka_status::from(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, "deliver to dlq"));
  s.add(runtime::kafka_status::from(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, "deliver to candles"));
  s.add(runtime::kafka_status::from(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, "deliver to late"));
  CHECK(s.count() == 3);
  CHECK(s.text() == "first: deliver to dlq: Broker: Message size too large; by error: _MSG_TIMED_OUT x1, MSG_SIZE_TOO_LARGE x2");
}
