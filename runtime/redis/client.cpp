#include "runtime/redis/client.hpp"

#include "runtime/config/config.hpp"

#include <hiredis/hiredis.h>

#include <array>
#include <charconv>
#include <utility>

namespace cs::runtime {

namespace {

struct reply_deleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

constexpr std::int64_t ms_per_s = 1000;
constexpr std::int64_t us_per_ms = 1000;
// Longest text of a double from to_chars (sign, 17 digits, point, exponent) with room to spare.
constexpr std::size_t score_chars = 32;

timeval to_timeval(std::chrono::milliseconds d) {
  timeval tv{};
  tv.tv_sec = static_cast<decltype(tv.tv_sec)>(d.count() / ms_per_s);
  tv.tv_usec = static_cast<decltype(tv.tv_usec)>((d.count() % ms_per_s) * us_per_ms);
  return tv;
}

std::string endpoint(const redis_options& o) {
  return "redis " + o.host + ":" + std::to_string(o.port);
}

redis_reply convert(const redisReply& r) {
  redis_reply out;
  switch (r.type) {
    case REDIS_REPLY_INTEGER:
      out.type = redis_reply::kind::integer;
      out.integer = r.integer;
      break;
    case REDIS_REPLY_STRING:
      out.type = redis_reply::kind::string;
      out.str.assign(r.str, r.len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = redis_reply::kind::status;
      out.str.assign(r.str, r.len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = redis_reply::kind::array;
      out.elements.reserve(r.elements);
      for (std::size_t i = 0; i < r.elements; ++i)
        out.elements.push_back(convert(*r.element[i]));
      break;
    default:
      // REDIS_REPLY_NIL. A top-level error reply never gets here (command() returns it as a
      // failure); one nested in an array (a failed command inside EXEC) reads as nil.
      break;
  }
  return out;
}

redis_error unexpected_reply(std::string_view command) {
  return {redis_errc::unexpected_reply, "redis " + std::string{command} + ": unexpected reply type"};
}

result<std::int64_t, redis_error> as_integer(result<redis_reply, redis_error> r, std::string_view command) {
  if (!r)
    return r.error();
  if (r->type != redis_reply::kind::integer)
    return unexpected_reply(command);
  return r->integer;
}

} // namespace

redis_options redis_options_from_config(const config& cfg) {
  redis_options o;
  o.host = cfg.get(keys::redis_host);
  o.port = cfg.get(keys::redis_port);
  return o;
}

void redis_client::context_deleter::operator()(redisContext* c) const {
  redisFree(c);
}

std::string format_redis_score(double score) {
  std::array<char, score_chars> buf{};
  const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), score);
  return std::string{buf.data(), res.ptr};
}

redis_client::redis_client(redis_options options,
                           std::unique_ptr<redisContext, context_deleter> ctx)
  : options_(std::move(options)), ctx_(std::move(ctx)) {}

result<redis_client, redis_error> redis_client::connect(redis_options options) {
  std::unique_ptr<redisContext, context_deleter> ctx{redisConnectWithTimeout(
    options.host.c_str(), options.port, to_timeval(options.connect_timeout))};
  if (!ctx)
    return redis_error{redis_errc::connect_failed, endpoint(options) + ": cannot allocate a connection"};
  if (ctx->err != 0)
    return redis_error{redis_errc::connect_failed, endpoint(options) + ": " + ctx->errstr};
  if (redisSetTimeout(ctx.get(), to_timeval(options.command_timeout)) != REDIS_OK)
    return redis_error{redis_errc::connect_failed, endpoint(options) + ": setting the command timeout: " + ctx->errstr};
  // Keepalive makes a silently dropped connection fail instead of hanging until the timeout.
  (void)redisEnableKeepAlive(ctx.get());
  return redis_client{std::move(options), std::move(ctx)};
}

bool redis_client::connected() const {
  return ctx_ && ctx_->err == 0;
}

result<void, redis_error> redis_client::reconnect() {
  auto fresh = connect(options_);
  if (!fresh)
    return fresh.error();
  ctx_ = std::move(fresh->ctx_);
  return {};
}

namespace {

// Argument pointers and lengths for hiredis; small commands describe their arguments on the stack.
class argv_view {
public:
  template <class Strings>
  explicit argv_view(const Strings& args) : n_(args.size()) {
    if (n_ > inline_args) {
      heap_ptrs_.resize(n_);
      heap_lens_.resize(n_);
    }
    std::size_t i = 0;
    for (const auto& a : args) {
      ptrs()[i] = a.data();
      lens()[i] = a.size();
      ++i;
    }
  }
  int argc() const { return static_cast<int>(n_); }
  const char** ptrs() { return n_ > inline_args ? heap_ptrs_.data() : inline_ptrs_.data(); }
  std::size_t* lens() { return n_ > inline_args ? heap_lens_.data() : inline_lens_.data(); }

private:
  static constexpr std::size_t inline_args = 16;
  std::size_t n_;
  std::array<const char*, inline_args> inline_ptrs_{};
  std::array<std::size_t, inline_args> inline_lens_{};
  std::vector<const char*> heap_ptrs_;
  std::vector<std::size_t> heap_lens_;
};

} // namespace

result<redis_reply, redis_error> redis_client::command(std::span<const std::string_view> argv) {
  if (argv.empty())
    return redis_error{redis_errc::bad_request, "redis: empty command"};
  const std::string_view name = argv.front();
  if (!connected())
    return redis_error{redis_errc::disconnected, endpoint(options_) + ": " + std::string{name}
                                                   + ": connection is broken; reconnect() first"};
  argv_view args(argv);
  reply_ptr reply{static_cast<redisReply*>(redisCommandArgv(ctx_.get(), args.argc(), args.ptrs(), args.lens()))};
  if (!reply)
    return redis_error{redis_errc::io_failed, endpoint(options_) + ": " + std::string{name} + ": " + ctx_->errstr};
  if (reply->type == REDIS_REPLY_ERROR)
    return redis_error{redis_errc::error_reply, "redis " + std::string{name} + ": " + std::string{reply->str, reply->len}};
  return convert(*reply);
}

result<std::vector<result<redis_reply, redis_error>>, redis_error> redis_client::pipeline(
  const std::vector<std::vector<std::string>>& commands) {
  std::vector<const std::vector<std::string>*> refs;
  refs.reserve(commands.size());
  for (const auto& c : commands) refs.push_back(&c);
  return pipeline(std::span<const std::vector<std::string>* const>(refs));
}

result<std::vector<result<redis_reply, redis_error>>, redis_error> redis_client::pipeline(
  std::span<const std::vector<std::string>* const> commands) {
  std::vector<result<redis_reply, redis_error>> out;
  if (!connected())
    return redis_error{redis_errc::disconnected, endpoint(options_) + ": pipeline: connection is broken; reconnect() first"};
  for (const auto* cp : commands) {
    const auto& c = *cp;
    if (c.empty()) return redis_error{redis_errc::bad_request, "redis: empty command in a pipeline"};
    argv_view args(c);
    if (redisAppendCommandArgv(ctx_.get(), args.argc(), args.ptrs(), args.lens()) != REDIS_OK)
      return redis_error{redis_errc::io_failed, endpoint(options_) + ": pipeline: " + ctx_->errstr};
  }
  out.reserve(commands.size());
  for (const auto* cp : commands) {
    const auto& c = *cp;
    void* raw = nullptr;
    if (redisGetReply(ctx_.get(), &raw) != REDIS_OK || raw == nullptr)
      return redis_error{redis_errc::io_failed, endpoint(options_) + ": pipeline " + c.front() + ": " + ctx_->errstr};
    reply_ptr reply{static_cast<redisReply*>(raw)};
    if (reply->type == REDIS_REPLY_ERROR)
      out.emplace_back(redis_error{redis_errc::error_reply, "redis " + c.front() + ": " + std::string{reply->str, reply->len}});
    else
      out.emplace_back(convert(*reply));
  }
  return out;
}

result<void, redis_error> redis_client::ping() {
  auto r = command({"PING"});
  if (!r)
    return r.error();
  if (r->type != redis_reply::kind::status || r->str != "PONG")
    return unexpected_reply("PING");
  return {};
}

result<std::int64_t, redis_error> redis_client::zadd(std::string_view key,
                                        std::span<const redis_scored_member> members) {
  std::vector<std::string> scores;
  scores.reserve(members.size());
  std::vector<std::string_view> argv;
  argv.reserve(2 + 2 * members.size());
  argv.push_back("ZADD");
  argv.push_back(key);
  for (const auto& m : members) {
    scores.push_back(format_redis_score(m.score));
    argv.push_back(scores.back()); // reserve() above keeps this view valid
    argv.push_back(m.member);
  }
  return as_integer(command(argv), "ZADD");
}

result<std::vector<std::string>, redis_error> redis_client::zrangebyscore(std::string_view key, double min,
                                                             double max,
                                                             std::optional<redis_limit> limit) {
  const std::string lo = format_redis_score(min);
  const std::string hi = format_redis_score(max);
  std::string offset;
  std::string count;
  std::vector<std::string_view> argv{"ZRANGEBYSCORE", key, lo, hi};
  if (limit) {
    offset = std::to_string(limit->offset);
    count = std::to_string(limit->count);
    argv.insert(argv.end(), {"LIMIT", offset, count});
  }
  auto r = command(argv);
  if (!r)
    return r.error();
  if (r->type != redis_reply::kind::array)
    return unexpected_reply("ZRANGEBYSCORE");
  std::vector<std::string> members;
  members.reserve(r->elements.size());
  for (auto& e : r->elements) {
    if (e.type != redis_reply::kind::string)
      return unexpected_reply("ZRANGEBYSCORE");
    members.push_back(std::move(e.str));
  }
  return members;
}

result<std::int64_t, redis_error> redis_client::zremrangebyscore(std::string_view key, double min, double max) {
  const std::string lo = format_redis_score(min);
  const std::string hi = format_redis_score(max);
  return as_integer(command({"ZREMRANGEBYSCORE", key, lo, hi}), "ZREMRANGEBYSCORE");
}

result<std::int64_t, redis_error> redis_client::del(std::string_view key) {
  return as_integer(command({"DEL", key}), "DEL");
}

result<bool, redis_error> redis_client::expire(std::string_view key, std::chrono::seconds ttl) {
  const std::string seconds = std::to_string(ttl.count());
  auto n = as_integer(command({"EXPIRE", key, seconds}), "EXPIRE");
  if (!n)
    return n.error();
  return *n == 1;
}

} // namespace cs::runtime
