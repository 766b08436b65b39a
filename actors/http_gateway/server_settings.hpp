#pragma once
// How a node's HTTP server is tuned; candle-bench's ceiling server uses the same, so that the
// benchmark compares what the node does per request and nothing else. Call it before binding:
// socket options apply to the listening socket, which accepted connections inherit.
#include <httplib.h>

#include <chrono>
#include <cstddef>

namespace cs::gateway {

inline void tune_http_server(httplib::Server& server, std::size_t threads) {
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_read_timeout(std::chrono::seconds(5));
  server.set_write_timeout(std::chrono::seconds(5));
  // Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm and the
  // client's delayed ACK hold a small body back for ~40 ms.
  server.set_tcp_nodelay(true);
  // Keep-alive stays at httplib's 5 requests per connection: a connection holds a worker thread
  // while it is open, so with more clients than threads long keep-alives starve the others.
}

} // namespace cs::gateway
