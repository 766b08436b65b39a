#include "actors/http_gateway/http_listener.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstring>
#include <thread>

namespace cs::gateway {
namespace {

constexpr std::size_t max_peek_bytes = 8192; // a WebSocket handshake is far smaller

// Waits until `sock` is readable (or writable) for at most the given time; true when it is.
bool wait_for(socket_t sock, short events, time_t sec, time_t usec) {
  pollfd p{sock, events, 0};
  const auto ms = static_cast<int>(sec * 1000 + usec / 1000);
  int r;
  do r = ::poll(&p, 1, ms);
  while (r < 0 && errno == EINTR);
  return r > 0 && (p.revents & (events | POLLHUP | POLLERR)) != 0;
}

std::string ip_of(const sockaddr_storage& a, socklen_t len, int& port) {
  std::array<char, NI_MAXHOST> host{};
  std::array<char, NI_MAXSERV> serv{};
  if (::getnameinfo(reinterpret_cast<const sockaddr*>(&a), len, host.data(), host.size(), serv.data(), serv.size(),
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
    return {};
  port = std::atoi(serv.data());
  return host.data();
}

// A connected socket as cpp-httplib's Stream, with a read buffer: the library reads request
// lines a byte at a time.
class socket_stream final : public httplib::Stream {
public:
  socket_stream(socket_t sock, time_t rs, time_t rus, time_t ws, time_t wus)
    : sock_(sock), read_sec_(rs), read_usec_(rus), write_sec_(ws), write_usec_(wus) {}

  bool is_readable() const override { return wait_for(sock_, POLLIN, read_sec_, read_usec_); }
  bool is_writable() const override { return wait_for(sock_, POLLOUT, write_sec_, write_usec_); }

  ssize_t read(char* ptr, size_t size) override {
    if (off_ < len_) return take(ptr, size);
    if (!is_readable()) return -1;
    if (size >= buffer_.size()) return recv_some(ptr, size);
    const auto n = recv_some(buffer_.data(), buffer_.size());
    if (n <= 0) return n;
    off_ = 0;
    len_ = static_cast<size_t>(n);
    return take(ptr, size);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!is_writable()) return -1;
    ssize_t n;
    do n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage a{};
    socklen_t len = sizeof(a);
    if (::getpeername(sock_, reinterpret_cast<sockaddr*>(&a), &len) == 0) ip = ip_of(a, len, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage a{};
    socklen_t len = sizeof(a);
    if (::getsockname(sock_, reinterpret_cast<sockaddr*>(&a), &len) == 0) ip = ip_of(a, len, port);
  }
  socket_t socket() const override { return sock_; }

private:
  ssize_t take(char* ptr, size_t size) {
    const auto n = std::min(size, len_ - off_);
    std::memcpy(ptr, buffer_.data() + off_, n);
    off_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t recv_some(char* ptr, size_t size) {
    ssize_t n;
    do n = ::recv(sock_, ptr, size, 0);
    while (n < 0 && errno == EINTR);
    return n;
  }

  socket_t sock_;
  time_t read_sec_, read_usec_, write_sec_, write_usec_;
  std::array<char, 4096> buffer_{};
  size_t off_ = 0, len_ = 0;
};

bool iequals_prefix(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool contains_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    const auto part = trim(value.substr(0, comma));
    if (part.size() == token.size() && iequals_prefix(part, token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

} // namespace

void http_listener::on_websocket(std::string path, upgrade_handler handler) {
  ws_path_ = std::move(path);
  ws_handler_ = std::move(handler);
}

bool http_listener::is_websocket_upgrade(std::string_view head, std::string_view path) {
  const auto eol = head.find("\r\n");
  if (eol == std::string_view::npos) return false;
  auto line = head.substr(0, eol);
  if (!line.starts_with("GET ")) return false;
  line.remove_prefix(4);
  const auto target = line.substr(0, line.find(' '));
  if (target.substr(0, target.find('?')) != path) return false;
  bool upgrade = false, connection = false;
  auto rest = head.substr(eol + 2);
  while (!rest.empty()) {
    const auto end = rest.find("\r\n");
    const auto h = rest.substr(0, end);
    if (iequals_prefix(h, "upgrade:")) upgrade = contains_token(h.substr(8), "websocket");
    if (iequals_prefix(h, "connection:")) connection = contains_token(h.substr(11), "upgrade");
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 2);
  }
  return upgrade && connection;
}

bool http_listener::process_and_close_socket(socket_t sock) {
  if (ws_handler_) {
    // Looks at the first request without consuming it: MSG_PEEK until its blank line is in.
    std::array<char, max_peek_bytes> head{};
    ssize_t n = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(read_timeout_sec_) +
                          std::chrono::microseconds(read_timeout_usec_);
    while (wait_for(sock, POLLIN, read_timeout_sec_, read_timeout_usec_)) {
      do n = ::recv(sock, head.data(), head.size(), MSG_PEEK);
      while (n < 0 && errno == EINTR);
      if (n <= 0) break;
      const std::string_view seen(head.data(), static_cast<size_t>(n));
      if (seen.find("\r\n\r\n") != std::string_view::npos || static_cast<size_t>(n) == head.size()) break;
      if (!seen.starts_with("GET ") && !std::string_view("GET ").starts_with(seen)) break; // not an upgrade
      if (std::chrono::steady_clock::now() >= deadline) break;
      // More of the head is on its way: wait a little instead of spinning on the same bytes.
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (n > 0 && is_websocket_upgrade(std::string_view(head.data(), static_cast<size_t>(n)), ws_path_)) {
      ws_handler_(sock);
      return true;
    }
  }
  return serve_http(sock);
}

// The library's own loop: up to keep_alive_max_count requests per connection, each waited for
// at most keep_alive_timeout, while the server runs.
bool http_listener::serve_http(socket_t sock) {
  socket_stream strm(sock, read_timeout_sec_, read_timeout_usec_, write_timeout_sec_, write_timeout_usec_);
  bool ret = false;
  for (auto count = keep_alive_max_count_; count > 0 && svr_sock_ != INVALID_SOCKET; --count) {
    if (!wait_for(sock, POLLIN, keep_alive_timeout_sec_, 0)) break;
    bool connection_closed = false;
    ret = process_request(strm, count == 1, connection_closed, nullptr);
    if (!ret || connection_closed) break;
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ret;
}

} // namespace cs::gateway
