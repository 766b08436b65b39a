#pragma once
// What a node does (node.roles): aggregate (consume the events topic, own candle actors, checkpoint)
// and/or gateway (serve the read API, /ws and the chart). A gateway-only node consumes nothing and
// answers from the other nodes' candle actors and the shared stores. Pure; thread-safe.
#include <string>
#include <vector>

namespace cs {

struct node_roles {
  bool aggregate = false;
  bool gateway = false;
  // "aggregate", "gateway": as members and the console show them.
  std::vector<std::string> names() const;
};

// "aggregate,gateway" (either order, spaces allowed; "all" for both). `error` says what is wrong
// (an unknown role, none at all).
node_roles parse_roles(const std::string& text, std::string& error);

} // namespace cs
