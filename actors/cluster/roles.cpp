#include "actors/cluster/roles.hpp"

namespace cs {

std::vector<std::string> node_roles::names() const {
  std::vector<std::string> out;
  if (aggregate) out.emplace_back("aggregate");
  if (gateway) out.emplace_back("gateway");
  return out;
}

node_roles parse_roles(const std::string& text, std::string& error) {
  node_roles r;
  std::size_t from = 0;
  while (from <= text.size()) {
    auto to = text.find(',', from);
    if (to == std::string::npos) to = text.size();
    auto item = text.substr(from, to - from);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    from = to + 1;
    if (item.empty()) continue;
    if (item == "aggregate") r.aggregate = true;
    else if (item == "gateway") r.gateway = true;
    else if (item == "all") r.aggregate = r.gateway = true;
    else {
      error = "unknown role '" + item + "' (roles: aggregate, gateway, all)";
      return {};
    }
  }
  if (!r.aggregate && !r.gateway) error = "no role (roles: aggregate, gateway, all)";
  return r;
}

} // namespace cs
