#pragma once
// What the L2 cache (runtime/redis/candle_l2.hpp) needs of a Redis connection: one command, a
// pipeline, and whether the connection is usable. A single server (redis_client) and a Redis
// Cluster (redis_cluster_client) both provide it, so the cache code is the same for both.
// Not thread-safe; failures are redis_error values (runtime/redis/errc.hpp), never exceptions.
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/redis/errc.hpp"
#include "runtime/redis/reply.hpp"
#include "runtime/result.hpp"

namespace cs::runtime {

class redis_commands {
public:
  virtual ~redis_commands() = default;

  // argv[0] is the command name; every argument is sent binary-safe.
  virtual result<redis_reply, redis_error> command(std::span<const std::string_view> argv) = 0;
  result<redis_reply, redis_error> command(std::initializer_list<std::string_view> argv) {
    return command(std::span<const std::string_view>{argv.begin(), argv.size()});
  }
  // One result per command, in order; an error reply fails only its own command. How a broken
  // connection fails the call is the implementation's (see its header).
  virtual result<std::vector<result<redis_reply, redis_error>>, redis_error> pipeline(
    const std::vector<std::vector<std::string>>& commands) = 0;
  // False once the connection cannot be used without being made again.
  virtual bool connected() const = 0;

protected:
  redis_commands() = default;
  redis_commands(const redis_commands&) = default;
  redis_commands(redis_commands&&) = default;
  redis_commands& operator=(const redis_commands&) = default;
  redis_commands& operator=(redis_commands&&) = default;
};

} // namespace cs::runtime
