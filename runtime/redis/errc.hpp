#pragma once
// Why a Redis call failed (runtime/redis/client.hpp). The code decides what the caller does;
// the reason names the endpoint and command for logs.
#include <cstdint>

#include "runtime/result.hpp"

namespace cs::runtime {

enum class redis_errc : std::uint8_t {
  /// The TCP connection could not be made (refused, unreachable, timed out).
  connect_failed = 1,
  /// The connection broke earlier; reconnect() before the next command.
  disconnected,
  /// Sending the command or reading its reply failed or timed out; the connection is now broken.
  io_failed,
  /// Redis answered with an error reply (wrong type, OOM, a script error, ...).
  error_reply,
  /// Redis answered with a reply of a type the command never returns.
  unexpected_reply,
  /// The caller passed a request that cannot be sent (e.g. an empty command).
  bad_request,
  /// Redis Cluster: no seed or known node answered CLUSTER SLOTS, or no master serves the slot.
  cluster_unavailable,
  /// Redis Cluster: a command was still redirected (MOVED/ASK) after the client's bound of hops.
  too_many_redirects,
};

using redis_error = coded_error<redis_errc>;

} // namespace cs::runtime
