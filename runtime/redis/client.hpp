#pragma once
// RAII hiredis connection (blocking, one command at a time). Commands never throw: a Redis error
// reply or an I/O failure comes back as a redis_error (runtime/redis/errc.hpp) naming the command. After an I/O failure the
// connection is unusable (connected() is false) until reconnect() succeeds. Not thread-safe.
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/redis/commands.hpp"
#include "runtime/redis/errc.hpp"
#include "runtime/redis/reply.hpp"
#include "runtime/result.hpp"

struct redisContext;

namespace cs::runtime {

struct redis_options {
  std::string host;
  std::uint16_t port = 0;
  static constexpr std::chrono::milliseconds default_timeout{2000};
  std::chrono::milliseconds connect_timeout = default_timeout;
  // Bounds every command's round trip, so a hung server cannot stall the caller forever.
  std::chrono::milliseconds command_timeout = default_timeout;
};

struct redis_scored_member {
  // Redis scores are doubles: integers above 2^53 (e.g. nanosecond timestamps) lose precision,
  // so score by milliseconds or seconds.
  double score = 0;
  std::string member;
  bool operator==(const redis_scored_member&) const = default;
};

// LIMIT offset count of ZRANGEBYSCORE.
struct redis_limit {
  std::int64_t offset = 0;
  std::int64_t count = 0;
};

class config;
// redis.host and redis.port; timeouts at their defaults.
redis_options redis_options_from_config(const config& cfg);

class redis_client final : public redis_commands {
public:
  static result<redis_client, redis_error> connect(redis_options options);

  // argv[0] is the command name; every argument is sent binary-safe.
  result<redis_reply, redis_error> command(std::span<const std::string_view> argv) override;
  result<redis_reply, redis_error> command(std::initializer_list<std::string_view> argv) {
    return command(std::span<const std::string_view>{argv.begin(), argv.size()});
  }

  // Sends every command before reading any reply (one round trip for all), then returns one
  // result per command, in order. An I/O failure fails the call as a whole and breaks the
  // connection; an error reply fails only its own command.
  result<std::vector<result<redis_reply, redis_error>>, redis_error> pipeline(
    const std::vector<std::vector<std::string>>& commands) override;
  // The same over commands held elsewhere (the cluster client sends parts of a caller's pipeline
  // without copying them).
  result<std::vector<result<redis_reply, redis_error>>, redis_error> pipeline(
    std::span<const std::vector<std::string>* const> commands);

  bool connected() const override;
  // Opens a fresh connection with the same options.
  result<void, redis_error> reconnect();
  const redis_options& options() const { return options_; }

  result<void, redis_error> ping();
  // Number of members newly added (updated scores do not count).
  result<std::int64_t, redis_error> zadd(std::string_view key, std::span<const redis_scored_member> members);
  // Members with min <= score <= max in ascending score order (ties: lexicographic member).
  result<std::vector<std::string>, redis_error> zrangebyscore(std::string_view key, double min, double max,
                                                 std::optional<redis_limit> limit = {});
  result<std::int64_t, redis_error> zremrangebyscore(std::string_view key, double min, double max);
  // Number of keys removed.
  result<std::int64_t, redis_error> del(std::string_view key);
  // False when the key does not exist.
  result<bool, redis_error> expire(std::string_view key, std::chrono::seconds ttl);

private:
  struct context_deleter {
    void operator()(redisContext* c) const;
  };
  redis_client(redis_options options, std::unique_ptr<redisContext, context_deleter> ctx);

  redis_options options_;
  std::unique_ptr<redisContext, context_deleter> ctx_;
};

// Shortest text that parses back to exactly `score` ("inf"/"-inf" included, which Redis accepts).
std::string format_redis_score(double score);

} // namespace cs::runtime
