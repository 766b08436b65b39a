#pragma once
// The pure part of Redis Cluster routing (runtime/redis/cluster_client.hpp does the I/O): which
// slot a key hashes to, which node serves a slot (from a CLUSTER SLOTS reply), where a MOVED or
// ASK error points, and which argument of a command is its key. No I/O, no state beyond values.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/redis/errc.hpp"
#include "runtime/redis/reply.hpp"
#include "runtime/result.hpp"

namespace cs::runtime {

inline constexpr std::uint16_t redis_cluster_slots = 16384;

// CRC16-XMODEM (polynomial 0x1021, initial value 0), the checksum Redis Cluster hashes keys with.
std::uint16_t redis_crc16(std::string_view data);

// The slot of a key: CRC16 of the key mod 16384, or of the text between the first '{' and the
// first '}' after it when that text is non-empty (a hash tag, so related keys share a slot).
std::uint16_t redis_key_slot(std::string_view key);

struct redis_node_address {
  std::string host;
  std::uint16_t port = 0;
  std::string to_string() const { return host + ":" + std::to_string(port); }
  bool operator==(const redis_node_address&) const = default;
};

// "host:port" (the host may itself contain ':' as an IPv6 address does: the last one splits).
std::optional<redis_node_address> parse_redis_node_address(std::string_view text);

// Which master serves each slot. An index of -1 means no node serves the slot.
struct redis_slot_table {
  std::vector<redis_node_address> masters;
  std::array<std::int16_t, redis_cluster_slots> owner{};
  redis_slot_table() { owner.fill(-1); }
  const redis_node_address* node_of(std::uint16_t slot) const {
    const auto i = owner[slot];
    return i < 0 ? nullptr : &masters[static_cast<std::size_t>(i)];
  }
  // Slots with no master: a cluster still creating or one that lost a master without a replica.
  std::size_t uncovered() const;
  // The slot is served by `node` now (a MOVED redirect said so).
  void assign(std::uint16_t slot, const redis_node_address& node);
};

// A CLUSTER SLOTS reply: ranges [start, end, [host, port, id, ...], replicas...]. A master whose
// host is empty or "?" (Redis does not know the address it is reached at) takes `asked_host`, the
// host of the node that answered. Replicas are not kept: every command goes to the master.
result<redis_slot_table, redis_error> parse_cluster_slots(const redis_reply& reply, std::string_view asked_host);

// A redirect error reply: "MOVED 3999 127.0.0.1:6381" (the slot has moved for good: update the
// table) or "ASK 3999 127.0.0.1:6381" (the slot is migrating: ask that node once, after ASKING).
struct redis_redirect {
  bool ask = false;
  std::uint16_t slot = 0;
  redis_node_address node;
  bool operator==(const redis_redirect&) const = default;
};
// nullopt when the text is not a redirect. `error_text` is Redis' message, without the client's
// "redis COMMAND: " prefix (redirect_text() strips it from a redis_error's reason).
std::optional<redis_redirect> parse_redis_redirect(std::string_view error_text);
// The Redis message inside a redis_error reason written by redis_client ("redis NAME: TEXT").
std::string_view redis_error_text(std::string_view reason);

// The key a command routes by: argv[3] of EVAL/EVALSHA with at least one key, nothing for
// commands that name no key (SCRIPT, PING, CLUSTER, INFO, ASKING and other one-word commands),
// argv[1] otherwise. Enough for the commands candlestream sends; multi-key commands route by
// their first key, which is right only when all share a hash tag (Redis refuses them otherwise).
std::optional<std::string_view> redis_command_key(std::span<const std::string_view> argv);
std::optional<std::string_view> redis_command_key(const std::vector<std::string>& argv);

} // namespace cs::runtime
