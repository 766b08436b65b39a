#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "runtime/config/config.hpp"

using namespace cs;
using namespace cs::runtime;

namespace {
// These tests define the environment they run in: a developer's or CI's CANDLE_* variables
// (e.g. other service ports) must not leak into them.
void clear_candle_env() {
  ::unsetenv("CANDLE_CONFIG");
  for (const auto& k : config_schema()) ::unsetenv(env_name(k.name).c_str());
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
  for (const auto& k : config_schema()) {
    CAPTURE(k.name);
    CHECK(c.text(k.name) == k.default_value);
    CHECK(c.source(k.name).rfind("file ", 0) == 0);
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
  CHECK(c.integer("redis.port") == 7100);
  CHECK(c.source("redis.port") == "flag");
  CHECK(c.integer("postgres.port") == 7001);
  CHECK(c.source("postgres.port") == "env CANDLE_POSTGRES_PORT");
  CHECK(c.duration("candle.allowed-lateness") == 500 * ns_per_ms);
  CHECK(c.text("kafka.brokers") == "127.0.0.1:19092");
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
