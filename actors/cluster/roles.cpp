#include "actors/cluster/roles.hpp"

#include "actors/cluster/endpoint.hpp"

namespace cs {

std::vector<std::string> node_roles::names() const {
  std::vector<std::string> out;
  if (aggregate) out.emplace_back("aggregate");
  if (gateway) out.emplace_back("gateway");
  return out;
}

node_roles parse_roles(const std::string& text, std::string& error) {
  node_roles r;
  for (const auto& item : split_list(text)) {
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
