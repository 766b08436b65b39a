#include "actors/cluster/endpoint.hpp"

#include <charconv>

namespace cs {

bool split_endpoint(const std::string& endpoint, std::string& host, std::uint16_t& port) {
  const auto colon = endpoint.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == endpoint.size()) return false;
  unsigned value = 0;
  const char* first = endpoint.data() + colon + 1;
  const char* last = endpoint.data() + endpoint.size();
  auto [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc{} || end != last || value == 0 || value > 65535) return false;
  host = endpoint.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  port = static_cast<std::uint16_t>(value);
  return true;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (from <= text.size()) {
    auto to = text.find(',', from);
    if (to == std::string::npos) to = text.size();
    auto item = text.substr(from, to - from);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    from = to + 1;
    if (!item.empty()) out.push_back(std::move(item));
  }
  return out;
}

std::vector<std::string> parse_endpoints(const std::string& list, std::string& error) {
  if (list == "none") return {};
  auto out = split_list(list);
  for (const auto& item : out) {
    std::string host;
    std::uint16_t port = 0;
    if (!split_endpoint(item, host, port)) {
      error = "'" + item + "' is not host:port";
      return {};
    }
  }
  return out;
}

} // namespace cs
