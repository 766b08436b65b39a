#include "partition_health.hpp"

#include <string>

namespace cs::node {

dependency_state partition_health(const nlohmann::json& partitions) {
  dependency_state d{"partitions", true, "", true};
  std::size_t running = 0;
  std::string stuck;
  for (const auto& p : partitions) {
    const auto state = p.value("state", std::string("unknown"));
    if (state == "running") {
      ++running;
      continue;
    }
    if (!stuck.empty()) stuck += "; ";
    stuck += "partition " + std::to_string(p.value("partition", -1)) + " " + state;
    if (const auto reason = p.value("reason", std::string()); !reason.empty()) stuck += " (" + reason + ")";
  }
  d.ok = stuck.empty();
  d.detail = d.ok ? std::to_string(running) + " partition(s) running" : stuck;
  return d;
}

} // namespace cs::node
