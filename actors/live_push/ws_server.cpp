#include "actors/live_push/ws_server.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <caf/send.hpp>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "runtime/log/log.hpp"

namespace cs::live {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

constexpr std::string_view component = "ws";
constexpr std::size_t resume_threads = 2;
constexpr auto slow_close_grace = std::chrono::seconds(5); // a blocked write past this: hard close
// A final candle frame is about 350 bytes; pages are sized with room to spare.
constexpr std::size_t approx_candle_frame_bytes = 512;

} // namespace

// Sessions point at it plainly: they live only in its io_context's and resume pool's handlers,
// which it destroys (or joins) before it goes (a shared owner there would be a cycle, leaked).
struct ws_server::impl {
  ws_settings settings;
  history_reader history;
  std::shared_ptr<session_registry> registry = std::make_shared<session_registry>();
  live_hub_hdl hub;
  asio::io_context ioc;
  asio::executor_work_guard<asio::io_context::executor_type> work{ioc.get_executor()};
  asio::thread_pool resume_pool{resume_threads};
  std::vector<std::thread> threads;
  std::atomic<std::uint64_t> next_id{1};
  std::atomic<std::uint64_t> sessions_total{0}, refused{0}, messages_sent{0}, slow_drops{0}, bad_frames{0}, resumes{0};
  mutable std::mutex addresses_mutex;
  std::map<std::string, std::size_t> per_address; // open sessions per client address
  std::size_t open = 0;

  // Takes a session slot for `address`; 0 on success, else the HTTP status to refuse with.
  unsigned admit(const std::string& address) {
    std::lock_guard lock(addresses_mutex);
    if (open >= settings.max_sessions) return 503;
    auto& n = per_address[address];
    if (n >= settings.max_sessions_per_address) return 429;
    ++n;
    ++open;
    return 0;
  }
  void release(const std::string& address) {
    std::lock_guard lock(addresses_mutex);
    if (auto it = per_address.find(address); it != per_address.end() && --it->second == 0) per_address.erase(it);
    --open;
  }
};

namespace {

class ws_session final : public live_sink, public std::enable_shared_from_this<ws_session> {
public:
  ws_session(ws_server::impl* server, tcp::socket&& socket)
    : server_(server), id_(server_->next_id++), ws_(std::move(socket)), state_(server_->settings.session),
      timer_(ws_.get_executor()) {}

  void run() {
    beast::error_code ec;
    const auto peer = beast::get_lowest_layer(ws_).socket().remote_endpoint(ec);
    address_ = ec ? std::string("unknown") : peer.address().to_string();
    beast::get_lowest_layer(ws_).expires_after(std::chrono::nanoseconds(server_->settings.handshake_timeout));
    http::async_read(beast::get_lowest_layer(ws_), buffer_, request_,
                     [self = shared_from_this()](beast::error_code e, std::size_t) { self->on_request(e); });
  }

  // --- live_sink (hub thread): hop onto the strand
  void deliver(std::shared_ptr<const live_update> u) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), u = std::move(u)] {
      const auto now = wall_clock_now();
      for (const auto& f : u->finals) self->state_.on_final(f);
      if (!u->live.empty()) self->state_.on_live(u->live.back(), now);
      self->flush();
    });
  }
  void watching(const candle_key& key, bool) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), key] {
      auto it = self->resumes_.find(key);
      if (it == self->resumes_.end() || !self->state_.resuming(key)) return;
      self->want_history(key, it->second.since);
    });
  }
  void rewatched(const candle_key& key) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), key] {
      if (!self->state_.subscribed(key) || self->state_.resuming(key)) return;
      auto& r = self->resumes_[key];
      // Fill from the last final sent, or from the bucket the subscription began in.
      const auto since = self->state_.last_final(key).value_or(key.iv.bucket_start(r.subscribed_at) - 1);
      if (!self->state_.refill(key, since)) return;
      self->want_history(key, since);
    });
  }

private:
  struct resume_info {
    timestamp_ns since = 0;         // the next page starts after it
    timestamp_ns subscribed_at = 0;
    std::size_t read = 0;           // finals read by this resume so far
    bool queued = false;            // waiting in resume_queue_ or being read
  };

  void on_request(beast::error_code ec) {
    if (ec) return; // not even a handshake: nothing to undo
    if (const auto refuse = server_->admit(address_); refuse != 0) {
      ++server_->refused;
      auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(refuse), request_.version());
      res->set(http::field::content_type, "application/json");
      res->body() = refuse == 429 ? R"({"error":{"code":"too_many_sessions","message":"too many WebSocket sessions from this address"}})"
                                  : R"({"error":{"code":"unavailable","message":"this node holds as many WebSocket sessions as it may"}})";
      res->keep_alive(false);
      res->prepare_payload();
      http::async_write(beast::get_lowest_layer(ws_), *res, [self = shared_from_this(), res](beast::error_code, std::size_t) {
        beast::error_code ignored;
        beast::get_lowest_layer(self->ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
      });
      return;
    }
    admitted_ = true;
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout t;
    t.handshake_timeout = std::chrono::nanoseconds(server_->settings.handshake_timeout);
    t.idle_timeout = std::chrono::nanoseconds(server_->settings.idle_timeout);
    t.keep_alive_pings = true;
    ws_.set_option(t);
    ws_.read_message_max(server_->settings.protocol.max_frame_bytes);
    ws_.async_accept(request_, [self = shared_from_this()](beast::error_code e) { self->on_accept(e); });
  }

  void on_accept(beast::error_code ec) {
    if (ec) return finish();
    ++server_->sessions_total;
    server_->registry->add(id_, weak_from_this());
    read();
  }

  void read() {
    ws_.async_read(in_, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) return finish();
    if (!ws_.got_text()) {
      bad(ws_errc::not_text, "frames are JSON text; binary frames are not understood", std::nullopt);
    } else {
      const auto text = beast::buffers_to_string(in_.data());
      auto r = parse_client_message(text, server_->settings.protocol);
      if (!r.ok()) bad(r.error, r.message, r.id);
      else handle(r.op);
    }
    in_.consume(in_.size());
    flush();
    if (!closing_) read();
  }

  void bad(ws_errc e, const std::string& message, const std::optional<std::string>& id) {
    ++server_->bad_frames;
    state_.push_control(encode_error_message(e, message, id));
  }

  void handle(const client_op& op) {
    switch (op.kind) {
      case client_op_kind::ping: state_.push_control(encode_pong(op.id)); return;
      case client_op_kind::subscribe: {
        if (state_.subscription_count() + op.subscriptions.size() > server_->settings.session.max_subscriptions)
          return bad(ws_errc::too_many_subscriptions,
                     "a session may hold " + std::to_string(server_->settings.session.max_subscriptions) + " subscriptions", op.id);
        std::vector<subscription> added;
        const auto now = wall_clock_now();
        for (const auto& s : op.subscriptions) {
          if (state_.subscribe(s.key, s.since) != session_state::add_result::added) continue;
          resumes_[s.key] = resume_info{s.since.value_or(0), now, 0, false};
          added.push_back(s);
        }
        state_.push_control(encode_ack(op.kind, op.subscriptions, op.id));
        for (const auto& s : added) caf::anon_send(server_->hub, subscribe_atom::value, id_, s.key);
        return;
      }
      case client_op_kind::unsubscribe:
        for (const auto& s : op.subscriptions)
          if (state_.unsubscribe(s.key)) {
            resumes_.erase(s.key);
            caf::anon_send(server_->hub, unwatch_atom::value, id_, s.key);
          }
        state_.push_control(encode_ack(op.kind, op.subscriptions, op.id));
        return;
    }
  }

  // A resume of `key` from `since` (or a refill after a lost watch): its pages are read in turn.
  void want_history(const candle_key& key, timestamp_ns since) {
    auto& r = resumes_[key];
    r.since = since;
    r.read = 0;
    ++server_->resumes;
    if (!std::exchange(r.queued, true)) resume_queue_.push_back(key);
    pump_history();
  }

  // Reads the next history page on the resume pool: one page in flight per session, and only
  // while its queue is at most half full, so that a resume from long ago holds one page, not the
  // whole gap, and a client that reads too slowly for it is closed like any slow client.
  void pump_history() {
    const auto room = server_->settings.session.max_queue_bytes / 2;
    while (!page_in_flight_ && !closing_ && !resume_queue_.empty() && state_.queued_bytes() <= room) {
      const auto key = resume_queue_.front();
      resume_queue_.pop_front();
      auto it = resumes_.find(key);
      if (it == resumes_.end()) continue; // unsubscribed
      if (!state_.resuming(key)) {
        it->second.queued = false;
        continue;
      }
      page_in_flight_ = true;
      const auto limit = std::max<std::size_t>(1, room / approx_candle_frame_bytes);
      asio::post(server_->resume_pool, [self = shared_from_this(), key, since = it->second.since, limit] {
        auto r = self->server_->history(key, since, limit);
        asio::post(self->ws_.get_executor(), [self, key, r = std::move(r)]() mutable { self->on_history_page(key, std::move(r)); });
      });
    }
  }

  void on_history_page(const candle_key& key, history_result r) {
    page_in_flight_ = false;
    auto it = resumes_.find(key);
    if (it != resumes_.end() && state_.resuming(key)) {
      auto& info = it->second;
      info.read += r.finals.size();
      const auto max = server_->settings.max_resume_candles;
      std::string incomplete = r.error;
      if (incomplete.empty() && r.more && info.read >= max)
        incomplete = "more than " + std::to_string(max) + " final candles since the resume position; read the rest with /api/v1/candles";
      // No final in a page that says more would never move on: end there rather than loop.
      const bool last = !incomplete.empty() || !r.more || r.finals.empty();
      if (!incomplete.empty())
        state_.push_control(encode_error_message(ws_errc::resume_incomplete,
                                                 "resume of " + key.symbol + " " + key.iv.to_string() + " incomplete: " + incomplete,
                                                 std::nullopt));
      if (!r.finals.empty()) info.since = std::max(info.since, r.finals.back().open_time);
      state_.on_history(key, std::move(r.finals), wall_clock_now(), last);
      if (last) info.queued = false;
      else resume_queue_.push_back(key); // after the other keys waiting: each resume moves on
    } else if (it != resumes_.end()) {
      it->second.queued = false;
    }
    flush();
  }

  // Writes what is queued, one frame at a time; closes a session that fell too far behind.
  void flush() {
    if (closing_) return;
    if (state_.overflowed()) return slow();
    arm_timer();
    pump_history();
    if (writing_ || !state_.has_output()) return;
    writing_ = true;
    out_ = state_.pop_output();
    ws_.text(true);
    ws_.async_write(asio::buffer(out_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->writing_ = false;
      if (ec) return self->finish();
      ++self->server_->messages_sent;
      if (self->close_after_write_) return self->close(websocket::close_code::policy_error, "slow client");
      self->flush();
    });
  }

  void slow() {
    closing_ = true;
    ++server_->slow_drops;
    if (!writing_) return close(websocket::close_code::policy_error, "slow client");
    // A write is in flight (Beast allows one at a time): close after it, or drop the connection
    // if the client does not take even that.
    close_after_write_ = true;
    timer_.expires_after(slow_close_grace);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      beast::error_code ignored;
      beast::get_lowest_layer(self->ws_).socket().close(ignored);
    });
  }

  void close(websocket::close_code code, const char* reason) {
    closing_ = true;
    timer_.cancel();
    ws_.async_close(websocket::close_reason(code, reason), [self = shared_from_this()](beast::error_code) { self->finish(); });
  }

  // Sends the throttled live updates when they are due.
  void arm_timer() {
    if (closing_) return;
    const auto due = state_.next_due();
    if (!due || (timer_armed_ && *due >= armed_for_)) return;
    timer_armed_ = true;
    armed_for_ = *due;
    timer_.expires_after(std::chrono::nanoseconds(std::max<timestamp_ns>(0, *due - wall_clock_now())));
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      self->timer_armed_ = false;
      if (ec || self->closing_) return;
      self->state_.on_tick(wall_clock_now());
      self->flush();
    });
  }

  // The session ended (closed, failed or timed out): tell the hub, free the slot.
  void finish() {
    if (std::exchange(finished_, true)) return;
    closing_ = true;
    timer_.cancel();
    if (!admitted_) return;
    server_->registry->remove(id_);
    caf::anon_send(server_->hub, drop_atom::value, id_);
    server_->release(address_);
  }

  ws_server::impl* server_;
  std::uint64_t id_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_, in_;
  http::request<http::string_body> request_;
  session_state state_;
  asio::steady_timer timer_;
  std::map<candle_key, resume_info> resumes_;
  std::deque<candle_key> resume_queue_; // keys whose next history page is wanted, in turn
  bool page_in_flight_ = false;
  std::string address_, out_;
  timestamp_ns armed_for_ = 0;
  bool admitted_ = false, writing_ = false, closing_ = false, close_after_write_ = false, finished_ = false, timer_armed_ = false;
};

} // namespace

ws_server::ws_server(ws_settings settings, history_reader history) : impl_(std::make_unique<impl>()) {
  impl_->settings = std::move(settings);
  impl_->history = std::move(history);
}

ws_server::~ws_server() { stop(); }

std::shared_ptr<session_registry> ws_server::registry() const { return impl_->registry; }

void ws_server::start(live_hub_hdl hub) {
  impl_->hub = std::move(hub);
  for (std::size_t i = 0; i < std::max<std::size_t>(1, impl_->settings.threads); ++i)
    impl_->threads.emplace_back([i = impl_.get()] { i->ioc.run(); });
}

void ws_server::stop() {
  if (impl_->threads.empty()) return;
  impl_->work.reset();
  impl_->ioc.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
  impl_->resume_pool.join();
}

void ws_server::adopt(int fd) {
  sockaddr_storage local{};
  socklen_t len = sizeof(local);
  const bool v6 = ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) == 0 && local.ss_family == AF_INET6;
  tcp::socket socket(asio::make_strand(impl_->ioc));
  beast::error_code ec;
  socket.assign(v6 ? tcp::v6() : tcp::v4(), fd, ec);
  if (ec) {
    runtime::log_warn(component, "cannot take over a connection: " + ec.message());
    ::close(fd);
    return;
  }
  std::make_shared<ws_session>(impl_.get(), std::move(socket))->run();
}

ws_counters ws_server::stats() const {
  ws_counters c;
  {
    std::lock_guard lock(impl_->addresses_mutex);
    c.sessions = impl_->open;
  }
  c.sessions_total = impl_->sessions_total;
  c.refused = impl_->refused;
  c.messages_sent = impl_->messages_sent;
  c.slow_drops = impl_->slow_drops;
  c.bad_frames = impl_->bad_frames;
  c.resumes = impl_->resumes;
  return c;
}

} // namespace cs::live
