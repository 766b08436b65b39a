#pragma once
// The node's HTTP server: cpp-httplib's Server, except that a connection whose first request is a
// WebSocket upgrade to /ws is handed over (its socket, nothing read from it yet) to the WebSocket
// server, so that /ws shares the node's HTTP port. cpp-httplib 0.11 has no upgrade support; it
// does let a subclass take over a connection (process_and_close_socket is virtual) and serve
// requests itself (process_request is protected), which is what this class does for every other
// connection: the same keep-alive loop and timeouts as the library's own.
// Thread-safety: as httplib::Server; the upgrade handler runs on the accepting worker thread and
// must not block.
// Failure semantics: a connection that sends nothing within the read timeout is closed, as
// httplib does; the handler owns (and must close) every socket it is given.
#include <httplib.h>

#include <functional>
#include <string_view>

namespace cs::gateway {

class http_listener : public httplib::Server {
public:
  using upgrade_handler = std::function<void(socket_t sock)>;
  // Connections upgrading to `path` go to `handler` (set before listening).
  void on_websocket(std::string path, upgrade_handler handler);

  // True when `head` (the bytes of a request up to its blank line) asks to upgrade to a
  // WebSocket at `path` (query string allowed).
  static bool is_websocket_upgrade(std::string_view head, std::string_view path);

private:
  bool process_and_close_socket(socket_t sock) override;
  bool serve_http(socket_t sock);

  std::string ws_path_;
  upgrade_handler ws_handler_;
};

} // namespace cs::gateway
