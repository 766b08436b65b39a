#include "runtime/redis/cluster_slots.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace cs::runtime {
namespace {

constexpr std::uint16_t crc16_polynomial = 0x1021;
constexpr int bits_per_byte = 8;
constexpr std::uint16_t top_bit = 0x8000;

// The table of one byte's CRC, computed at compile time so the hot path is one lookup per byte.
constexpr std::array<std::uint16_t, 256> crc16_table = [] {
  std::array<std::uint16_t, 256> t{};
  for (std::uint32_t b = 0; b < t.size(); ++b) {
    auto crc = static_cast<std::uint16_t>(b << bits_per_byte);
    for (int i = 0; i < bits_per_byte; ++i)
      crc = static_cast<std::uint16_t>((crc & top_bit) ? (crc << 1) ^ crc16_polynomial : crc << 1);
    t[b] = crc;
  }
  return t;
}();

template <class Int>
bool parse_int(std::string_view text, Int& out) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && p == text.data() + text.size();
}

redis_error bad_slots(std::string what) {
  return {redis_errc::unexpected_reply, "redis CLUSTER SLOTS: " + std::move(what)};
}

bool upper_equals(std::string_view a, std::string_view upper) {
  return a.size() == upper.size() &&
         std::equal(a.begin(), a.end(), upper.begin(),
                    [](char x, char y) { return std::toupper(static_cast<unsigned char>(x)) == y; });
}

} // namespace

std::uint16_t redis_crc16(std::string_view data) {
  std::uint16_t crc = 0;
  for (const char c : data) {
    const auto index = static_cast<std::uint8_t>((crc >> bits_per_byte) ^ static_cast<std::uint8_t>(c));
    crc = static_cast<std::uint16_t>((crc << bits_per_byte) ^ crc16_table[index]);
  }
  return crc;
}

std::uint16_t redis_key_slot(std::string_view key) {
  if (const auto open = key.find('{'); open != std::string_view::npos) {
    const auto close = key.find('}', open + 1);
    if (close != std::string_view::npos && close > open + 1) key = key.substr(open + 1, close - open - 1);
  }
  return static_cast<std::uint16_t>(redis_crc16(key) % redis_cluster_slots);
}

std::optional<redis_node_address> parse_redis_node_address(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  redis_node_address out{std::string(text.substr(0, colon)), 0};
  // A cluster bus suffix ("host:port@cport", as CLUSTER NODES writes it) is not ours to dial.
  auto port = text.substr(colon + 1);
  if (const auto at = port.find('@'); at != std::string_view::npos) port = port.substr(0, at);
  if (!parse_int(port, out.port) || out.port == 0) return std::nullopt;
  return out;
}

std::size_t redis_slot_table::uncovered() const {
  return static_cast<std::size_t>(std::count(owner.begin(), owner.end(), std::int16_t{-1}));
}

void redis_slot_table::assign(std::uint16_t slot, const redis_node_address& node) {
  auto it = std::find(masters.begin(), masters.end(), node);
  if (it == masters.end()) it = masters.insert(masters.end(), node);
  owner[slot] = static_cast<std::int16_t>(it - masters.begin());
}

result<redis_slot_table, redis_error> parse_cluster_slots(const redis_reply& reply, std::string_view asked_host) {
  using kind = redis_reply::kind;
  if (reply.type != kind::array) return bad_slots("not an array");
  redis_slot_table table;
  for (const auto& range : reply.elements) {
    if (range.type != kind::array || range.elements.size() < 3) return bad_slots("a slot range is not [start, end, master, ...]");
    const auto& start = range.elements[0];
    const auto& end = range.elements[1];
    const auto& master = range.elements[2];
    if (start.type != kind::integer || end.type != kind::integer || start.integer < 0 || end.integer < start.integer ||
        end.integer >= redis_cluster_slots)
      return bad_slots("a slot range's bounds are not 0 <= start <= end < 16384");
    if (master.type != kind::array || master.elements.size() < 2 || master.elements[0].type != kind::string ||
        master.elements[1].type != kind::integer || master.elements[1].integer <= 0 || master.elements[1].integer > UINT16_MAX)
      return bad_slots("a master is not [host, port, ...]");
    redis_node_address node{master.elements[0].str, static_cast<std::uint16_t>(master.elements[1].integer)};
    if (node.host.empty() || node.host == "?") node.host = asked_host;
    auto it = std::find(table.masters.begin(), table.masters.end(), node);
    if (it == table.masters.end()) it = table.masters.insert(table.masters.end(), std::move(node));
    const auto index = static_cast<std::int16_t>(it - table.masters.begin());
    std::fill(table.owner.begin() + start.integer, table.owner.begin() + end.integer + 1, index);
  }
  return table;
}

std::optional<redis_redirect> parse_redis_redirect(std::string_view error_text) {
  redis_redirect out;
  if (error_text.starts_with("MOVED ")) {
    error_text.remove_prefix(6);
  } else if (error_text.starts_with("ASK ")) {
    out.ask = true;
    error_text.remove_prefix(4);
  } else {
    return std::nullopt;
  }
  const auto space = error_text.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  if (!parse_int(error_text.substr(0, space), out.slot) || out.slot >= redis_cluster_slots) return std::nullopt;
  auto node = parse_redis_node_address(error_text.substr(space + 1));
  if (!node) return std::nullopt;
  out.node = std::move(*node);
  return out;
}

std::string_view redis_error_text(std::string_view reason) {
  // redis_client writes "redis NAME: TEXT"; command names hold no ": ", Redis' text may.
  if (!reason.starts_with("redis ")) return reason;
  const auto sep = reason.find(": ");
  return sep == std::string_view::npos ? reason : reason.substr(sep + 2);
}

std::optional<std::string_view> redis_command_key(std::span<const std::string_view> argv) {
  if (argv.size() < 2) return std::nullopt;
  const auto name = argv[0];
  if (upper_equals(name, "EVAL") || upper_equals(name, "EVALSHA")) {
    std::int64_t keys = 0;
    if (argv.size() < 4 || !parse_int(argv[2], keys) || keys < 1) return std::nullopt;
    return argv[3];
  }
  for (const std::string_view keyless : {"SCRIPT", "PING", "CLUSTER", "INFO", "ASKING", "ECHO", "FLUSHALL", "FLUSHDB", "DBSIZE"})
    if (upper_equals(name, keyless)) return std::nullopt;
  return argv[1];
}

std::optional<std::string_view> redis_command_key(const std::vector<std::string>& argv) {
  // Few arguments matter (at most the first four): no need to view them all.
  std::array<std::string_view, 4> head{};
  const auto n = std::min(argv.size(), head.size());
  for (std::size_t i = 0; i < n; ++i) head[i] = argv[i];
  return redis_command_key(std::span<const std::string_view>(head.data(), n));
}

} // namespace cs::runtime
