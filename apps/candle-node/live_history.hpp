#pragma once
// Reads one page of the final candles a WebSocket resume needs (after `since`) through the
// gateway's series_reader (the candle actor's uncommitted finals, then the cache: L1 -> L2 ->
// PostgreSQL), so a resume sees exactly what /api/v1/candles would. Pages are at most `max_page`
// candles (the API's maximum limit). Blocking: it runs on the WebSocket server's resume pool.
// Thread-safe.
#include <caf/actor_system.hpp>

#include <chrono>
#include <cstdint>

#include "actors/live_push/ws_server.hpp"
#include "messages/protocols.hpp"

namespace cs::node {

live::history_reader make_history_reader(caf::actor_system& sys, directory_hdl directory, cache_hdl cache,
                                         std::chrono::nanoseconds timeout, std::int64_t max_page);

} // namespace cs::node
