#pragma once
// How a node's HTTP server is tuned; candle-bench's ceiling server uses the same, so that the
// benchmark compares what the node does per request and nothing else. Call it before binding:
// socket options apply to the listening socket, which accepted connections inherit.
#include <httplib.h>

#include <sys/socket.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

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

// Binds `server` to host:port (0: any free port) with a listen backlog of `backlog`; returns the
// port, or -1 when it could not be bound. Debian's cpp-httplib 0.11 listens with a backlog of 5
// (compiled into the library): a burst of connections (hundreds of WebSocket clients reconnecting
// at once) overflows it, and every dropped SYN costs its client a one-second retransmit. Linux
// lets listen() on a listening socket change its backlog, so it is raised right after binding.
inline int bind_http_server(httplib::Server& server, const std::string& host, int port, int backlog = SOMAXCONN) {
  auto listening = std::make_shared<socket_t>(INVALID_SOCKET);
  server.set_socket_options([listening](socket_t sock) {
    httplib::default_socket_options(sock);
    *listening = sock;
  });
  if (port == 0) {
    port = server.bind_to_any_port(host);
    if (port <= 0) return -1;
  } else if (!server.bind_to_port(host, port)) {
    return -1;
  }
  return ::listen(*listening, backlog) == 0 ? port : -1;
}

} // namespace cs::gateway
