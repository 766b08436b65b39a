#pragma once
// Registers every message type of candlestream with CAF. Call it on the config of EVERY node
// before the actor system starts: types must be known under the same names on both ends.
#include <caf/actor_system_config.hpp>

namespace cs {
void register_message_types(caf::actor_system_config& cfg);
} // namespace cs
