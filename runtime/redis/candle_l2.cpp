#include "runtime/redis/candle_l2.hpp"

#include <openssl/evp.h>

#include <charconv>
#include <utility>

#include "messages/candle_binary.hpp"

namespace cs::runtime {
namespace {

// KEYS[1] the series. ARGV: block start (ms), lo (ms), hi (ms), ttl (s), trim-below (ms, or ""),
// then score/member pairs. Adds the candles (final: re-adding is a no-op), moves the block's
// coverage marker to hi when the stored coverage reaches lo (or there is none and lo is the block
// start), renews the TTL and trims old blocks. Returns 1 when coverage moved.
constexpr const char* write_script = R"lua(
local key = KEYS[1]
local start, lo, hi = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
for i = 6, #ARGV, 2000 do redis.call('ZADD', key, unpack(ARGV, i, math.min(i + 1999, #ARGV))) end
local old, covered = nil, nil
for _, m in ipairs(redis.call('ZRANGEBYSCORE', key, start, start)) do
  if string.byte(m, 1) == 0 then old = m; covered = tonumber(string.sub(m, 2)) end
end
local moved = 0
if (covered == nil and lo == start) or (covered ~= nil and covered >= lo and covered < hi) then
  if old then redis.call('ZREM', key, old) end
  redis.call('ZADD', key, start, '\0' .. ARGV[3])
  moved = 1
end
redis.call('EXPIRE', key, ARGV[4])
if ARGV[5] ~= '' then redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. ARGV[5]) end
return moved
)lua";

// The script's SHA-1 in hex, as Redis names it for EVALSHA. Sending the script with every block
// (EVAL) made Redis hash and look it up each time: at 10,000 symbols Redis took 13 % of the
// machine, SHA-1 its largest part.
const std::string& write_script_sha() {
  static const std::string sha = [] {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    const std::string_view script = write_script;
    if (EVP_Digest(script.data(), script.size(), digest, &size, EVP_sha1(), nullptr) != 1) return std::string();
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < size; ++i) out.append({hex[digest[i] >> 4], hex[digest[i] & 0xf]});
    return out;
  }();
  return sha;
}

// Bucket boundaries of intervals of a second or more are whole milliseconds: exact as Redis scores.
std::string ms(timestamp_ns t) { return std::to_string(floor_div(t, ns_per_ms)); }

bool parse_ms(std::string_view text, timestamp_ns& out) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size()) return false;
  out = v * ns_per_ms;
  return true;
}

} // namespace

std::string candle_l2::series_key(const candle_key& key) {
  std::string k = "cs:l2:{";
  k.append(key.symbol).append("|").append(key.iv.to_string()).append("}");
  return k;
}

namespace {

// Starts a pipeline of script calls: loading the script is idempotent, and a Redis that was
// restarted or flushed since the last batch has it again before the first EVALSHA. Its reply is
// the digest, checked against ours.
void begin_script_pipeline(std::vector<std::vector<std::string>>& commands) {
  commands.push_back({"SCRIPT", "LOAD", write_script});
}

// EVALSHA commands for one series' blocks (the script's ARGV as documented above).
void append_block_commands(const std::string& series, const std::vector<l2_block_write>& blocks, timestamp_ns trim_below,
                           std::chrono::seconds ttl, std::vector<std::vector<std::string>>& commands) {
  bool first = true;
  for (const auto& b : blocks) {
    std::vector<std::string> c = {"EVALSHA", write_script_sha(), "1", series, ms(b.block_start), ms(b.lo), ms(b.hi),
                                  std::to_string(ttl.count()), first ? ms(trim_below) : std::string()};
    first = false;
    for (const auto& candle : b.candles) {
      c.push_back(ms(candle.open_time));
      c.push_back(encode_candle_binary(candle));
    }
    commands.push_back(std::move(c));
  }
}

// The reply to begin_script_pipeline's SCRIPT LOAD: an error unless Redis names the script as we do.
result<void, redis_error> script_loaded(const result<redis_reply, redis_error>& reply) {
  if (!reply) return reply.error();
  if (reply->str != write_script_sha())
    return redis_error{redis_errc::unexpected_reply, "SCRIPT LOAD: Redis names the L2 write script " + reply->str + ", not " +
                                                         write_script_sha()};
  return {};
}

} // namespace

result<void, redis_error> candle_l2::write(redis_commands& client, const candle_key& key,
                                           const std::vector<l2_block_write>& blocks, timestamp_ns trim_below) const {
  if (blocks.empty()) return {};
  std::vector<std::vector<std::string>> commands;
  begin_script_pipeline(commands);
  append_block_commands(series_key(key), blocks, trim_below, ttl_, commands);
  auto replies = client.pipeline(commands);
  if (!replies) return replies.error();
  if (auto loaded = script_loaded(replies->front()); !loaded) return loaded;
  for (auto& r : *replies)
    if (!r) return r.error();
  return {};
}

result<std::uint64_t, redis_error> candle_l2::write_many(redis_commands& client, const std::vector<l2_series_write>& writes) const {
  std::vector<std::vector<std::string>> commands;
  begin_script_pipeline(commands);
  std::vector<std::size_t> owner(commands.size(), writes.size()); // command -> index into writes
  for (std::size_t w = 0; w < writes.size(); ++w) {
    append_block_commands(series_key(writes[w].key), writes[w].blocks, writes[w].trim_below, ttl_, commands);
    owner.resize(commands.size(), w);
  }
  if (commands.size() == 1) return std::uint64_t{0};
  auto replies = client.pipeline(commands);
  if (!replies) return replies.error();
  if (auto loaded = script_loaded(replies->front()); !loaded) return loaded.error();
  std::uint64_t refused = 0;
  std::size_t last_refused = writes.size();
  for (std::size_t i = 1; i < replies->size(); ++i)
    if (!(*replies)[i] && owner[i] != std::exchange(last_refused, owner[i])) ++refused;
  return refused;
}

result<std::vector<l2_block_read>, redis_error> candle_l2::read(
  redis_commands& client, const candle_key& key, const std::vector<std::pair<timestamp_ns, timestamp_ns>>& bounds) const {
  std::vector<l2_block_read> out;
  if (bounds.empty()) return out;
  for (const auto& [s, e] : bounds) out.push_back({s, e, false, 0, {}});
  const std::string lo = ms(bounds.front().first);
  const std::string hi = std::string("(").append(ms(bounds.back().second)); // exclusive
  auto r = client.command({"ZRANGEBYSCORE", series_key(key), lo, hi, "WITHSCORES"});
  if (!r) return r.error();
  if (r->type != redis_reply::kind::array || r->elements.size() % 2 != 0)
    return redis_error{redis_errc::unexpected_reply, series_key(key).append(": ZRANGEBYSCORE: unexpected reply")};
  std::size_t block = 0;
  for (std::size_t i = 0; i < r->elements.size(); i += 2) {
    const auto& member = r->elements[i].str;
    timestamp_ns score = 0;
    if (!parse_ms(r->elements[i + 1].str, score))
      return redis_error{redis_errc::unexpected_reply, series_key(key).append(": a score is not a number")};
    while (block + 1 < out.size() && score >= out[block].block_end) ++block;
    auto& b = out[block];
    if (!member.empty() && member.front() == '\0') {
      timestamp_ns covered = 0;
      if (score == b.block_start && parse_ms(std::string_view(member).substr(1), covered)) {
        b.covered = true;
        b.covered_to = covered;
      }
      continue;
    }
    candle c;
    if (auto why = decode_candle_binary(member, c); !why.empty() || c.symbol != key.symbol || c.iv != key.iv)
      return redis_error{redis_errc::unexpected_reply, series_key(key).append(": a member is not a candle of this series: ").append(why)};
    b.candles.push_back(std::move(c));
  }
  return out;
}

} // namespace cs::runtime
