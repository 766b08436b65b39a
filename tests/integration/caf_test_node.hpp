#pragma once
// The CAF node setup both sides of the remoting test share: same message types, middleman
// loaded, heartbeats on so a peer that stops answering (not only one whose socket closes) is
// declared down within seconds.
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>

#include <chrono>
#include <cstdint>

#include "messages/caf_types.hpp"

namespace cs::test {

inline constexpr std::chrono::milliseconds caf_heartbeat_interval{500};
inline constexpr std::chrono::seconds caf_connection_timeout{2};
// caf_peer answers a candle with the same candle, bar.volume raised by this.
inline constexpr std::uint64_t caf_echo_volume_increment = 1;

inline void configure_caf_test_node(caf::actor_system_config& cfg) {
  cs::register_message_types(cfg);
  cfg.load<caf::io::middleman>();
  cfg.set("middleman.heartbeat-interval", caf::timespan{caf_heartbeat_interval});
  cfg.set("middleman.connection-timeout", caf::timespan{caf_connection_timeout});
}

} // namespace cs::test
