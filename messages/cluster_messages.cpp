#include "messages/cluster_messages.hpp"

namespace cs {

std::string to_string(owner_state s) {
  switch (s) {
    case owner_state::unknown: return "unknown";
    case owner_state::serving: return "serving";
    case owner_state::not_answering: return "not_answering";
    case owner_state::down: return "down";
    case owner_state::moving: return "moving";
  }
  return "owner_state(" + std::to_string(static_cast<int>(s)) + ")";
}

} // namespace cs
