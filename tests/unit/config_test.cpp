#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "actors/partition_reader/watermark.hpp"
#include "messages/event_decoder.hpp"
#include "runtime/config/config.hpp"
#include "runtime/log/log.hpp"
#include "runtime/postgres/store/store_options.hpp"

using namespace cs;
using namespace cs::runtime;

namespace {
// These tests define the environment they run in: a developer's or CI's CANDLE_* variables
// (e.g. other service ports) must not leak into them.
void clear_candle_env() {
  ::unsetenv("CANDLE_CONFIG");
  for (const auto* k : config_schema()) ::unsetenv(env_name(k->name).c_str());
}

config load(std::vector<const char*> args, std::vector<std::string>& rest) {
  args.insert(args.begin(), "prog");
  return config::load(static_cast<int>(args.size()), args.data(), rest);
}
} // namespace

TEST_CASE("the shipped config file sets every key to its documented default") {
  clear_candle_env();
  std::vector<std::string> rest;
  const std::string file = std::string(CANDLE_SOURCE_DIR) + "/config/candlestream.conf";
  auto c = load({"--config", file.c_str()}, rest);
  for (const auto* k : config_schema()) {
    CAPTURE(k->name);
    CHECK(c.text(k->name) == k->default_value);
    CHECK(c.source(k->name).rfind("file ", 0) == 0);
  }
}

TEST_CASE("flags beat env beat file beat defaults; other arguments are left over") {
  clear_candle_env();
  ::setenv("CANDLE_REDIS_PORT", "7000", 1);
  ::setenv("CANDLE_POSTGRES_PORT", "7001", 1);
  std::vector<std::string> rest;
  auto c = load({"--redis.port=7100", "simulate", "--help", "--rate", "5", "--candle.allowed-lateness", "500ms"}, rest);
  ::unsetenv("CANDLE_REDIS_PORT");
  ::unsetenv("CANDLE_POSTGRES_PORT");
  CHECK(c.get(keys::redis_port) == 7100);
  CHECK(c.source("redis.port") == "flag");
  CHECK(c.get(keys::postgres_port) == 7001);
  CHECK(c.source("postgres.port") == "env CANDLE_POSTGRES_PORT");
  CHECK(c.get(keys::candle_allowed_lateness) == 500 * ns_per_ms);
  CHECK(c.get(keys::kafka_brokers) == "127.0.0.1:19092");
  CHECK(rest == std::vector<std::string>{"simulate", "--help", "--rate", "5"});
}

TEST_CASE("bad values and unknown keys are clear errors") {
  clear_candle_env();
  std::vector<std::string> rest;
  auto err = [&](std::vector<const char*> args) {
    try {
      load(std::move(args), rest);
    } catch (const config_error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(err({"--redis.port=0"}).find("port number") != std::string::npos);
  CHECK(err({"--redis.port=abc"}).find("redis.port") != std::string::npos);
  CHECK(err({"--candle.intervals=1s,2x"}).find("valid intervals") != std::string::npos);
  CHECK(err({"--candle.allowed-lateness=2"}).find("duration") != std::string::npos);
  CHECK(err({"--candle.intervals"}).find("needs a value") != std::string::npos);
  CHECK(err({"--config=/nonexistent/file"}).find("cannot read") != std::string::npos);
  const std::string bad_file = "/tmp/candle_config_test.conf";
  std::ofstream(bad_file) << "redis.port = 1\nno.such.key = 5\n";
  CHECK(err({"--config", bad_file.c_str()}).find("unknown config key 'no.such.key'") != std::string::npos);
  std::ofstream(bad_file) << "just words\n";
  CHECK(err({"--config", bad_file.c_str()}).find(":1: expected 'key = value'") != std::string::npos);
}

TEST_CASE("durations, sizes and env names") {
  clear_candle_env();
  duration_ns d = 0;
  CHECK((parse_duration("250ms", d) && d == 250 * ns_per_ms));
  CHECK((parse_duration("0", d) && d == 0));
  CHECK((parse_duration("1d", d) && d == ns_per_day));
  CHECK_FALSE(parse_duration("5", d));
  CHECK_FALSE(parse_duration("1.5s", d));
  CHECK_FALSE(parse_duration("s", d));
  CHECK_FALSE(parse_duration("99999999999999d", d));
  std::int64_t n = 0;
  CHECK((parse_byte_size("512m", n) && n == 512LL << 20));
  CHECK_FALSE(parse_byte_size("12q", n));
  CHECK(env_name("kafka.topic.events") == "CANDLE_KAFKA_TOPIC_EVENTS");
  CHECK(env_name("node.http-port") == "CANDLE_NODE_HTTP_PORT");
  CHECK(config::help("candle-node", "[options]").find("--candle.intervals=1s,5s,1m,15m,1h,1d") != std::string::npos);
}

TEST_CASE("config/candlestream.conf is exactly what the declarations generate") {
  // The file is generated (`candle-node --print-default-config > config/candlestream.conf`); a
  // default, doc line or key changed on one side only is drift, named here key by key.
  std::ifstream in(std::string(CANDLE_SOURCE_DIR) + "/config/candlestream.conf");
  REQUIRE(in);
  std::stringstream shipped;
  shipped << in.rdbuf();
  const auto generated = config::default_file();
  if (shipped.str() != generated) {
    auto lines = [](const std::string& text) {
      std::vector<std::string> out;
      std::istringstream s(text);
      for (std::string l; std::getline(s, l);) out.push_back(l);
      return out;
    };
    const auto want = lines(generated), have = lines(shipped.str());
    for (std::size_t i = 0; i < std::max(want.size(), have.size()); ++i) {
      const auto w = i < want.size() ? want[i] : "<end of file>";
      const auto h = i < have.size() ? have[i] : "<end of file>";
      if (w != h) FAIL("config/candlestream.conf line " << i + 1 << " drifted from runtime/config/keys.hpp:\n  declared:  " << w << "\n  in file:   " << h << "\nregenerate it with `candle-node --print-default-config > config/candlestream.conf`");
    }
  }
}

TEST_CASE("every declared key has a valid default inside its bounds, a doc line and a unique name") {
  clear_candle_env();
  std::set<std::string_view> names;
  for (const auto* k : config_schema()) {
    CAPTURE(k->name);
    CHECK(names.insert(k->name).second);
    CHECK_FALSE(k->doc.empty());
    CHECK(find_config_key(k->name) == k);
  }
  CHECK_NOTHROW(config{});
  config c;
  CHECK_THROWS_WITH(c.set("kafka.max-poll-records", "0", "test"), Catch::Contains("between 1 and"));
  CHECK_THROWS_WITH(c.set("pipeline.checkpoint-interval", "2d", "test"), Catch::Contains("pipeline.checkpoint-interval"));
  CHECK(c.get(keys::candle_intervals).size() == 6);
  CHECK(c.get(keys::node_faults) == false);
}

TEST_CASE("pure-logic defaults used by tools and tests equal the declared keys") {
  // watermark_config and event_decoder_limits keep defaults so that the core can be used alone
  // (tests, candle-feed reference); the node always sets them from config. Drift is named here.
  const config c;
  const watermark_config clock;
  const event_decoder_limits limits;
  CHECK(clock.allowed_lateness == c.get(keys::candle_allowed_lateness));
  CHECK(clock.idle_timeout == c.get(keys::candle_idle_timeout));
  CHECK(limits.max_future_skew == c.get(keys::candle_max_future_skew));
  CHECK(static_cast<std::int64_t>(limits.max_payload_bytes) == c.get(keys::candle_max_payload_bytes));
  // store_options too (candle-bench and the store tests open stores without a config).
  const runtime::store_options store;
  CHECK(std::chrono::duration_cast<std::chrono::nanoseconds>(store.retention).count() == c.get(keys::postgres_retention));
  CHECK(static_cast<std::int64_t>(store.known_series) == c.get(keys::postgres_known_series));
}

TEST_CASE("log levels are set per component and malformed levels are config errors") {
  clear_candle_env();
  config c;
  c.set("log.level", "warn", "test");
  c.set("log.levels", "partition_reader=debug, db_writer=error", "test");
  configure_logging(c);
  CHECK(log_enabled(log_level::debug, "partition_reader"));
  CHECK_FALSE(log_enabled(log_level::warn, "db_writer"));
  CHECK_FALSE(log_enabled(log_level::info, "publisher"));
  CHECK(log_enabled(log_level::warn, "publisher"));
  c.set("log.level", "loud", "test");
  CHECK_THROWS_WITH(configure_logging(c), Catch::Contains("log.level"));
  c.set("log.level", "info", "test");
  c.set("log.levels", "db_writer", "test");
  CHECK_THROWS_WITH(configure_logging(c), Catch::Contains("component=level"));
  c.set("log.levels", "none", "test");
  configure_logging(c);
  CHECK(log_enabled(log_level::info, "db_writer"));
}
