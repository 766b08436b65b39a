// The publisher actor against the local Kafka broker (actors/publisher/): a DLQ or late record
// larger than its topic's max.message.bytes (or the producer's message.max.bytes) no longer fails
// the checkpoint's request, which would restart the partition forever: it is published cut, with
// headers saying so, or dropped and counted. A late failure report of one request does not fail
// the next, and one deadline bounds a whole request even when records cannot leave the producer.
// Each test creates its own topics (the broker does not auto-create them) and deletes them.
#include <catch2/catch.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "actors/publisher/publisher_actor.hpp"
#include "messages/atoms.hpp"
#include "messages/caf_types.hpp"
#include "runtime/config/service_endpoints.hpp"
#include "runtime/kafka/admin.hpp"
#include "runtime/kafka/consumer.hpp"
#include "tests/integration/test_support.hpp"

namespace {

using namespace std::chrono_literals;
namespace rt = cs::runtime;
using clock_type = std::chrono::steady_clock;

constexpr auto publish_timeout = 20s;     // the actor's per-request deadline in most tests
constexpr auto reply_timeout = 60s;       // how long the test waits for any answer
constexpr auto consume_timeout = 30s;     // for records that must arrive
constexpr auto absence_wait = 3s;         // for records that must not arrive
constexpr std::size_t big_payload = 300'000;
// The DLQ topic of the "cut" test takes batches up to this: a 300 kB record is refused, a cut
// one (64 KiB, incompressible, so lz4 does not shrink it) fits.
constexpr std::size_t roomy_topic_limit = 100'000;
// Too small even for a cut record.
constexpr std::size_t tight_topic_limit = 20'000;

// Letters and digits at random: lz4 (the publisher's compression) cannot squeeze it under a limit.
std::string incompressible(std::size_t n, std::uint32_t seed) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::mt19937 rng{seed};
  std::uniform_int_distribution<std::size_t> pick{0, sizeof alphabet - 2};
  std::string s(n, ' ');
  for (auto& c : s) c = alphabet[pick(rng)];
  return s;
}

cs::candle final_of(const std::string& symbol) {
  cs::candle c;
  c.symbol = symbol;
  c.closed = true;
  return c;
}

cs::diverted_event diverted(std::int64_t offset, std::string payload) {
  cs::diverted_event d;
  d.partition = 5;
  d.offset = offset;
  d.key = "5";
  d.payload = std::move(payload);
  d.reason = "it_reason";
  return d;
}

std::optional<std::string> header(const rt::kafka_record& r, const std::string& name) {
  for (const auto& h : r.headers)
    if (h.name == name) return h.value;
  return std::nullopt;
}

// Three fresh single-partition topics (candles, DLQ, late), deleted at the end.
struct test_topics {
  rt::service_endpoints ep = rt::service_endpoints_from_env();
  rt::kafka_admin admin{ep.kafka_brokers};
  std::string suffix = cs::test::unique_suffix();
  cs::publisher_topics names{"candle-it-pub-candles-" + suffix, "candle-it-pub-dlq-" + suffix,
                             "candle-it-pub-late-" + suffix};
  std::vector<std::unique_ptr<rt::scoped_topic>> owned;

  test_topics(std::optional<std::size_t> dlq_limit, std::optional<std::size_t> late_limit) {
    create(names.candles, std::nullopt);
    create(names.dlq, dlq_limit);
    create(names.late, late_limit);
  }

  void create(const std::string& name, std::optional<std::size_t> max_message_bytes) {
    std::map<std::string, std::string> configs;
    if (max_message_bytes) configs["max.message.bytes"] = std::to_string(*max_message_bytes);
    const auto why = admin.create_topic(name, 1, configs);
    if (!why.empty()) cs::test::fail_service_unavailable("Kafka", ep.kafka_brokers, "create topic " + name + ": " + why);
    owned.push_back(std::make_unique<rt::scoped_topic>(admin, name));
  }

  // Reads the topic from its start until `expect` records came or `wait` passed.
  std::vector<rt::kafka_record> read(const std::string& topic, std::size_t expect, clock_type::duration wait) const {
    rt::kafka_consumer consumer{{{"bootstrap.servers", ep.kafka_brokers}, {"group.id", "candle-it-pub-" + suffix}}};
    const std::vector<rt::kafka_topic_partition> start{{topic, 0, rt::kafka_offset_beginning}};
    REQUIRE(consumer.assign(start).reason == "");
    std::vector<rt::kafka_record> out;
    const auto deadline = clock_type::now() + wait;
    while (out.size() < expect && clock_type::now() < deadline) {
      auto st = consumer.poll_batch(out, expect, 200ms);
      REQUIRE_FALSE(st.fatal);
    }
    return out;
  }
};

// A CAF system with one publisher, as a node spawns it (detached), sharing its counters.
struct publisher_node {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::shared_ptr<cs::publisher_counters> counters = std::make_shared<cs::publisher_counters>();
  cs::publisher_hdl publisher;

  publisher_node(rt::kafka_config settings, const cs::publisher_topics& topics, std::chrono::nanoseconds timeout) {
    cs::register_message_types(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
    publisher = sys->spawn<caf::detached>(cs::counted_publisher_actor, std::move(settings), topics,
                                          static_cast<cs::duration_ns>(timeout.count()), counters);
  }
  ~publisher_node() {
    caf::anon_send_exit(publisher, caf::exit_reason::user_shutdown);
    publisher = nullptr;
    sys.reset();
  }
  publisher_node(const publisher_node&) = delete;
  publisher_node& operator=(const publisher_node&) = delete;

  // "" on success, else the error's text.
  std::string publish(const cs::publish_request& req) {
    caf::scoped_actor self{*sys};
    std::string error;
    self->request(publisher, reply_timeout, cs::publish_atom::value, req)
      .receive([](std::uint64_t) {}, [&](caf::error& e) { error = sys->render(e); });
    return error;
  }
};

rt::kafka_config settings_for(const test_topics& t) {
  return {{"bootstrap.servers", t.ep.kafka_brokers}, {"message.timeout.ms", "15000"}};
}

} // namespace

TEST_CASE("a DLQ record over its topic's max.message.bytes is published cut, with headers, and the request succeeds",
          "[publisher][kafka]") {
  test_topics topics{roomy_topic_limit, std::nullopt};
  publisher_node node{settings_for(topics), topics.names, publish_timeout};
  const std::string big = incompressible(big_payload, 7);
  cs::publish_request req;
  req.finals = {final_of("AAA"), final_of("BBB")};
  req.invalid = {diverted(1, "small one"), diverted(2, big), diverted(3, "small two")};

  REQUIRE(node.publish(req) == "");
  CHECK(node.counters->truncated == 1);
  CHECK(node.counters->dropped == 0);
  CHECK(node.counters->published == 5);

  const auto dlq = topics.read(topics.names.dlq, 3, consume_timeout);
  REQUIRE(dlq.size() == 3);
  for (const auto& r : dlq) {
    INFO("source-offset " << header(r, "source-offset").value_or("?"));
    CHECK(r.key == "5");
    CHECK(header(r, "reason") == "it_reason");
    CHECK(header(r, "source-partition") == "5");
    if (header(r, "source-offset") == "2") {
      CHECK(r.value == big.substr(0, cs::truncated_payload_limit));
      CHECK(header(r, "truncated") == "true");
      CHECK(header(r, "original-size") == std::to_string(big_payload));
    } else {
      CHECK(r.value.rfind("small", 0) == 0);
      CHECK_FALSE(header(r, "truncated").has_value());
    }
  }
  CHECK(topics.read(topics.names.candles, 2, consume_timeout).size() == 2);
}

TEST_CASE("a late record too large for its topic even cut is dropped and counted, and the request succeeds",
          "[publisher][kafka]") {
  test_topics topics{std::nullopt, tight_topic_limit};
  publisher_node node{settings_for(topics), topics.names, publish_timeout};
  cs::publish_request req;
  req.finals = {final_of("AAA")};
  req.late = {diverted(4, incompressible(big_payload, 8))};

  REQUIRE(node.publish(req) == "");
  CHECK(node.counters->dropped == 1);
  CHECK(node.counters->truncated == 0);
  CHECK(node.counters->published == 1);
  CHECK(topics.read(topics.names.candles, 1, consume_timeout).size() == 1);
  CHECK(topics.read(topics.names.late, 1, absence_wait).empty());
}

TEST_CASE("a DLQ record over the producer's message.max.bytes is cut to fit it", "[publisher][kafka]") {
  constexpr std::size_t producer_limit = 30'000;
  test_topics topics{std::nullopt, std::nullopt};
  auto settings = settings_for(topics);
  settings["message.max.bytes"] = std::to_string(producer_limit);
  publisher_node node{settings, topics.names, publish_timeout};
  const std::string big = incompressible(big_payload, 9);
  cs::publish_request req;
  req.invalid = {diverted(6, big)};

  REQUIRE(node.publish(req) == "");
  CHECK(node.counters->truncated == 1);
  const auto dlq = topics.read(topics.names.dlq, 1, consume_timeout);
  REQUIRE(dlq.size() == 1);
  CHECK(dlq[0].value.size() < producer_limit);
  CHECK(dlq[0].value == big.substr(0, dlq[0].value.size()));
  CHECK(header(dlq[0], "truncated") == "true");
  CHECK(header(dlq[0], "original-size") == std::to_string(big_payload));
}

TEST_CASE("a failure report that arrives after its request was answered does not fail the next request",
          "[publisher][kafka]") {
  // A deadline too short for any acknowledgement: the first request fails at it, and Kafka's
  // refusal of its oversize record arrives afterwards, while the publisher is idle.
  test_topics topics{tight_topic_limit, std::nullopt};
  publisher_node node{settings_for(topics), topics.names, 1ms};
  cs::publish_request a;
  a.invalid = {diverted(1, incompressible(big_payload, 10))};
  const auto failed = node.publish(a);
  CHECK(failed.find("pipeline_errc::publish_failed") != std::string::npos);
  CHECK(failed.find("publish deadline of 1 ms passed") != std::string::npos);
  std::this_thread::sleep_for(2s);

  // The next request (a checkpoint that only moved live candles) has nothing of its own to fail.
  CHECK(node.publish(cs::publish_request{}) == "");
  CHECK(node.counters->failed_requests == 1);
}

TEST_CASE("one deadline bounds a request whose records cannot leave the producer's queue", "[publisher][kafka]") {
  // Nothing listens on port 1, and the local queue holds one record: every further produce finds
  // it full. Before, each record waited up to 10 s for room; now the request ends at its deadline.
  constexpr auto deadline = 300ms;
  const rt::kafka_config settings{{"bootstrap.servers", "127.0.0.1:1"},
                                  {"queue.buffering.max.messages", "1"},
                                  {"message.timeout.ms", "1000"}};
  publisher_node node{settings, {"candles", "dlq", "late"}, deadline};
  cs::publish_request req;
  std::vector<cs::candle> finals;
  for (int i = 0; i < 5; ++i) finals.push_back(final_of(std::string{"S"}.append(std::to_string(i))));
  req.finals = cs::shared_candles{std::move(finals)};

  const auto start = clock_type::now();
  const auto error = node.publish(req);
  const auto took = clock_type::now() - start;
  CHECK(error.find("publish deadline of 300 ms passed: the local producer queue was still full") != std::string::npos);
  CHECK(took < 2s);
}
