#include "ws_bench.hpp"

#include "bench_util.hpp"
#include "proc_cpu.hpp"

#include "bench_node.hpp"
#include "child_process.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdint>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "messages/event_json.hpp"
#include "runtime/config/config.hpp"
#include "runtime/kafka/admin.hpp"
#include "runtime/kafka/consumer.hpp"
#include "runtime/kafka/producer.hpp"
#include "runtime/postgres/client.hpp"
#include "runtime/postgres/connection_params.hpp"

namespace cs::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using json = nlohmann::json;

constexpr std::chrono::milliseconds poll_every{20};
constexpr std::chrono::seconds connect_timeout{30};  // TCP connect + upgrade of one session
constexpr double receipt_grace_s = 5;                // after the last measured event, for the last frames
constexpr long kib = 1024;
constexpr std::size_t fd_reserve = 256;              // descriptors kept for Kafka, PostgreSQL, HTTP

// Runs `f` when the scope ends, however it ends.
// --- the WebSocket clients ----------------------------------------------------------------------

// Every frame some sessions receive, with its arrival time (--trace).
struct frame_trace {
  std::mutex mutex;
  std::ofstream out;
};

// One session: connects, upgrades to /ws, subscribes to (symbol, 1s) and reads until the end.
// Every frame whose lastTs is newer than the last one seen is an update; while `recording` is on,
// it is kept with its arrival time (wall clock, taken before parsing) if its event was stamped at
// or after `record_from` (an older one, e.g. the warm-up's, is not one the bench waits for).
class ws_client : public std::enable_shared_from_this<ws_client> {
public:
  enum class phase { idle, connecting, subscribed, failed, closed };

  ws_client(asio::io_context& ioc, std::string symbol, std::string host, const std::atomic<bool>& recording,
            const std::atomic<timestamp_ns>& record_from, frame_trace* trace)
    : ws_(asio::make_strand(ioc)), symbol_(std::move(symbol)), host_(std::move(host)), recording_(recording), record_from_(record_from),
      symbol_field_("\"symbol\":\"" + symbol_ + "\""), trace_(trace) {}

  // `done(ok)` once subscribed (acked) or failed; runs on the client's strand.
  void start(const tcp::endpoint& ep, std::function<void(bool)> done) {
    done_ = std::move(done);
    phase_.store(phase::connecting);
    beast::get_lowest_layer(ws_).expires_after(connect_timeout);
    beast::get_lowest_layer(ws_).async_connect(ep, [self = shared_from_this()](beast::error_code ec) { self->on_connect(ec); });
  }

  phase state() const { return phase_.load(); }
  std::string failure() const {
    std::lock_guard lock(mutex_);
    return failure_;
  }
  const std::string& symbol() const { return symbol_; }
  timestamp_ns last_update_ns() const { return last_update_ns_.load(); }
  std::uint64_t updates() const { return updates_.load(); }
  std::uint64_t error_frames() const { return error_frames_.load(); }
  // (event time = lastTs, arrival) of the updates recorded so far, in arrival order.
  std::vector<std::pair<timestamp_ns, timestamp_ns>> take_receipts() {
    std::lock_guard lock(mutex_);
    return std::exchange(receipts_, {});
  }
  std::size_t receipt_count() const { return receipt_count_.load(); }

private:
  void on_connect(beast::error_code ec) {
    if (ec) return fail("connect: " + ec.message());
    beast::get_lowest_layer(ws_).expires_never();
    auto t = websocket::stream_base::timeout::suggested(beast::role_type::client);
    t.handshake_timeout = connect_timeout;
    ws_.set_option(t);
    ws_.async_handshake(host_, "/ws", [self = shared_from_this()](beast::error_code e) { self->on_handshake(e); });
  }

  void on_handshake(beast::error_code ec) {
    if (ec) return fail("handshake: " + ec.message());
    out_ = json{{"op", "subscribe"}, {"subscriptions", json::array({json{{"symbol", symbol_}, {"interval", "1s"}}})}, {"id", "b"}}.dump();
    ws_.text(true);
    ws_.async_write(asio::buffer(out_), [self = shared_from_this()](beast::error_code e, std::size_t) {
      if (e) return self->fail("subscribe: " + e.message());
      self->read();
    });
  }

  void read() {
    ws_.async_read(in_, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    const timestamp_ns now = wall_clock_now();
    if (ec) {
      if (phase_.load() == phase::subscribed) {
        phase_.store(phase::closed);
        std::lock_guard lock(mutex_);
        failure_ = "closed: " + ec.message() + (ws_.reason().code != 0 ? " (close code " + std::to_string(ws_.reason().code) + ")" : "");
        return;
      }
      return fail("read: " + ec.message());
    }
    const auto data = in_.cdata();
    const std::string_view frame(static_cast<const char*>(data.data()), data.size());
    if (trace_) {
      std::lock_guard lock(trace_->mutex);
      trace_->out << now << ' ' << frame << '\n';
    }
    if (frame.starts_with(R"({"type":"candle",)")) on_candle(frame, now);
    else on_control(frame);
    in_.consume(in_.size());
    read();
  }

  // The node writes candle frames itself (messages/candle_json.hpp): read the two fields wanted
  // without a full parse, so the client's cost per frame stays small next to the node's.
  void on_candle(std::string_view frame, timestamp_ns now) {
    constexpr std::string_view last_ts_field = "\"lastTs\":";
    const auto at = frame.find(last_ts_field);
    if (at == std::string_view::npos || frame.find(symbol_field_) == std::string_view::npos) return;
    const char* begin = frame.data() + at + last_ts_field.size();
    timestamp_ns last_ts = 0;
    if (std::from_chars(begin, frame.data() + frame.size(), last_ts).ec != std::errc{}) return;
    if (last_ts <= last_ts_seen_) return; // the final of a bucket already seen live, or a repeat
    last_ts_seen_ = last_ts;
    last_update_ns_.store(now);
    ++updates_;
    if (recording_.load(std::memory_order_relaxed) && last_ts >= record_from_.load(std::memory_order_relaxed)) {
      std::lock_guard lock(mutex_);
      receipts_.emplace_back(last_ts, now);
      ++receipt_count_;
    }
  }

  void on_control(std::string_view frame) {
    const auto j = json::parse(frame, nullptr, false);
    const std::string type = j.is_object() ? j.value("type", "") : "";
    if (type == "subscribed" && phase_.load() == phase::connecting) {
      phase_.store(phase::subscribed);
      if (auto d = std::exchange(done_, nullptr)) d(true);
    } else if (type == "error") {
      ++error_frames_;
      if (phase_.load() == phase::connecting) fail("error frame: " + std::string(frame.substr(0, 200)));
    }
  }

  void fail(std::string why) {
    {
      std::lock_guard lock(mutex_);
      failure_ = std::move(why);
    }
    phase_.store(phase::failed);
    if (auto d = std::exchange(done_, nullptr)) d(false);
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer in_;
  std::string out_;
  const std::string symbol_, host_;
  const std::atomic<bool>& recording_;
  const std::atomic<timestamp_ns>& record_from_;
  const std::string symbol_field_;
  frame_trace* const trace_;
  std::function<void(bool)> done_;
  timestamp_ns last_ts_seen_ = 0; // strand only
  std::atomic<phase> phase_{phase::idle};
  std::atomic<timestamp_ns> last_update_ns_{0};
  std::atomic<std::uint64_t> updates_{0}, error_frames_{0};
  std::atomic<std::size_t> receipt_count_{0};
  mutable std::mutex mutex_;
  std::string failure_;
  std::vector<std::pair<timestamp_ns, timestamp_ns>> receipts_;
};

// The bench's clients and the threads that run them.
class client_pool {
public:
  client_pool(int port, int threads) : ep_(asio::ip::make_address_v4("127.0.0.1"), static_cast<unsigned short>(port)),
                                       host_("127.0.0.1:" + std::to_string(port)) {
    for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { ioc_.run(); });
  }
  ~client_pool() { stop(); }
  client_pool(const client_pool&) = delete;
  client_pool& operator=(const client_pool&) = delete;

  void stop() {
    work_.reset();
    ioc_.stop();
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }

  struct open_result {
    std::size_t acked = 0, failed = 0;
    std::string first_failure;
  };
  // Opens sessions for `symbols` (one each), at most `parallel` handshakes at once, until each is
  // subscribed or failed, or `timeout_s` passed (those left count as failed).
  // Sessions [0, traced) write their frames to `trace`.
  open_result open(const std::vector<std::string>& symbols, std::size_t parallel, double timeout_s, frame_trace* trace = nullptr,
                   std::size_t traced = 0) {
    const std::size_t first = clients.size();
    for (const auto& s : symbols)
      clients.push_back(
        std::make_shared<ws_client>(ioc_, s, host_, recording, record_from, clients.size() < traced ? trace : nullptr));
    // Shared with the callbacks: a client may still answer after this returns (its own timeouts end it).
    struct progress {
      std::atomic<std::size_t> in_flight{0}, acked{0}, failed{0};
    };
    auto p = std::make_shared<progress>();
    std::size_t next = first;
    const auto t0 = clock_type::now();
    while (p->acked.load() + p->failed.load() < symbols.size() && seconds_since(t0) < timeout_s) {
      while (next < clients.size() && p->in_flight.load() < parallel) {
        ++p->in_flight;
        clients[next++]->start(ep_, [p](bool ok) {
          ++(ok ? p->acked : p->failed);
          --p->in_flight;
        });
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    open_result r;
    r.acked = p->acked.load();
    r.failed = symbols.size() - r.acked;
    for (std::size_t i = first; i < clients.size() && r.first_failure.empty(); ++i)
      if (clients[i]->state() != ws_client::phase::subscribed)
        r.first_failure = clients[i]->state() == ws_client::phase::failed ? clients[i]->failure() : "no ack within the timeout";
    return r;
  }

  std::size_t count(ws_client::phase p, std::size_t from = 0, std::size_t to = SIZE_MAX) const {
    std::size_t n = 0;
    for (std::size_t i = from; i < std::min(to, clients.size()); ++i) n += clients[i]->state() == p;
    return n;
  }
  std::size_t receipts(std::size_t from, std::size_t to) const {
    std::size_t n = 0;
    for (std::size_t i = from; i < std::min(to, clients.size()); ++i) n += clients[i]->receipt_count();
    return n;
  }

private:
  // First: destroyed last, after the clients whose sockets it serves.
  asio::io_context ioc_;
  asio::executor_work_guard<asio::io_context::executor_type> work_{ioc_.get_executor()};
  tcp::endpoint ep_;
  std::string host_;

public:
  std::atomic<bool> recording{false};       // the clients keep updates while on...
  std::atomic<timestamp_ns> record_from{0}; // ... of events stamped from this time on
  std::vector<std::shared_ptr<ws_client>> clients;

private:
  std::vector<std::thread> threads_;
};

// --- the events ---------------------------------------------------------------------------------

// Produces events round-robin over the symbols at a steady rate on its own thread, each stamped
// with the wall clock right before produce (strictly increasing per symbol): an update's lastTs
// is the time its event was produced.
class feeder {
public:
  feeder(const runtime::config& cfg, std::string topic, const std::vector<std::string>& symbols)
    : topic_(std::move(topic)), symbols_(symbols), last_ts_(symbols.size(), 0), produced_(symbols.size()),
      producer_({{"bootstrap.servers", cfg.get(runtime::keys::kafka_brokers)}, {"linger.ms", "0"}, {"acks", "all"},
                 {"enable.idempotence", "true"}},
                [this](const runtime::kafka_delivery_report& r) { failed_ += !r.status.ok(); }) {}
  ~feeder() { stop(); }
  feeder(const feeder&) = delete;
  feeder& operator=(const feeder&) = delete;

  // One event per symbol, delivered: every candle actor exists before sessions subscribe.
  bool warm_up(std::ostream& log) {
    for (std::size_t s = 0; s < symbols_.size(); ++s)
      if (!produce_one(s, false)) return false;
    if (auto st = producer_.flush(std::chrono::seconds(30)); !st.ok() || failed_ > 0) {
      log << "warm-up flush failed: " << st.reason << " (" << failed_ << " failed deliveries)\n";
      return false;
    }
    return true;
  }

  // Starts producing `count` events (0: until stop()) at `rate`; with `record`, their times are
  // kept per symbol (produced()).
  void start(std::size_t count, double rate, bool record) {
    stop();
    stop_.store(false);
    done_.store(false);
    thread_ = std::thread([this, count, rate, record] {
      const auto t0 = clock_type::now();
      std::size_t s = next_symbol_;
      for (std::size_t i = 0; (count == 0 || i < count) && !stop_.load(); ++i) {
        std::this_thread::sleep_until(t0 + std::chrono::duration_cast<clock_type::duration>(
                                             std::chrono::duration<double>(static_cast<double>(i) / rate)));
        if (!produce_one(s, record)) break;
        s = (s + 1) % symbols_.size();
        producer_.poll();
        ++sent_;
      }
      next_symbol_ = s;
      (void)producer_.flush(std::chrono::seconds(30));
      done_.store(true);
    });
  }
  void stop() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
  }
  bool done() const { return done_.load(); }
  std::size_t sent() const { return sent_.load(); }
  std::uint64_t failed() const { return failed_; } // after stop()
  // Event times of the recorded events, per symbol (after stop()).
  const std::vector<std::vector<timestamp_ns>>& produced() const { return produced_; }
  void clear_produced() {
    for (auto& p : produced_) p.clear();
  }

private:
  bool produce_one(std::size_t s, bool record) {
    bid_ask_event e;
    e.symbol = symbols_[s];
    const double mid = 100.0 + static_cast<double>(sent_.load() % 1000) * 0.01;
    e.bid = mid - 0.01;
    e.ask = mid + 0.01;
    e.ts = std::max(wall_clock_now(), last_ts_[s] + 1);
    last_ts_[s] = e.ts;
    payload_.clear();
    append_event_json(payload_, e, event_time_field::nanos);
    if (auto st = producer_.produce_waiting(topic_, e.symbol, payload_); !st.ok()) {
      std::cerr << "candle-bench ws: produce failed: " << st.reason << "\n";
      return false;
    }
    if (record) produced_[s].push_back(e.ts);
    return true;
  }

  std::string topic_;
  std::vector<std::string> symbols_;
  std::vector<timestamp_ns> last_ts_;
  std::vector<std::vector<timestamp_ns>> produced_;
  std::string payload_;
  std::uint64_t failed_ = 0;
  runtime::kafka_producer producer_;
  std::thread thread_;
  std::atomic<bool> stop_{false}, done_{false};
  std::atomic<std::size_t> sent_{0};
  std::size_t next_symbol_ = 0;
};

// The ceiling: a bare consumer of the same topic (own partitions, no group) timing each event
// from its stamp to its arrival here, i.e. what Kafka alone costs. Records events stamped at or
// after `from` while running.
class kafka_watch {
public:
  // librdkafka's consumer poll needs a group.id even for assigned partitions (without one every
  // poll is an error, and poll_batch never returns).
  kafka_watch(const runtime::config& cfg, const std::string& topic, const std::string& group, int partitions, timestamp_ns from)
    : consumer_({{"bootstrap.servers", cfg.get(runtime::keys::kafka_brokers)}, {"group.id", group},
                 {"enable.partition.eof", "false"}, {"fetch.wait.max.ms", "50"}}) {
    std::vector<runtime::kafka_topic_partition> parts;
    for (int p = 0; p < partitions; ++p) parts.push_back({topic, p, runtime::kafka_offset_end});
    ok_ = consumer_.assign(parts).ok();
    if (!ok_) return;
    thread_ = std::thread([this, from] {
      std::vector<runtime::kafka_record> batch;
      constexpr std::string_view ts_field = "\"timestampNs\":";
      while (!stop_.load()) {
        batch.clear();
        (void)consumer_.poll_batch(batch, 1024, std::chrono::milliseconds(50)); // returns at the first record
        const timestamp_ns now = wall_clock_now();
        for (const auto& r : batch) {
          const auto at = r.value.find(ts_field);
          timestamp_ns ts = 0;
          if (at == std::string::npos ||
              std::from_chars(r.value.data() + at + ts_field.size(), r.value.data() + r.value.size(), ts).ec != std::errc{} || ts < from)
            continue;
          std::lock_guard lock(mutex_);
          ms_.push_back(static_cast<double>(now - ts) / 1e6);
        }
      }
    });
  }
  ~kafka_watch() { stop(); }
  kafka_watch(const kafka_watch&) = delete;
  kafka_watch& operator=(const kafka_watch&) = delete;
  bool ok() const { return ok_; }
  void stop() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
  }
  // Sorted latencies (after stop()).
  std::vector<double> latencies() {
    std::lock_guard lock(mutex_);
    std::sort(ms_.begin(), ms_.end());
    return ms_;
  }

private:
  runtime::kafka_consumer consumer_;
  bool ok_ = false;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<double> ms_;
  std::thread thread_;
};

// --- the node -----------------------------------------------------------------------------------

std::optional<std::string> http_get(int port, const std::string& path) {
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(std::chrono::seconds(5));
  c.set_read_timeout(std::chrono::seconds(10));
  auto r = c.Get(path);
  if (!r || r->status != 200) return std::nullopt;
  return r->body;
}

// The node's candlestream_ws_* counters from /metrics (name without the prefix -> value).
json ws_metrics(int port) {
  json j = json::object();
  const auto body = http_get(port, "/metrics");
  if (!body) return j;
  std::istringstream in(*body);
  std::string line;
  constexpr std::string_view prefix = "candlestream_ws_";
  while (std::getline(in, line)) {
    if (!line.starts_with(prefix)) continue;
    const auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    const auto name = line.substr(prefix.size(), line.find_first_of(" {") - prefix.size());
    try {
      j[name] = std::stod(line.substr(space + 1));
    } catch (const std::exception&) {
    }
  }
  return j;
}

// TcpExt ListenOverflows of this network namespace (/proc/net/netstat): connections the kernel
// dropped because a listener's accept queue was full; -1 when unreadable.
long long listen_overflows() {
  std::ifstream in("/proc/net/netstat");
  std::string names, values;
  while (std::getline(in, names) && std::getline(in, values)) {
    if (!names.starts_with("TcpExt:")) continue;
    std::istringstream n(names), v(values);
    std::string name, value;
    while (n >> name && v >> value)
      if (name == "ListenOverflows") return std::stoll(value);
  }
  return -1;
}

struct latency_figures {
  std::vector<double> ms; // sorted
  std::size_t expected = 0, missing = 0, events_everywhere = 0, events = 0, events_nowhere = 0;
  std::vector<std::string> nowhere_samples; // a few events no session got, for the log
  std::optional<std::pair<std::size_t, timestamp_ns>> first_nowhere; // (symbol, event time)
};

// Matches each session's updates with the events produced for its symbol.
latency_figures match(client_pool& pool, std::size_t sessions, const std::vector<std::string>& symbols,
                      const std::vector<std::vector<timestamp_ns>>& produced) {
  latency_figures f;
  std::vector<std::vector<std::size_t>> reached(symbols.size()); // per symbol, per event: sessions reached
  std::vector<std::size_t> subscribers(symbols.size(), 0);
  for (std::size_t s = 0; s < symbols.size(); ++s) reached[s].assign(produced[s].size(), 0);
  for (std::size_t i = 0; i < sessions; ++i) {
    const std::size_t s = i % symbols.size();
    ++subscribers[s];
    auto got = pool.clients[i]->take_receipts();
    std::sort(got.begin(), got.end());
    const auto& want = produced[s];
    f.expected += want.size();
    std::size_t k = 0;
    for (std::size_t e = 0; e < want.size(); ++e) {
      while (k < got.size() && got[k].first < want[e]) ++k;
      if (k < got.size() && got[k].first == want[e]) {
        f.ms.push_back(static_cast<double>(got[k].second - want[e]) / 1e6);
        ++reached[s][e];
      } else {
        ++f.missing;
      }
    }
  }
  for (std::size_t s = 0; s < symbols.size(); ++s)
    for (std::size_t e = 0; e < reached[s].size() && subscribers[s] > 0; ++e) { // events nobody subscribed to do not count
      ++f.events;
      f.events_everywhere += reached[s][e] == subscribers[s];
      if (reached[s][e] > 0) continue;
      ++f.events_nowhere;
      if (!f.first_nowhere) f.first_nowhere = {s, produced[s][e]};
      constexpr std::size_t samples = 8;
      if (f.nowhere_samples.size() < samples) {
        const auto& ts = produced[s];
        std::ostringstream line;
        line << symbols[s] << " event " << e << " of " << ts.size() << " (ms into its second: " << (ts[e] % ns_per_s) / 1'000'000
             << ", ms after the symbol's previous event: " << (e > 0 ? (ts[e] - ts[e - 1]) / 1'000'000 : -1) << ")";
        f.nowhere_samples.push_back(line.str());
      }
    }
  std::sort(f.ms.begin(), f.ms.end());
  return f;
}

} // namespace

int run_ws(const ws_options& opt, const char* argv0, std::ostream& out) {
  std::ostream& log = std::cerr;
  const auto cfg = load_bench_config(opt.config_file);
  const duration_ns live_interval = cfg.get(runtime::keys::ws_live_interval);
  const double live_interval_s = static_cast<double>(live_interval) / static_cast<double>(ns_per_s);
  // Default: an event per symbol every 2 x ws.live-interval, and no faster than every 500 ms.
  const double rate = opt.rate > 0 ? opt.rate : static_cast<double>(opt.symbols) / std::max(2 * live_interval_s, 0.5);
  if (static_cast<double>(opt.symbols) / rate < 2 * live_interval_s)
    log << "note: at " << rate << " events/s a symbol gets an event every " << static_cast<double>(opt.symbols) / rate * 1000
        << " ms, less than 2 x ws.live-interval (" << live_interval_s * 1000 << " ms): the throttle may hold updates back\n";

  // Descriptors: one per session here and in the node (which inherits the limit).
  std::size_t probe_total = opt.max_sessions_probe > opt.sessions ? opt.max_sessions_probe : 0;
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    (void)::setrlimit(RLIMIT_NOFILE, &lim);
  }
  (void)::getrlimit(RLIMIT_NOFILE, &lim);
  const std::size_t fd_room = lim.rlim_cur > fd_reserve ? static_cast<std::size_t>(lim.rlim_cur) - fd_reserve : 0;
  if (opt.sessions > fd_room) {
    log << "--sessions " << opt.sessions << " needs more descriptors than RLIMIT_NOFILE (" << lim.rlim_cur << ") allows\n";
    return 1;
  }
  if (probe_total > fd_room) {
    log << "note: the probe stops at " << fd_room << " sessions (RLIMIT_NOFILE " << lim.rlim_cur << ")\n";
    probe_total = fd_room;
  }

  const std::string id = bench_id();
  const std::string topic = "bench-ws-" + id;
  const std::string candles_topic = topic + "-candles";
  const std::string symbol_prefix = "WS" + id + ".";
  std::vector<std::string> symbols;
  for (std::size_t s = 0; s < opt.symbols; ++s) symbols.push_back(symbol_prefix + std::to_string(s));

  auto pg = connect_pg(cfg, log);
  if (!pg) return 1;
  runtime::kafka_admin admin(cfg.get(runtime::keys::kafka_brokers));
  if (!create_topic(admin, topic, opt.partitions, log)) return 1;
  // The node's final candles go to a topic of the bench's own, not to the shared one.
  const bool own_candles_topic = admin.create_topic(candles_topic, 1).empty();

  pid_t node_pid = -1;
  std::unique_ptr<client_pool> pool;
  std::unique_ptr<feeder> feed;
  scope_exit cleanup{[&] {
    if (feed) feed->stop();
    stop_child(node_pid); // first: the node closes its sessions, the clients see them end
    pool.reset();
    feed.reset();
    if (opt.keep) return;
    (void)admin.delete_topic(topic);
    if (own_candles_topic) (void)admin.delete_topic(candles_topic);
    delete_rows(*pg, topic, log, symbol_prefix);
  }};

  const long long overflows_before = listen_overflows();
  const int port = free_port();
  if (port <= 0) {
    log << "no free port\n";
    return 1;
  }
  const std::size_t max_sessions = std::max(opt.sessions, probe_total) + 64;
  std::vector<std::string> extra = {"--kafka.topic.events.partitions=" + std::to_string(opt.partitions),
                                    "--ws.max-sessions=" + std::to_string(max_sessions),
                                    "--ws.max-sessions-per-address=" + std::to_string(max_sessions)};
  if (own_candles_topic) extra.insert(extra.end(), {"--kafka.topic.candles=" + candles_topic, "--kafka.topic.candles.partitions=1"});
  const auto node_bin = (std::filesystem::path(argv0).parent_path() / "../candle-node/candle-node").lexically_normal().string();
  const std::string name = "bench-ws-" + id;
  const std::string node_log = "/tmp/candle-bench-" + name + ".log";
  node_pid = start_node(node_bin, topic, name, std::to_string(port), opt.config_file, node_log, true, extra);
  log << "started candle-node " << name << " (pid " << node_pid << ", port " << port << ", log " << node_log << ")\n";

  // Polls `ready` until it holds or the timeout passes; false if the node exited meanwhile.
  auto wait_until = [&](const std::string& what, const std::function<bool()>& ready) {
    const auto t0 = clock_type::now();
    while (seconds_since(t0) < opt.timeout_s) {
      if (exited(node_pid)) {
        node_pid = -1;
        log << "candle-node exited while waiting for " << what << "; see " << node_log << "\n";
        return false;
      }
      if (ready()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    log << "timed out waiting for " << what << "; see " << node_log << "\n";
    return false;
  };
  const std::string port_text = std::to_string(port);
  auto partitions_running = [&] {
    const auto parts = partition_stats(port_text);
    return static_cast<int>(parts.size()) == opt.partitions &&
           std::all_of(parts.begin(), parts.end(), [](const auto& p) { return p.value("state", "") == "running"; });
  };
  if (!wait_until("every partition running", partitions_running)) return 1;

  // --- warm-up: every candle actor exists -------------------------------------------------------
  feed = std::make_unique<feeder>(cfg, topic, symbols);
  if (!feed->warm_up(log)) return 1;
  auto consumed = [&] {
    double valid = 0;
    for (const auto& p : partition_stats(port_text)) valid += p.value("valid", 0.0);
    return valid >= static_cast<double>(opt.symbols);
  };
  if (!wait_until("the warm-up events to be consumed", consumed)) return 1;
  std::this_thread::sleep_for(std::chrono::seconds(1)); // start-up allocations settle
  const long rss_no_sessions = proc_status_bytes(node_pid, "VmRSS:");

  // --- the measured sessions --------------------------------------------------------------------
  std::unique_ptr<frame_trace> trace;
  if (!opt.trace_file.empty()) {
    trace = std::make_unique<frame_trace>();
    trace->out.open(opt.trace_file);
    if (!trace->out) {
      log << "cannot write " << opt.trace_file << "\n";
      return 1;
    }
  }
  pool = std::make_unique<client_pool>(port, opt.client_threads);
  auto symbols_for = [&](std::size_t from, std::size_t to) {
    std::vector<std::string> v;
    for (std::size_t i = from; i < to; ++i) v.push_back(symbols[i % symbols.size()]);
    return v;
  };
  {
    const auto t0 = clock_type::now();
    const auto r = pool->open(symbols_for(0, opt.sessions), opt.connect_parallel, opt.timeout_s, trace.get(), opt.symbols);
    if (r.failed > 0) {
      log << r.failed << " of " << opt.sessions << " sessions did not subscribe (first: " << r.first_failure << "); see " << node_log << "\n";
      return 1;
    }
    log << opt.sessions << " sessions subscribed in " << seconds_since(t0) << " s\n";
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(opt.settle_s));

  // --- measured events --------------------------------------------------------------------------
  kafka_watch kafka_only(cfg, topic, name + "-kafka", opt.partitions, wall_clock_now());
  if (!kafka_only.ok()) log << "note: the bare Kafka consumer could not assign the topic: no kafka_* figures\n";
  std::this_thread::sleep_for(std::chrono::milliseconds(500)); // its fetch position resolved (offset end)
  pool->record_from.store(wall_clock_now());
  pool->recording.store(true);
  const auto measure_t0 = clock_type::now();
  feed->start(opt.events, rate, true);
  const double produce_s = static_cast<double>(opt.events) / rate;
  while (!feed->done() && seconds_since(measure_t0) < produce_s + opt.timeout_s) std::this_thread::sleep_for(poll_every);
  feed->stop();
  if (feed->sent() < opt.events || feed->failed() > 0) {
    log << "produced " << feed->sent() << " of " << opt.events << " events (" << feed->failed() << " failed deliveries)\n";
    return 1;
  }
  const std::size_t expected = [&] {
    std::size_t n = 0;
    for (std::size_t i = 0; i < opt.sessions; ++i) n += feed->produced()[i % symbols.size()].size();
    return n;
  }();
  {
    const auto t0 = clock_type::now();
    while (pool->receipts(0, opt.sessions) < expected && seconds_since(t0) < receipt_grace_s) std::this_thread::sleep_for(poll_every);
  }
  pool->recording.store(false);
  kafka_only.stop();
  const auto kafka_ms = kafka_only.latencies();
  const double measure_s = seconds_since(measure_t0);
  const auto lat = match(*pool, opt.sessions, symbols, feed->produced());
  if (lat.events_nowhere > 0) {
    log << lat.events_nowhere << " events reached no session, e.g.:\n";
    for (const auto& l : lat.nowhere_samples) log << "  " << l << "\n";
    // Did the node take the event in? Its newest 1s candle of that symbol says.
    const auto& [s, ts] = *lat.first_nowhere;
    const auto body = http_get(port, "/api/v1/candles?symbol=" + symbols[s] + "&interval=1s&limit=1");
    const auto j = body ? json::parse(*body, nullptr, false) : json();
    const bool holds = j.is_object() && j.contains("candles") && j["candles"].is_array() && !j["candles"].empty() &&
                       j["candles"].back().value("lastTs", std::int64_t{0}) == ts;
    log << "  the node's newest 1s candle of " << symbols[s] << (holds ? " has" : " does not have")
        << " the first of them as its last event (GET /api/v1/candles)\n";
  }
  {
    double valid = 0;
    for (const auto& p : partition_stats(port_text)) valid += p.value("valid", 0.0);
    log << "node consumed " << valid << " of " << opt.symbols + opt.events << " events (warm-up included)\n";
  }
  const std::size_t closed_in_run = pool->count(ws_client::phase::closed);
  const long rss_sessions = proc_status_bytes(node_pid, "VmRSS:");
  log << "latency run: " << lat.ms.size() << " of " << lat.expected << " updates received in " << measure_s << " s; p50 "
      << percentile(lat.ms, 50) << " ms, p99 " << percentile(lat.ms, 99) << " ms, max " << (lat.ms.empty() ? 0 : lat.ms.back())
      << " ms; node RSS " << rss_sessions / (kib * kib) << " MiB with " << opt.sessions << " sessions\n"
      << "Kafka alone (bare consumer, same events): " << kafka_ms.size() << " events; p50 " << percentile(kafka_ms, 50) << " ms, p99 "
      << percentile(kafka_ms, 99) << " ms, max " << (kafka_ms.empty() ? 0 : kafka_ms.back()) << " ms\n";

  // --- probe: more sessions with updates flowing ----------------------------------------------
  std::size_t held = 0, probe_reached = opt.sessions;
  std::string probe_stop = "none";
  long rss_probe = 0;
  latency_figures probe_lat;
  std::size_t probe_window_receipts = 0;
  double probe_node_cpu = 0, probe_bench_cpu = 0; // cores busy during the hold
  if (probe_total > 0) {
    feed->clear_produced();
    feed->start(0, rate, false);
    probe_stop = "reached --max-sessions-probe";
    while (probe_reached < probe_total) {
      const std::size_t to = std::min(probe_total, probe_reached + std::max<std::size_t>(1, opt.probe_step));
      const auto t0 = clock_type::now();
      const auto r = pool->open(symbols_for(probe_reached, to), opt.connect_parallel, opt.timeout_s);
      probe_reached += r.acked;
      const std::size_t closed = pool->count(ws_client::phase::closed);
      log << "probe: " << probe_reached << " sessions subscribed (" << r.failed << " failed, " << closed << " closed) in "
          << seconds_since(t0) << " s; node RSS " << proc_status_bytes(node_pid, "VmRSS:") / (kib * kib) << " MiB\n";
      if (r.failed > 0) {
        probe_stop = "sessions failed to subscribe: " + r.first_failure;
        break;
      }
      if (closed > 0) {
        probe_stop = std::to_string(closed) + " sessions closed by the node";
        break;
      }
      if (exited(node_pid)) {
        node_pid = -1;
        probe_stop = "the node exited; see " + node_log;
        break;
      }
    }
    if (node_pid > 0) {
      // Hold: every open session must get updates; their latency at this size is kept too.
      std::this_thread::sleep_for(std::chrono::duration<double>(opt.settle_s));
      const timestamp_ns window_start = wall_clock_now();
      pool->record_from.store(window_start);
      pool->recording.store(true);
      const double node_cpu0 = process_cpu_seconds(std::to_string(node_pid)), bench_cpu0 = process_cpu_seconds("self");
      const auto hold_t0 = clock_type::now();
      std::this_thread::sleep_for(std::chrono::duration<double>(opt.probe_hold_s));
      pool->recording.store(false);
      const double hold_s = seconds_since(hold_t0);
      probe_node_cpu = (process_cpu_seconds(std::to_string(node_pid)) - node_cpu0) / hold_s;
      probe_bench_cpu = (process_cpu_seconds("self") - bench_cpu0) / hold_s;
      rss_probe = proc_status_bytes(node_pid, "VmRSS:");
      for (std::size_t i = 0; i < pool->clients.size(); ++i) {
        auto& c = *pool->clients[i];
        if (c.state() == ws_client::phase::subscribed && c.last_update_ns() >= window_start) ++held;
        for (const auto& [ts, at] : c.take_receipts()) {
          probe_lat.ms.push_back(static_cast<double>(at - ts) / 1e6);
          ++probe_window_receipts;
        }
      }
      std::sort(probe_lat.ms.begin(), probe_lat.ms.end());
      log << "probe hold: " << held << " of " << pool->clients.size() << " sessions got updates within " << opt.probe_hold_s
          << " s; p50 " << percentile(probe_lat.ms, 50) << " ms, p99 " << percentile(probe_lat.ms, 99) << " ms; node RSS "
          << rss_probe / (kib * kib) << " MiB; CPU: node " << probe_node_cpu << " cores, this bench " << probe_bench_cpu << " of "
          << std::thread::hardware_concurrency() << "\n";
    }
    feed->stop();
  }
  const json ws_counters = node_pid > 0 ? ws_metrics(port) : json::object();
  const long long overflows = overflows_before >= 0 ? listen_overflows() - overflows_before : -1;
  if (overflows > 0)
    log << "the kernel dropped " << overflows << " connection attempts for full accept queues during the run (TcpExt ListenOverflows)\n";
  const std::size_t measured_sessions = probe_total > 0 && rss_probe > 0 ? held : opt.sessions;
  const long rss_top = probe_total > 0 && rss_probe > 0 ? rss_probe : rss_sessions;
  const double rss_per_session =
    measured_sessions > 0 && rss_no_sessions > 0 ? static_cast<double>(rss_top - rss_no_sessions) / static_cast<double>(measured_sessions) : 0;

  const double p50 = percentile(lat.ms, 50), p99 = percentile(lat.ms, 99), pmax = lat.ms.empty() ? 0 : lat.ms.back();
  const double everywhere = lat.events > 0 ? static_cast<double>(lat.events_everywhere) / static_cast<double>(lat.events) : 0;
  if (opt.json) {
    json j{{"sessions", opt.sessions},
           {"symbols", opt.symbols},
           {"events", opt.events},
           {"rate", rate},
           {"partitions", opt.partitions},
           {"live_interval_ms", static_cast<double>(live_interval) / 1e6},
           {"latency_p50_ms", rounded(p50, 3)},
           {"latency_p90_ms", rounded(percentile(lat.ms, 90), 3)},
           {"latency_p99_ms", rounded(p99, 3)},
           {"latency_p999_ms", rounded(percentile(lat.ms, 99.9), 3)},
           {"latency_max_ms", rounded(pmax, 3)},
           {"kafka_latency_p50_ms", rounded(percentile(kafka_ms, 50), 3)},
           {"kafka_latency_p99_ms", rounded(percentile(kafka_ms, 99), 3)},
           {"kafka_latency_max_ms", rounded(kafka_ms.empty() ? 0 : kafka_ms.back(), 3)},
           {"kafka_events", kafka_ms.size()},
           {"receipts", lat.ms.size()},
           {"expected_receipts", lat.expected},
           {"missing_receipts", lat.missing},
           {"events_reaching_all_fraction", rounded(everywhere, 6)},
           {"events_reaching_none", lat.events_nowhere},
           {"sessions_closed_in_run", closed_in_run},
           {"sessions_held", held},
           {"probe_target", probe_total},
           {"probe_stop", probe_stop},
           {"probe_latency_p50_ms", rounded(percentile(probe_lat.ms, 50), 3)},
           {"probe_latency_p99_ms", rounded(percentile(probe_lat.ms, 99), 3)},
           {"probe_latency_max_ms", rounded(probe_lat.ms.empty() ? 0 : probe_lat.ms.back(), 3)},
           {"probe_receipts", probe_window_receipts},
           {"probe_node_cpu_cores", rounded(probe_node_cpu, 2)},
           {"probe_bench_cpu_cores", rounded(probe_bench_cpu, 2)},
           {"cores", std::thread::hardware_concurrency()},
           {"rss_per_session_bytes", rounded(rss_per_session, 0)},
           {"node_rss_no_sessions_bytes", rss_no_sessions},
           {"node_rss_bytes", rss_sessions},
           {"node_rss_probe_bytes", rss_probe},
           {"client_threads", opt.client_threads},
           {"connect_parallel", opt.connect_parallel},
           {"listen_overflows", overflows},
           {"node_ws", ws_counters}};
    out << j.dump() << "\n";
  } else {
    out << "ws latency:     p50 " << rounded(p50, 3) << " ms, p99 " << rounded(p99, 3) << " ms, max " << rounded(pmax, 3)
        << " ms (produce -> live candle frame on the client; " << opt.sessions << " sessions on " << opt.symbols << " symbols x 1s, "
        << opt.events << " events at " << rate << "/s, ws.live-interval " << static_cast<double>(live_interval) / 1e6 << " ms)\n"
        << "Kafka alone:    p50 " << rounded(percentile(kafka_ms, 50), 3) << " ms, p99 " << rounded(percentile(kafka_ms, 99), 3)
        << " ms (a bare consumer of the same events)\n"
        << "receipts:       " << lat.ms.size() << " of " << lat.expected << " (" << lat.missing << " missing; "
        << 100.0 * everywhere << " % of events reached every subscribed session)\n"
        << "sessions held:  " << held << " of " << probe_total << " probed, with updates flowing (stop: " << probe_stop << "; p50 "
        << rounded(percentile(probe_lat.ms, 50), 3) << " ms, p99 " << rounded(percentile(probe_lat.ms, 99), 3) << " ms at that size)\n"
        << "node RSS:       " << rss_no_sessions / (kib * kib) << " MiB without sessions, " << rss_sessions / (kib * kib) << " MiB with "
        << opt.sessions << ", " << rss_probe / (kib * kib) << " MiB with " << held << "; " << rounded(rss_per_session, 0)
        << " bytes per session\n";
  }
  return 0;
}

} // namespace cs::bench
