#include "actors/supervisor/root_supervisor.hpp"

#include <caf/all.hpp>

#include "runtime/log/log.hpp"

namespace cs {

caf::behavior root_supervisor(caf::event_based_actor* self, std::vector<supervised_child> children,
                              escalation_handler escalate) {
  for (const auto& c : children) self->monitor(c.actor);
  self->set_down_handler([=](caf::down_msg& dm) {
    if (!dm.reason || dm.reason == caf::exit_reason::user_shutdown) return; // orderly shutdown
    std::string who = "a node service actor";
    for (const auto& c : children)
      if (c.actor.address() == dm.source) who = c.name;
    const std::string why = who + " failed: " + caf::to_string(dm.reason);
    runtime::log_error("root_supervisor", why + "; escalating (node shutdown)");
    escalate(why);
  });
  return {
    [](int) {}, // no messages of its own; it only watches
  };
}

} // namespace cs
